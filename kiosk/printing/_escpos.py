"""python-escpos, imported once and quietly (every other module takes it from here).

python-escpos 3.1 has two import-time side effects that a kiosk must not have:

- it makes a new temporary folder on every import. ``ESCPOS_CAPABILITIES_PICKLE_DIR`` says where
  its capabilities pickle goes, but 3.1 writes ``environ.get(NAME, mkdtemp())``, which calls
  ``mkdtemp()`` even when the variable is set (measured: one empty ``/tmp/tmpXXXX`` per run). So
  the variable is set, and the stray empty folder is made inside our cache folder and removed;
- its ``logging.basicConfig()`` puts a handler on the root logger that would write onto the kiosk
  screen; the handler is taken away again.
"""

import contextlib
import logging
import os
import tempfile
from pathlib import Path


def _pickle_dir() -> str:
    # The operator's choice first (a parent process's too: our own tests set it for theirs).
    chosen = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(chosen) if chosen else Path(cache) / "tawasul" / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        usable = os.access(folder, os.W_OK | os.X_OK)
    except OSError:
        usable = False
    if not usable:
        # A read-only home (a locked-down kiosk user), or another account's (HOME kept by
        # runuser or sudo): one fixed folder per user instead.
        folder = Path(tempfile.gettempdir()) / f"tawasul-escpos-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder)


_cache = _pickle_dir()
os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = _cache
_root = logging.getLogger()
_handlers_before = list(_root.handlers)
_folders_before = set(Path(_cache).iterdir())
_tempdir_before = tempfile.tempdir
tempfile.tempdir = _cache  # only for the import below, which runs once, at start-up
try:
    from escpos import exceptions as escpos_errors
    from escpos import printer as escpos_printer
finally:
    tempfile.tempdir = _tempdir_before

for _stray in set(Path(_cache).iterdir()) - _folders_before:
    # Another tawasul process starting at the same moment may have removed it, or made one.
    with contextlib.suppress(OSError):
        if _stray.is_dir() and not any(_stray.iterdir()):
            _stray.rmdir()
for _handler in _root.handlers[:]:
    if _handler not in _handlers_before:
        _root.removeHandler(_handler)
# python-escpos logs every open and close at INFO; the kiosk's log wants only its problems.
logging.getLogger("escpos").setLevel(logging.WARNING)

__all__ = ["escpos_errors", "escpos_printer"]

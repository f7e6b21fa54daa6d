"""python-escpos, imported once and quietly (every other module takes it from here).

python-escpos 3.1 has two import-time side effects that a kiosk must not have: it makes a new
temporary folder for its capabilities pickle on every import unless told where to keep it, and
its ``logging.basicConfig()`` puts a handler on the root logger that would write onto the kiosk
screen. The folder is pinned to one per-user cache folder and the handler is taken away again.
"""

import logging
import os
import tempfile
from pathlib import Path


def _pickle_dir() -> str:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(cache) / "tawasul" / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A read-only home (a locked-down kiosk user): one fixed folder per user instead.
        folder = Path(tempfile.gettempdir()) / f"tawasul-escpos-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder)


os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _pickle_dir())
_root = logging.getLogger()
_handlers_before = list(_root.handlers)

from escpos import exceptions as escpos_errors  # noqa: E402
from escpos import printer as escpos_printer  # noqa: E402

for _handler in _root.handlers[:]:
    if _handler not in _handlers_before:
        _root.removeHandler(_handler)
# python-escpos logs every open and close at INFO; the kiosk's log wants only its problems.
logging.getLogger("escpos").setLevel(logging.WARNING)

__all__ = ["escpos_errors", "escpos_printer"]

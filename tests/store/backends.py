"""The store backends the contract suite (test_store_contract.py) runs against.

A backend says how to make an empty office's store in a test's folder, and how any process
opens that same store again from its location (a path; a database URL). A second backend is one
more entry in BACKENDS: every contract test then runs on it too.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.port import Store
from kiosk.store.store import TawasulStore


@dataclass(frozen=True)
class Backend:
    """One implementation of the store interface, as the contract suite makes and opens it."""

    name: str
    create: Callable[[Path], str]
    """Make an empty store for a test in the folder it is given; its location."""
    open: Callable[[str], Store]
    """The store at a location *create* gave, opened afresh (in this process or another)."""


def _new_data_file(folder: Path) -> str:
    path = folder / "tawasul.json"
    with contextlib.closing(TawasulStore.create(path)):
        pass
    return str(path)


def _data_file(location: str) -> Store:
    # The assignment is the check: mypy (strict) holds TawasulStore to the Store protocol here.
    store: Store = TawasulStore(Path(location))
    return store


FILE = Backend("file", _new_data_file, _data_file)
"""The TinyDB-format data file, the embedded default."""

BACKENDS = {backend.name: backend for backend in (FILE,)}
"""Every backend by name: the contract suite's parameters, and what its worker opens."""

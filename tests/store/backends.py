"""The store backends the contract suite (test_store_contract.py) runs against.

A backend says how to make an empty office's store in a test's folder, and how any process
opens that same store again from its location (a path; a database URL). A second backend is one
more entry in BACKENDS: every contract test then runs on it too.
"""

import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.port import Store
from kiosk.store.postgres.location import OfficeDatabase
from kiosk.store.postgres.store import PostgresStore
from kiosk.store.store import TawasulStore
from tests.postgres_cluster import running_cluster


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

CONTRACT_DATABASE = "contract"
"""The database of the session's PostgreSQL server where each contract test has an office."""

_offices = itertools.count(1)
_upgraded: list[str] = []


def _contract_database() -> str:
    """The contract database's URL, made and brought up to date once a session."""
    cluster = running_cluster()
    url = cluster.url(CONTRACT_DATABASE)
    if url not in _upgraded:
        cluster.psql(f"CREATE DATABASE {CONTRACT_DATABASE}")
        _upgraded.append(url)
    return url


def _new_office(folder: Path) -> str:
    # A new office in the shared database: offices are what the schema keeps apart, and one
    # database a session keeps the tests quick (no CREATE DATABASE each time).
    office = f"T{next(_offices)}-{folder.name[-12:]}".replace(".", "-")[:32]
    database = OfficeDatabase(_contract_database(), office)
    PostgresStore.create(database).close()
    return database.url


def _office_database(location: str) -> Store:
    store: Store = PostgresStore(location)
    return store


POSTGRESQL = Backend("postgresql", _new_office, _office_database)
"""One office in a PostgreSQL database (the session's throw-away server)."""

BACKENDS = {backend.name: backend for backend in (FILE, POSTGRESQL)}
"""Every backend by name: the contract suite's parameters, and what its worker opens."""

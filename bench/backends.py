"""The three ways of keeping the same data that the benchmark compares, behind one interface.

- ``tawasul``: our store (kiosk.store), with the yearly archive run done, as the office runs it.
- ``tinydb``: plain TinyDB as its documentation shows it: default JSONStorage, ``Query`` search,
  every request in one file (it has no archive).
- ``sqlite``: stdlib sqlite3 with the request number as primary key, an index on the applicant,
  WAL and ``synchronous=FULL``, so a commit is as durable as our fsynced replace.

Each lookup ends in the same domain object (TawasulRequest), and each status change does the
same work: read the request, apply the rules, write it back with its audit entry, durably.
"""

import sqlite3
from pathlib import Path
from typing import Protocol

import orjson
from tinydb import Query, TinyDB

from bench.dataset import ARCHIVE_DAYS, NEXT_IN_CYCLE, NOW, Dataset
from kiosk.domain.calendar import WorkingDayCalendar
from kiosk.domain.models import AuditEntry, TawasulRequest
from kiosk.resources import request_types
from kiosk.services.requests import RequestService
from kiosk.store import TawasulStore, records
from kiosk.store.archive import archive_finished

BACKENDS = ("tawasul", "tinydb", "sqlite")
"""The backends, ours first; the ratios divide ours by each of the others."""

_NOTE = "Please add a clear copy of the passport."


class Backend(Protocol):
    """The operations the benchmark times."""

    def lookup(self, number: str) -> TawasulRequest | None:
        """The request *number*."""
        ...

    def requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """A person's requests."""
        ...

    def advance(self, number: str, by: str) -> None:
        """One durable status change of *number* along the benchmark's cycle, with its audit."""
        ...

    def close(self) -> None:
        """Let go of the data."""
        ...


_FILE_NAMES = {"tawasul": "tawasul.json", "tinydb": "tinydb.json", "sqlite": "tawasul.sqlite3"}


def build(backend: str, folder: Path, data: Dataset) -> Path:
    """Store *data* inside *folder* the way *backend* keeps it; return its path."""
    path = folder / _FILE_NAMES[backend]
    if backend == "tawasul":
        _build_tawasul(path, data)
    elif backend == "tinydb":
        _build_tinydb(path, data)
    else:
        _build_sqlite(path, data)
    return path


def open_backend(backend: str, path: Path) -> Backend:
    """*backend* over the data at *path*."""
    if backend == "tawasul":
        return TawasulBackend(path)
    if backend == "tinydb":
        return TinyDBBackend(path)
    return SQLiteBackend(path)


def _build_tawasul(path: Path, data: Dataset) -> None:
    store = TawasulStore.create(path, force=True)
    with store.transaction() as tx:
        for applicant in data.applicants:
            tx.put_applicant(applicant)
        tx.add_requests(data.requests)
        for entry in data.audit:
            tx.append_audit(entry)
    archive_finished(store, NOW, ARCHIVE_DAYS)
    store.close()


def _build_tinydb(path: Path, data: Dataset) -> None:
    db = TinyDB(path)
    db.table("applicants").insert_multiple(
        records.applicant_to_document(a) for a in data.applicants
    )
    db.table("requests").insert_multiple(records.request_to_document(r) for r in data.requests)
    db.table("audit").insert_multiple(records.audit_to_document(e) for e in data.audit)
    db.close()


def _connect(path: Path) -> sqlite3.Connection:
    # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE), as a multi-process writer needs.
    connection = sqlite3.connect(path, isolation_level=None, timeout=10)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def _build_sqlite(path: Path, data: Dataset) -> None:
    connection = _connect(path)
    connection.executescript(
        """
        CREATE TABLE requests (number TEXT PRIMARY KEY, applicant TEXT NOT NULL,
                               status TEXT NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX requests_by_applicant ON requests (applicant);
        CREATE TABLE applicants (id_number TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE audit (id INTEGER PRIMARY KEY, doc TEXT NOT NULL);
        """
    )
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO applicants VALUES (?, ?)",
        ((a.id_number, _dumps(records.applicant_to_document(a))) for a in data.applicants),
    )
    connection.executemany(
        "INSERT INTO requests VALUES (?, ?, ?, ?)",
        (
            (r.number, r.applicant_id, r.status.value, _dumps(records.request_to_document(r)))
            for r in data.requests
        ),
    )
    connection.executemany(
        "INSERT INTO audit (doc) VALUES (?)",
        ((_dumps(records.audit_to_document(e)),) for e in data.audit),
    )
    connection.execute("COMMIT")
    connection.close()


def _dumps(document: records.Document) -> str:
    return orjson.dumps(document).decode()


def _audit(request: TawasulRequest, changed: TawasulRequest, by: str) -> AuditEntry:
    details: dict[str, object] = {"from": request.status.value, "to": changed.status.value}
    return AuditEntry(NOW, by, "request.status", request.number, details)


def _advanced(request: TawasulRequest, by: str) -> TawasulRequest:
    return request.with_status(NEXT_IN_CYCLE[request.status], NOW, by, _NOTE, _NOTE)


class TawasulBackend:
    """Our store, read through its index and changed through RequestService."""

    def __init__(self, path: Path) -> None:
        """Open the store at *path*."""
        self.store = TawasulStore(path)
        self.service = RequestService(
            self.store, request_types(), WorkingDayCalendar.with_closures(frozenset())
        )

    def lookup(self, number: str) -> TawasulRequest | None:
        """See Backend."""
        return self.store.request(number)

    def requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """See Backend."""
        return self.store.requests_of(applicant_id)

    def advance(self, number: str, by: str) -> None:
        """See Backend: RequestService.change_status, one locked, fsynced transaction."""
        current = self.store.request(number)
        assert current is not None
        self.service.change_status(number, NEXT_IN_CYCLE[current.status], by, _NOTE, _NOTE)

    def close(self) -> None:
        """See Backend."""
        self.store.close()


class TinyDBBackend:
    """Plain TinyDB: default JSONStorage and Query, as its documentation shows."""

    def __init__(self, path: Path) -> None:
        """Open the TinyDB file at *path*."""
        self.db = TinyDB(path)
        self.requests = self.db.table("requests")
        self.audit = self.db.table("audit")

    def lookup(self, number: str) -> TawasulRequest | None:
        """See Backend."""
        found = self.requests.search(Query().number == number)
        return records.request_from_document(found[0]) if found else None

    def requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """See Backend."""
        found = self.requests.search(Query().applicant == applicant_id)
        requests = [records.request_from_document(doc) for doc in found]
        return sorted(requests, key=lambda r: r.created, reverse=True)

    def advance(self, number: str, by: str) -> None:
        """See Backend: an update by document id and an audit insert, each fsynced by TinyDB."""
        found = self.requests.search(Query().number == number)
        request = records.request_from_document(found[0])
        changed = _advanced(request, by)
        self.requests.update(records.request_to_document(changed), doc_ids=[found[0].doc_id])
        self.audit.insert(records.audit_to_document(_audit(request, changed, by)))

    def close(self) -> None:
        """See Backend."""
        self.db.close()


class SQLiteBackend:
    """sqlite3 with indexes and WAL; a change is one BEGIN IMMEDIATE transaction."""

    def __init__(self, path: Path) -> None:
        """Open the database at *path*."""
        self.connection = _connect(path)

    def lookup(self, number: str) -> TawasulRequest | None:
        """See Backend."""
        row = self.connection.execute(
            "SELECT doc FROM requests WHERE number = ?", (number,)
        ).fetchone()
        return records.request_from_document(orjson.loads(row[0])) if row else None

    def requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """See Backend."""
        rows = self.connection.execute(
            "SELECT doc FROM requests WHERE applicant = ?", (applicant_id,)
        ).fetchall()
        requests = [records.request_from_document(orjson.loads(row[0])) for row in rows]
        return sorted(requests, key=lambda r: r.created, reverse=True)

    def advance(self, number: str, by: str) -> None:
        """See Backend."""
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute(
                "SELECT doc FROM requests WHERE number = ?", (number,)
            ).fetchone()
            request = records.request_from_document(orjson.loads(row[0]))
            changed = _advanced(request, by)
            connection.execute(
                "UPDATE requests SET status = ?, doc = ? WHERE number = ?",
                (changed.status.value, _dumps(records.request_to_document(changed)), number),
            )
            connection.execute(
                "INSERT INTO audit (doc) VALUES (?)",
                (_dumps(records.audit_to_document(_audit(request, changed, by))),),
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """See Backend."""
        self.connection.close()

"""One office's data in PostgreSQL: the store interface (kiosk.store.port.Store) over psycopg 3.

Connections come from a pool (psycopg_pool), opened on first use. Every use of the store is one
database transaction: a read outside ``transaction()`` takes a pooled connection for its one
query; ``transaction()`` holds one connection for the whole use case, reads what it changes
with ``FOR UPDATE`` (so two staff changing one request do so one after the other, the second
seeing the first's change, at READ COMMITTED), and commits once. A transaction that wrote
raises the office's version and sends a NOTIFY on the office's channel in that same commit.

Each transaction first sets ``app.office_id`` with ``set_config(…, true)`` (``SET LOCAL``): it
ends with the transaction, so a pooled connection never carries one office's scope into the
next use, and row-level security (migration 0002) sees only that office's rows.
"""

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, LiteralString

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from kiosk.domain.models import (
    Applicant,
    AuditEntry,
    HistoryEntry,
    InternalNote,
    Language,
    StaffMember,
    StaffRole,
    TawasulRequest,
)
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import (
    DataFileError,
    InvalidInput,
    StoreUnreachable,
    StoreUnwritable,
    WriteProblem,
)
from kiosk.store.contents import OfficeContents
from kiosk.store.port import ArchiveReport, ChangeSignal, DataVersion
from kiosk.store.postgres import schema
from kiosk.store.postgres.changes import OfficeChangeSignal
from kiosk.store.postgres.location import OfficeDatabase
from kiosk.store.postgres.password_files import exposed_password_files
from kiosk.store.storage import MissingDataFile

Connection = psycopg.Connection[TupleRow]
Params = tuple[Any, ...] | dict[str, Any]

FINISHED = ("accepted", "rejected", "closed")
"""The statuses after which a request may be archived (kiosk.store.archive says the same)."""

_REQUEST_COLUMNS: LiteralString = """
    r.number, r.applicant_id, r.type_code, r.status, r.created, r.updated, r.required_action,
    r.internal_notes,
    (SELECT coalesce(
        json_agg(json_build_array(h.status, h.at, h.by, h.note, h.answer) ORDER BY h.step),
        '[]')
       FROM request_history h WHERE h.office_id = r.office_id AND h.number = r.number)
"""

_APPLICANT_COLUMNS: LiteralString = """id_number, name_ar, name_en, password_hash,
    failed_attempts, locked_until, preferred_language, last_failure"""

log = logging.getLogger(__name__)

# The pool says each failed attempt to connect, every second or so of an outage; the store says
# the outage once as it starts and once as it ends (_lost, _pool), and drops the pool meanwhile.
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)

_POOL_WAIT_SECONDS = 10.0
"""How long a use waits for a connection of a busy pool before it is told the database cannot
be reached."""

FIRST_WAIT_SECONDS = 1.0
"""How long a use waits for a pooled connection before it asks the server directly whether it
answers at all: a resident is told at once that it does not, not after _POOL_WAIT_SECONDS."""

CONNECT_SECONDS = 2
"""libpq's connect_timeout (whole seconds) for every connection: a server that is gone is told
within it, and the kiosk's re-check of a server that was gone takes no longer."""


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _request(row: tuple[Any, ...]) -> TawasulRequest:
    number, applicant, type_code, status, created, updated, action, notes, history = row
    return TawasulRequest(
        number=number,
        applicant_id=applicant,
        type_code=type_code,
        status=RequestStatus(status),
        history=tuple(
            HistoryEntry(RequestStatus(s), _utc(datetime.fromisoformat(at)), by, note, answer)
            for s, at, by, note, answer in history
        ),
        created=_utc(created),
        updated=_utc(updated),
        required_action=action,
        internal_notes=tuple(
            InternalNote(_utc(datetime.fromisoformat(n["at"])), n["by"], n["text"]) for n in notes
        ),
    )


def _applicant(row: tuple[Any, ...]) -> Applicant:
    id_number, name_ar, name_en, password_hash, failed, locked, language, last_failure = row
    return Applicant(
        id_number,
        name_ar,
        name_en,
        password_hash,
        failed,
        _utc(locked) if locked else None,
        Language(language),
        _utc(last_failure) if last_failure else None,
    )


def _audit(row: tuple[Any, ...]) -> AuditEntry:
    at, actor, action, target, details = row
    return AuditEntry(_utc(at), actor, action, target, details)


def _detail(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def is_unreachable(error: psycopg.Error) -> bool:
    """Whether *error* means the server cannot be reached (no connection, the connection lost,
    the server shutting down or starting), not that it answered and refused (a password, a
    missing database, a bad query)."""
    state = error.sqlstate
    if state is not None:
        return state.startswith(("08", "57P"))
    # A failed connection has no SQLSTATE: libpq's message holds the server's own refusal
    # after "FATAL:" when it answered (a role, a password, a database), or libpq's own when
    # it asked for what it lacks (a password, SSL); a server starting up or shutting down
    # answers "FATAL:  the database system is …", and is as good as gone.
    message = str(error)
    if "the database system is" in message:
        return True
    return not any(said in message for said in _REFUSALS)


_REFUSALS = ("FATAL:", "fe_sendauth", "password", "SSL")
"""What a failed connection's message holds when the server was reached and refused it."""


class _Reads:
    """The reads a store and a transaction share, over whatever connection *_rows* uses."""

    database: OfficeDatabase
    _lock: LiteralString = ""
    """What a transaction adds to the reads of rows it may change (``FOR UPDATE``)."""

    def _rows(self, query: LiteralString, params: Params) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    @property
    def office(self) -> str:
        """The office whose data this is."""
        return self.database.office

    def request(self, number: str) -> TawasulRequest | None:
        """The request with *number*, or None: live or archived for the store, live only for
        a transaction (as the file store's: an archived request is not changed)."""
        if self._lock:
            # Locked by a statement of its own, then read by the next: at READ COMMITTED a
            # SELECT … FOR UPDATE that waited for another writer re-reads the locked row but not
            # what its subquery reads, so the history would be the one from before that
            # writer's commit. The next statement's snapshot is taken after the lock is held.
            self._rows(
                "SELECT 1 FROM requests WHERE office_id = %s AND number = %s FOR UPDATE",
                (self.office, number),
            )
        rows = self._rows(
            "SELECT"
            + _REQUEST_COLUMNS
            + "FROM requests r WHERE r.office_id = %s AND r.number = %s"
            + (" AND NOT r.archived" if self._lock else ""),
            (self.office, number),
        )
        return _request(rows[0]) if rows else None

    def applicant(self, id_number: str) -> Applicant | None:
        """The applicant with *id_number*, or None."""
        rows = self._rows(
            "SELECT " + _APPLICANT_COLUMNS + " FROM applicants"
            " WHERE office_id = %s AND id_number = %s" + self._lock,
            (self.office, id_number),
        )
        return _applicant(rows[0]) if rows else None

    def staff_member(self, username: str) -> StaffMember | None:
        """The staff member who logs in as *username*, or None."""
        rows = self._rows(
            "SELECT username, display_name, role FROM staff"
            " WHERE office_id = %s AND username = %s" + self._lock,
            (self.office, username),
        )
        return StaffMember(rows[0][0], rows[0][1], StaffRole(rows[0][2])) if rows else None

    def sign_in_guard(self, id_number: str) -> dict[str, Any]:
        """Failed attempts kept for an ID without an applicant record (empty when none)."""
        rows = self._rows(
            "SELECT guard FROM sign_in_guards WHERE office_id = %s AND id_number = %s" + self._lock,
            (self.office, id_number),
        )
        return dict(rows[0][0]) if rows else {}

    def guard_entry(self, kind: str, key: str) -> Any:
        """What the guard *kind* keeps for *key*, or None."""
        rows = self._rows(
            "SELECT entry FROM guard_entries WHERE office_id = %s AND kind = %s AND key = %s"
            + self._lock,
            (self.office, kind, key),
        )
        return rows[0][0] if rows else None


class PostgresTransaction(_Reads):
    """One use case's transaction on one pooled connection: it reads its own writes, and its
    rows are locked for it from the first read until the commit."""

    _lock: LiteralString = " FOR UPDATE"

    def __init__(self, conn: Connection, database: OfficeDatabase) -> None:
        """A transaction of *database*'s office on *conn* (already scoped to it)."""
        self._conn = conn
        self.database = database
        self.changed = False

    def _rows(self, query: LiteralString, params: Params) -> list[tuple[Any, ...]]:
        return self._conn.execute(query, params).fetchall()

    def _write(self, query: LiteralString, params: tuple[Any, ...]) -> psycopg.Cursor[TupleRow]:
        self.changed = True
        return self._conn.execute(query, params)

    def put_request(self, request: TawasulRequest) -> None:
        """Add *request* or replace the stored one; its history is only ever added to."""
        self._put_requests([request], replace=True)

    def add_requests(self, requests: Iterable[TawasulRequest]) -> None:
        """Add many new requests; ValueError if a number is held already (none is added)."""
        self._put_requests(list(requests), replace=False)

    def _put_requests(self, requests: list[TawasulRequest], replace: bool) -> None:
        if not requests:
            return
        self.changed = True
        upsert: LiteralString = (
            " ON CONFLICT (office_id, number) DO UPDATE SET applicant_id = EXCLUDED.applicant_id,"
            " type_code = EXCLUDED.type_code, status = EXCLUDED.status,"
            " created = EXCLUDED.created, updated = EXCLUDED.updated,"
            " required_action = EXCLUDED.required_action,"
            " internal_notes = EXCLUDED.internal_notes, archived = false"
            if replace
            else ""
        )
        kept: dict[str, int] = {}
        if replace:
            numbers = [r.number for r in requests]
            kept = dict(
                self._rows(
                    "SELECT number, count(*) FROM request_history"
                    " WHERE office_id = %s AND number = ANY(%s) GROUP BY number",
                    (self.office, numbers),
                )
            )
        for request in requests:
            if len(request.history) < kept.get(request.number, 0):
                raise ValueError(f"The history of request {request.number} is only ever added to.")
        rows = [
            (
                self.office,
                r.number,
                r.applicant_id,
                r.type_code,
                r.status.value,
                r.created,
                r.updated,
                r.required_action,
                Jsonb(
                    [{"at": n.at.isoformat(), "by": n.by, "text": n.text} for n in r.internal_notes]
                ),
            )
            for r in requests
        ]
        steps = [
            (self.office, r.number, step, e.status.value, e.at, e.by, e.note, e.answer)
            for r in requests
            for step, e in enumerate(r.history)
            if step >= kept.get(r.number, 0)
        ]
        try:
            with self._conn.cursor() as cursor:
                _execute_all(
                    cursor,
                    "INSERT INTO requests (office_id, number, applicant_id, type_code, status,"
                    " created, updated, required_action, internal_notes)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)" + upsert,
                    rows,
                )
                _execute_all(
                    cursor,
                    "INSERT INTO request_history"
                    " (office_id, number, step, status, at, by, note, answer)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    steps,
                )
        except pg_errors.UniqueViolation:
            raise ValueError("A request number among them is held already.") from None

    def put_applicant(self, applicant: Applicant) -> None:
        """Add *applicant* or replace the stored one with the same ID number."""
        self._write(
            "INSERT INTO applicants (office_id, " + _APPLICANT_COLUMNS + ")"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (office_id, id_number) DO UPDATE SET name_ar = EXCLUDED.name_ar,"
            " name_en = EXCLUDED.name_en, password_hash = EXCLUDED.password_hash,"
            " failed_attempts = EXCLUDED.failed_attempts, locked_until = EXCLUDED.locked_until,"
            " preferred_language = EXCLUDED.preferred_language,"
            " last_failure = EXCLUDED.last_failure",
            (
                self.office,
                applicant.id_number,
                applicant.name_ar,
                applicant.name_en,
                applicant.password_hash,
                applicant.failed_attempts,
                applicant.locked_until,
                applicant.preferred_language.value,
                applicant.last_failure,
            ),
        )

    def put_staff(self, member: StaffMember) -> None:
        """Add *member* or replace the stored one with the same username."""
        self._write(
            "INSERT INTO staff (office_id, username, display_name, role) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (office_id, username) DO UPDATE"
            " SET display_name = EXCLUDED.display_name, role = EXCLUDED.role",
            (self.office, member.username, member.display_name, member.role.value),
        )

    def remove_staff(self, username: str) -> bool:
        """Remove the staff member *username*; whether there was one."""
        cursor = self._write(
            "DELETE FROM staff WHERE office_id = %s AND username = %s", (self.office, username)
        )
        return cursor.rowcount > 0

    def append_audit(self, entry: AuditEntry) -> None:
        """Add *entry* to the end of the audit log."""
        self._write(
            "INSERT INTO audit (office_id, at, actor, action, target, details)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (self.office, entry.at, entry.actor, entry.action, entry.target, Jsonb(entry.details)),
        )

    def set_setting(self, key: str, value: str) -> None:
        """Set an office-wide setting."""
        self._write(
            "INSERT INTO settings (office_id, key, value) VALUES (%s, %s, %s)"
            " ON CONFLICT (office_id, key) DO UPDATE SET value = EXCLUDED.value",
            (self.office, key, value),
        )

    def set_sign_in_guard(self, id_number: str, guard: dict[str, Any] | None) -> None:
        """Keep (or with None forget) failed attempts for an ID without an applicant record."""
        if guard is None:
            self._write(
                "DELETE FROM sign_in_guards WHERE office_id = %s AND id_number = %s",
                (self.office, id_number),
            )
            return
        self._write(
            "INSERT INTO sign_in_guards (office_id, id_number, guard) VALUES (%s, %s, %s)"
            " ON CONFLICT (office_id, id_number) DO UPDATE SET guard = EXCLUDED.guard",
            (self.office, id_number, Jsonb(guard)),
        )

    def prune_sign_in_guards(self, expired: Callable[[dict[str, Any]], bool]) -> None:
        """Forget the entries that *expired* says are over."""
        rows = self._rows(
            "SELECT id_number, guard FROM sign_in_guards WHERE office_id = %s FOR UPDATE",
            (self.office,),
        )
        over = [id_number for id_number, guard in rows if expired(guard)]
        if over:
            self._write(
                "DELETE FROM sign_in_guards WHERE office_id = %s AND id_number = ANY(%s)",
                (self.office, over),
            )

    def set_guard_entry(self, kind: str, key: str, entry: Any) -> None:
        """Keep *entry* for *key* in the guard *kind*; None forgets it."""
        if entry is None:
            self._write(
                "DELETE FROM guard_entries WHERE office_id = %s AND kind = %s AND key = %s",
                (self.office, kind, key),
            )
            return
        self._write(
            "INSERT INTO guard_entries (office_id, kind, key, entry) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (office_id, kind, key) DO UPDATE SET entry = EXCLUDED.entry",
            (self.office, kind, key, Jsonb(entry)),
        )

    def prune_guard_entries(self, kind: str, expired: Callable[[Any], bool]) -> None:
        """Forget the entries of the guard *kind* that *expired* says are over."""
        rows = self._rows(
            "SELECT key, entry FROM guard_entries WHERE office_id = %s AND kind = %s FOR UPDATE",
            (self.office, kind),
        )
        over = [key for key, entry in rows if expired(entry)]
        if over:
            self._write(
                "DELETE FROM guard_entries WHERE office_id = %s AND kind = %s AND key = ANY(%s)",
                (self.office, kind, over),
            )

    def import_contents(self, contents: OfficeContents) -> None:
        """Copy *contents* (another store's whole office) into this office: what is there
        already is replaced, histories and the audit log only added to, so a second run of
        the same copy changes nothing; ValueError if the office has history or audit entries
        that *contents* lacks (it was used after an earlier copy)."""
        self._put_requests([*contents.requests, *contents.archived_requests], replace=True)
        self._write(
            "UPDATE requests SET archived = (number = ANY(%s))"
            " WHERE office_id = %s AND number = ANY(%s)",
            (
                [r.number for r in contents.archived_requests],
                self.office,
                [r.number for r in (*contents.requests, *contents.archived_requests)],
            ),
        )
        for applicant in contents.applicants:
            self.put_applicant(applicant)
        for member in contents.staff:
            self.put_staff(member)
        for key, value in contents.settings.items():
            self.set_setting(key, value)
        for id_number, guard in contents.sign_in_guards.items():
            self.set_sign_in_guard(id_number, guard)
        for kind, entries in contents.guard_entries.items():
            for key, entry in entries.items():
                self.set_guard_entry(kind, key, entry)
        self._import_audit(contents.audit)

    def _import_audit(self, entries: list[tuple[AuditEntry, bool]]) -> None:
        """Append the entries the office lacks: those after the ones an earlier copy made."""
        held = [
            (_audit(row[:5]), bool(row[5]))
            for row in self._rows(
                "SELECT at, actor, action, target, details, archived FROM audit"
                " WHERE office_id = %s ORDER BY entry_id",
                (self.office,),
            )
        ]
        if [entry for entry, _ in held] != [entry for entry, _ in entries[: len(held)]]:
            raise ValueError(f"Office {self.office} has audit entries the copy does not have.")
        with self._conn.cursor() as cursor:
            self.changed = True
            cursor.executemany(
                "INSERT INTO audit (office_id, at, actor, action, target, details, archived)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (self.office, e.at, e.actor, e.action, e.target, Jsonb(e.details), archived)
                    for e, archived in entries[len(held) :]
                ],
            )
        # An entry archived in the file since the last copy is archived here too.
        newly = [i for i, (_, archived) in enumerate(entries[: len(held)]) if archived]
        if any(not held[i][1] for i in newly):
            self._write(
                "UPDATE audit SET archived = true WHERE office_id = %s AND NOT archived"
                " AND entry_id IN (SELECT entry_id FROM audit WHERE office_id = %s"
                " ORDER BY entry_id LIMIT %s)",
                (self.office, self.office, max(newly) + 1),
            )

    def counts(self) -> dict[str, int]:
        """How many there are of each kind, named as OfficeContents.counts names them."""
        rows = self._rows(
            "SELECT"
            " (SELECT count(*) FROM requests WHERE office_id = %(o)s AND NOT archived),"
            " (SELECT count(*) FROM requests WHERE office_id = %(o)s AND archived),"
            " (SELECT count(*) FROM request_history WHERE office_id = %(o)s),"
            " (SELECT count(*) FROM applicants WHERE office_id = %(o)s),"
            " (SELECT count(*) FROM staff WHERE office_id = %(o)s),"
            " (SELECT count(*) FROM audit WHERE office_id = %(o)s),"
            " (SELECT count(*) FROM settings WHERE office_id = %(o)s),"
            " (SELECT count(*) FROM sign_in_guards WHERE office_id = %(o)s),"
            " (SELECT count(*) FROM guard_entries WHERE office_id = %(o)s)",
            {"o": self.office},
        )
        names = OfficeContents().counts().keys()
        return {name: int(count) for name, count in zip(names, rows[0], strict=True)}

    def archive(self, cutoff: datetime, dry_run: bool) -> tuple[dict[int, int], dict[int, int]]:
        """Mark finished requests untouched since *cutoff*, and older audit entries, archived
        (with *dry_run* only count them); how many by year (created, made)."""
        if dry_run:
            requests = self._rows(
                "SELECT extract(year FROM created AT TIME ZONE 'UTC')::int FROM requests"
                " WHERE office_id = %s AND NOT archived AND status = ANY(%s) AND updated < %s",
                (self.office, list(FINISHED), cutoff),
            )
            audit = self._rows(
                "SELECT extract(year FROM at AT TIME ZONE 'UTC')::int FROM audit"
                " WHERE office_id = %s AND NOT archived AND at < %s",
                (self.office, cutoff),
            )
        else:
            requests = self._write(
                "UPDATE requests SET archived = true"
                " WHERE office_id = %s AND NOT archived AND status = ANY(%s) AND updated < %s"
                " RETURNING extract(year FROM created AT TIME ZONE 'UTC')::int",
                (self.office, list(FINISHED), cutoff),
            ).fetchall()
            audit = self._write(
                "UPDATE audit SET archived = true WHERE office_id = %s AND NOT archived"
                " AND at < %s RETURNING extract(year FROM at AT TIME ZONE 'UTC')::int",
                (self.office, cutoff),
            ).fetchall()
        return _by_year(requests), _by_year(audit)


def _execute_all(
    cursor: psycopg.Cursor[TupleRow], query: LiteralString, rows: list[tuple[Any, ...]]
) -> None:
    """*query* once for each of *rows*: one plain execute for one row (a status change's usual
    case), where executemany would enter and leave pipeline mode, several waits on the server."""
    if len(rows) == 1:
        cursor.execute(query, rows[0])
    elif rows:
        cursor.executemany(query, rows)


def _by_year(rows: list[tuple[Any, ...]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for (year,) in rows:
        counts[int(year)] = counts.get(int(year), 0) + 1
    return counts


class PostgresStore(_Reads):
    """One office's data in a PostgreSQL database (the schema of kiosk/store/postgres/migrations),
    reached through a pool of connections. The second implementation of the store interface."""

    def __init__(self, location: str | OfficeDatabase, pool_size: int = 4) -> None:
        """The office at *location* (a ``postgresql://…?office=CODE`` URL); nothing is
        connected until first used."""
        self.database = (
            location if isinstance(location, OfficeDatabase) else OfficeDatabase.parse(location)
        )
        self._pool_size = pool_size
        self._opened = threading.RLock()  # _pool, made under it, may drop itself (_lost)
        self._write_problem: WriteProblem | None = None
        self._down = False
        """Whether the server could not be reached the last time it was tried (logged once)."""

    @classmethod
    def create(cls, location: str | OfficeDatabase) -> "PostgresStore":
        """Bring the database's schema up to date and add the office if it has none yet."""
        return cls.upgrade(location)[1]

    @classmethod
    def upgrade(cls, location: str | OfficeDatabase) -> tuple[list[str], "PostgresStore"]:
        """Apply the migrations the database lacks and add the office if it has none yet;
        the versions applied, and the office's store."""
        store = cls(location)
        try:
            with store._connection() as conn:
                applied = schema.upgrade(conn)
                conn.execute(
                    "INSERT INTO offices (office_id) VALUES (%s) ON CONFLICT DO NOTHING",
                    (store.office,),
                )
        except StoreUnreachable:
            store.close()
            raise
        except psycopg.Error as error:
            store.close()
            if isinstance(error, psycopg.OperationalError) and is_unreachable(error):
                raise store._lost(error) from None
            raise StoreUnwritable(
                f"The database's schema cannot be brought up to date ({error}); nothing was "
                "changed."
            ) from None
        return applied, store

    @cached_property
    def _pool(self) -> ConnectionPool[Connection]:
        # One plain attempt first: a refused password or a server that is not there is told at
        # once, where the pool would go on retrying until its timeout. While the server is gone
        # every use comes here (the pool was dropped), so each is one quick attempt, and the
        # first that succeeds makes a fresh pool.
        self._connect_once()
        pool: ConnectionPool[Connection] = ConnectionPool(
            self.database.conninfo,
            min_size=1,
            max_size=self._pool_size,
            kwargs={
                "application_name": f"tawasul {self.office}",
                "connect_timeout": CONNECT_SECONDS,
            },
            configure=_configure,
            check=ConnectionPool.check_connection,
            timeout=_POOL_WAIT_SECONDS,
            open=False,
            name=f"tawasul-{self.office}",
        )
        try:
            pool.open(wait=True, timeout=_POOL_WAIT_SECONDS)
        except PoolTimeout as error:
            pool.close()
            raise self._lost(error) from None
        if self._down:
            self._down = False
            log.warning("the database server at %s answers again", self.database.server)
        return pool

    def _connect_once(self) -> None:
        """One plain connection, closed at once: StoreUnreachable when the server does not
        answer, DataFileError (the server's own words) when it answers and refuses."""
        try:
            psycopg.connect(self.database.conninfo, connect_timeout=CONNECT_SECONDS).close()
        except psycopg.Error as error:
            if is_unreachable(error):
                raise self._lost(error) from None
            raise DataFileError(
                f"The database of office {self.office} refuses the connection ({_detail(error)})."
            ) from None

    def _lost(self, error: Exception) -> StoreUnreachable:
        """The server cannot be reached: drop the pool (its connections are dead, and it would
        go on retrying with ever longer waits), say so in the log once, and the error to raise.

        The next use starts again from one plain attempt (``_pool``)."""
        with self._opened:
            pool = self.__dict__.pop("_pool", None)
            first, self._down = not self._down, True
        if pool is not None:
            pool.close(timeout=0)  # connections in use are closed when they are given back
        if first:
            log.warning(
                "the database server at %s cannot be reached: %s",
                self.database.server,
                _detail(error),
            )
        return StoreUnreachable(self.database.server)

    def _getconn(self, pool: ConnectionPool[Connection]) -> Connection:
        try:
            return pool.getconn(timeout=FIRST_WAIT_SECONDS)
        except PoolClosed as error:  # dropped by another thread meanwhile
            raise self._lost(error) from None
        except PoolTimeout:
            pass
        # Busy, or the server gone: one plain attempt tells which, without the long wait.
        self._connect_once()
        try:
            return pool.getconn(timeout=_POOL_WAIT_SECONDS)
        except PoolTimeout as error:
            raise self._lost(error) from None

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A pooled connection, its work committed when the block ends (rolled back if it
        raises), scoped to the office for that one transaction; StoreUnreachable when the
        server cannot be reached."""
        with self._opened:
            pool = self._pool
        conn = self._getconn(pool)
        try:
            with conn:
                conn.execute("SELECT set_config('app.office_id', %s, true)", (self.office,))
                yield conn
        finally:
            pool.putconn(conn)

    def _rows(self, query: LiteralString, params: Params) -> list[tuple[Any, ...]]:
        try:
            with self._connection() as conn:
                return conn.execute(query, params).fetchall()
        except psycopg.OperationalError as error:
            if is_unreachable(error):
                raise self._lost(error) from None
            raise DataFileError(
                f"The database of office {self.office} cannot be read ({_detail(error)})."
            ) from None

    @property
    def location(self) -> str:
        """The office's URL (never with a password: it has none)."""
        return self.database.url

    @cached_property
    def changes(self) -> ChangeSignal:
        """The office's LISTEN/NOTIFY channel, as the port's change signal."""
        return OfficeChangeSignal(self.database.conninfo, self.database.channel)

    def data_version(self) -> DataVersion | None:
        """The office's change counter (one indexed row); None when the office is not there."""
        rows = self._rows("SELECT version FROM offices WHERE office_id = %s", (self.office,))
        return int(rows[0][0]) if rows else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PostgresTransaction]:
        """One use case's transaction: committed when the block ends, rolled back if it
        raises; StoreUnwritable when the database refuses writes now."""
        try:
            with self._connection() as conn:
                transaction = PostgresTransaction(conn, self.database)
                yield transaction
                if transaction.changed:
                    # The new version, and its NOTIFY (delivered at the commit, and only if it
                    # commits), in one statement: one wait on the server fewer per write.
                    version = conn.execute(
                        "WITH raised AS (UPDATE offices SET version = version + 1"
                        " WHERE office_id = %s RETURNING version)"
                        " SELECT version, pg_notify(%s, version::text) FROM raised",
                        (self.office, self.database.channel),
                    ).fetchone()
                    if version is None:
                        raise self._missing()
        except (pg_errors.ReadOnlySqlTransaction, pg_errors.InsufficientPrivilege) as error:
            self._write_problem = (
                WriteProblem.READ_ONLY
                if isinstance(error, pg_errors.ReadOnlySqlTransaction)
                else WriteProblem.NO_PERMISSION
            )
            raise StoreUnwritable(
                f"The database of office {self.office} refuses writes now "
                f"({self._write_problem.sentence}); nothing was changed.",
                self._write_problem,
            ) from None
        except pg_errors.ForeignKeyViolation:
            raise self._missing() from None
        except psycopg.OperationalError as error:
            if is_unreachable(error):
                # Rolled back with the connection: nothing of the use case is stored.
                raise self._lost(error) from None
            raise StoreUnwritable(
                f"The database of office {self.office} cannot be written now ({error}); "
                "nothing was changed."
            ) from None
        self._write_problem = None

    def _missing(self) -> MissingDataFile:
        return MissingDataFile(
            f"The database has no office {self.office}; "
            f"make it with `tawasul db upgrade --db {self.location}`."
        )

    def requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """Every live request of *applicant_id*, newest first."""
        rows = self._rows(
            "SELECT" + _REQUEST_COLUMNS + "FROM requests r WHERE r.office_id = %s"
            " AND r.applicant_id = %s AND NOT r.archived ORDER BY r.created DESC, r.number DESC",
            (self.office, applicant_id),
        )
        return [_request(row) for row in rows]

    def all_requests(self) -> Iterator[TawasulRequest]:
        """Every live request, by number."""
        rows = self._rows(
            "SELECT" + _REQUEST_COLUMNS + "FROM requests r WHERE r.office_id = %s"
            " AND NOT r.archived ORDER BY r.number",
            (self.office,),
        )
        return (_request(row) for row in rows)

    def status_counts(self) -> dict[str, int]:
        """Status code → number of live requests in it."""
        rows = self._rows(
            "SELECT status, count(*) FROM requests WHERE office_id = %s AND NOT archived"
            " GROUP BY status",
            (self.office,),
        )
        return {status: int(count) for status, count in rows}

    def all_staff(self) -> list[StaffMember]:
        """Every staff member, by username."""
        rows = self._rows(
            "SELECT username, display_name, role FROM staff WHERE office_id = %s ORDER BY username",
            (self.office,),
        )
        return [StaffMember(name, shown, StaffRole(role)) for name, shown, role in rows]

    def audit_entries(self) -> list[AuditEntry]:
        """The live audit log, oldest first."""
        rows = self._rows(
            "SELECT at, actor, action, target, details FROM audit"
            " WHERE office_id = %s AND NOT archived ORDER BY entry_id",
            (self.office,),
        )
        return [_audit(row) for row in rows]

    def setting(self, key: str, default: str = "") -> str:
        """An office-wide setting (one indexed row)."""
        rows = self._rows(
            "SELECT value FROM settings WHERE office_id = %s AND key = %s", (self.office, key)
        )
        return str(rows[0][0]) if rows else default

    def is_archived(self, number: str) -> bool:
        """Whether request *number* is archived."""
        rows = self._rows(
            "SELECT archived FROM requests WHERE office_id = %s AND number = %s",
            (self.office, number),
        )
        return bool(rows and rows[0][0])

    def archived_requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """Every archived request of *applicant_id*, newest first."""
        rows = self._rows(
            "SELECT" + _REQUEST_COLUMNS + "FROM requests r WHERE r.office_id = %s"
            " AND r.applicant_id = %s AND r.archived ORDER BY r.created DESC, r.number DESC",
            (self.office, applicant_id),
        )
        return [_request(row) for row in rows]

    def archive_years(self) -> list[int]:
        """The years that hold archived requests (by creation) or audit entries."""
        rows = self._rows(
            "SELECT extract(year FROM created AT TIME ZONE 'UTC')::int FROM requests"
            " WHERE office_id = %s AND archived"
            " UNION SELECT extract(year FROM at AT TIME ZONE 'UTC')::int FROM audit"
            " WHERE office_id = %s AND archived ORDER BY 1",
            (self.office, self.office),
        )
        return [int(year) for (year,) in rows]

    def archived_audit_entries(self, year: int) -> list[AuditEntry]:
        """The audit entries archived for *year*, oldest first."""
        rows = self._rows(
            "SELECT at, actor, action, target, details FROM audit WHERE office_id = %s"
            " AND archived AND extract(year FROM at AT TIME ZONE 'UTC')::int = %s"
            " ORDER BY entry_id",
            (self.office, year),
        )
        return [_audit(row) for row in rows]

    def archive_finished(
        self, now: datetime, days: int, actor: str = "archive", dry_run: bool = False
    ) -> ArchiveReport:
        """Archive (flag) requests finished and untouched for more than *days*, and older
        audit entries, in one transaction audited as *actor*."""
        if days < 0:
            raise InvalidInput("The number of days cannot be negative.")
        cutoff = now - timedelta(days=days)
        with self.transaction() as tx:
            requests, audit = tx.archive(cutoff, dry_run)
            live = tx._rows(
                "SELECT count(*) FROM requests WHERE office_id = %s AND NOT archived",
                (self.office,),
            )
            report = ArchiveReport(
                cutoff=cutoff,
                dry_run=dry_run,
                requests_by_year=requests,
                audit_by_year=audit,
                # A dry run flagged nothing: what would stay is what is live less what would go.
                live_requests_left=int(live[0][0]) - (sum(requests.values()) if dry_run else 0),
            )
            if not dry_run:
                details = {
                    "days": days,
                    "requests": report.requests_moved,
                    "audit": report.audit_moved,
                    "repaired": 0,
                }
                tx.append_audit(AuditEntry(now, actor, "db.archive", self.office, details))
        return report

    def probe_write_problem(self) -> WriteProblem | None:
        """Whether the server takes writes now (a standby does not), found without writing;
        a refused permission is kept until a write succeeds."""
        try:
            rows = self._rows("SELECT pg_is_in_recovery()", ())
        except StoreUnreachable:
            return WriteProblem.UNREACHABLE
        except DataFileError:
            return self._write_problem
        if rows[0][0]:
            self._write_problem = WriteProblem.READ_ONLY
        elif self._write_problem is WriteProblem.READ_ONLY:
            self._write_problem = None
        return self._write_problem

    def check_frame(self) -> None:
        """Check that the database answers, has its schema and holds the office."""
        try:
            with self._connection() as conn:
                missing = schema.pending(conn)
                office = (
                    conn.execute(
                        "SELECT 1 FROM offices WHERE office_id = %s", (self.office,)
                    ).fetchall()
                    if not missing
                    else []
                )
        except psycopg.Error as error:
            if isinstance(error, psycopg.OperationalError) and is_unreachable(error):
                raise self._lost(error) from None
            raise DataFileError(
                f"The database of office {self.office} cannot be read ({error})."
            ) from None
        if missing:
            raise MissingDataFile(
                f"The database lacks migrations {', '.join(missing)}; "
                f"run `tawasul db upgrade --db {self.location}`."
            )
        if not office:
            raise self._missing()

    def check(self) -> dict[str, int]:
        """Count the office's records (the database's constraints have checked each one)."""
        self.check_frame()
        rows = self._rows(
            "SELECT"
            " (SELECT count(*) FROM requests WHERE office_id = %s AND NOT archived),"
            " (SELECT count(*) FROM applicants WHERE office_id = %s),"
            " (SELECT count(*) FROM staff WHERE office_id = %s),"
            " (SELECT count(*) FROM audit WHERE office_id = %s AND NOT archived),"
            " (SELECT count(*) FROM sign_in_guards WHERE office_id = %s)",
            (self.office,) * 5,
        )
        names = ("requests", "applicants", "staff", "audit", "sign_in_guard")
        return {name: int(count) for name, count in zip(names, rows[0], strict=True)}

    def readable_by_others(self) -> list[str]:
        """The files on this host holding the database's password that every account can read
        (kiosk/store/postgres/password_files.py says why these, and not the server's files)."""
        return exposed_password_files(self.database)

    def close(self) -> None:
        """Stop the change signal and close the pool's connections."""
        if "changes" in self.__dict__:
            self.changes.close()
        if "_pool" in self.__dict__:
            self._pool.close()


def _configure(conn: Connection) -> None:
    """Every pooled connection speaks UTC (times are stored and read as UTC)."""
    conn.execute("SET TIME ZONE 'UTC'")
    conn.commit()

"""The PostgreSQL schema: migrations applied once and in order, office_id leading every index,
and the domain's invariants held by the database itself, whoever writes to it."""

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from kiosk.domain.statuses import RequestStatus
from kiosk.store.postgres import schema
from kiosk.store.postgres.location import OfficeDatabase
from kiosk.store.postgres.store import PostgresStore
from tests.store.backends import POSTGRESQL
from tests.store.test_store_contract import NOW, a_request, an_entry

Connection = psycopg.Connection[tuple[object, ...]]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PostgresStore]:
    """A fresh office in the session's contract database, with one request and one audit entry."""
    opened = PostgresStore(POSTGRESQL.create(tmp_path))
    with opened.transaction() as tx:
        tx.put_request(a_request("9000000100"))
        tx.append_audit(an_entry("request.add"))
    yield opened
    opened.close()


@pytest.fixture
def conn(store: PostgresStore) -> Iterator[Connection]:
    """A connection of the database's owner (the tests' superuser), in autocommit."""
    with psycopg.connect(store.database.conninfo, autocommit=True) as connection:
        yield connection


def test_migrations_are_recorded_in_order_and_applied_once(conn: Connection) -> None:
    versions = [version for version, _ in schema.migrations()]
    assert versions == sorted(versions) and versions[0] == "0001_offices"
    assert schema.applied_versions(conn) == versions
    assert schema.upgrade(conn) == []  # nothing left to apply
    assert schema.pending(conn) == []


def test_every_index_starts_with_the_office(conn: Connection) -> None:
    rows = conn.execute(
        "SELECT c.relname, a.attname FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " JOIN pg_class t ON t.oid = i.indrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]"
        " WHERE n.nspname = 'public' AND t.relname <> 'schema_migrations'"
    ).fetchall()
    assert len(rows) >= 10
    assert {column for _, column in rows} == {"office_id"}, rows


def test_a_request_number_is_unique_in_its_office_only(
    store: PostgresStore, tmp_path: Path, conn: Connection
) -> None:
    other = PostgresStore(OfficeDatabase.parse(POSTGRESQL.create(tmp_path / "b")))
    with other.transaction() as tx:
        tx.put_request(a_request("9000000100", "2000000007"))
    assert other.request("9000000100") != store.request("9000000100")
    other.close()
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute(
            "INSERT INTO requests (office_id, number, applicant_id, type_code, status,"
            " created, updated) VALUES (%s, '9000000100', '1000000008', 'x', 'closed', %s, %s)",
            (store.office, NOW, NOW),
        )


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE requests SET status = 'lost' WHERE office_id = %s",
        "UPDATE requests SET number = '12345' WHERE office_id = %s",
        "UPDATE requests SET updated = created - interval '1 day' WHERE office_id = %s",
        "INSERT INTO staff (office_id, username, display_name, role) VALUES (%s, 'a', 'A', 'boss')",
        "INSERT INTO requests (office_id, number, applicant_id, type_code, status, created,"
        " updated) VALUES (%s, '9000000209', '1000000008', 'x', 'accepted', now(), now()) ",
    ],
    ids=["status", "number", "time", "role", "office"],
)
def test_rows_against_the_rules_are_refused(
    store: PostgresStore, conn: Connection, change: str
) -> None:
    office = store.office if "'accepted'" not in change else "no-such-office"
    with pytest.raises(psycopg.errors.IntegrityError):
        conn.execute(change.encode(), (office,))


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE request_history SET note = 'rewritten' WHERE office_id = %s",
        "DELETE FROM request_history WHERE office_id = %s",
        "UPDATE audit SET actor = 'someone else' WHERE office_id = %s",
        "UPDATE audit SET archived = true, action = 'hidden' WHERE office_id = %s",
        "DELETE FROM audit WHERE office_id = %s",
    ],
    ids=["history-update", "history-delete", "audit-update", "audit-sly", "audit-delete"],
)
def test_history_and_audit_are_append_only(
    store: PostgresStore, conn: Connection, change: str
) -> None:
    with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
        conn.execute(change.encode(), (store.office,))
    assert store.request("9000000100") == a_request("9000000100")
    assert store.audit_entries() == [an_entry("request.add")]


def test_an_audit_entry_may_be_archived(store: PostgresStore, conn: Connection) -> None:
    conn.execute("UPDATE audit SET archived = true WHERE office_id = %s", (store.office,))
    assert store.audit_entries() == []
    assert store.archived_audit_entries(NOW.year) == [an_entry("request.add")]


def test_a_put_request_that_drops_history_is_refused(store: PostgresStore) -> None:
    rewritten = a_request("9000000100").with_status(RequestStatus.ACCEPTED, NOW, "s")
    with store.transaction() as tx:
        tx.put_request(rewritten)
    with pytest.raises(ValueError, match="only ever added to"), store.transaction() as tx:
        tx.put_request(a_request("9000000100"))
    assert store.request("9000000100") == rewritten

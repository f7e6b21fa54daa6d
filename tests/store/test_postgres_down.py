"""The PostgreSQL store when its server stops and starts again: StoreUnreachable naming the
server, nothing half-written, and the same store object serving again once it is back."""

import contextlib
from datetime import timedelta

import pytest

from kiosk.domain.models import AuditEntry
from kiosk.errors import DataFileError, StoreUnreachable, WriteProblem
from kiosk.store.postgres.store import PostgresStore
from tests.conftest import FROZEN_NOW
from tests.postgres_cluster import PostgresCluster

pytestmark = pytest.mark.slow


def test_reads_and_writes_meet_a_stopped_server_then_serve_again(
    postgres_to_stop: PostgresCluster, demo_office: str
) -> None:
    store = PostgresStore(demo_office)
    with contextlib.closing(store):
        assert store.request("9000000100") is not None  # the pool is open and used
        entries = len(store.audit_entries())
        postgres_to_stop.pause()
        with pytest.raises(StoreUnreachable) as gone:
            store.request("9000000100")
        assert str(gone.value) == (
            f"The database server at {postgres_to_stop.socket_dir}:{postgres_to_stop.port}"
            " cannot be reached."
        )
        assert gone.value.exit_code == 6
        with pytest.raises(StoreUnreachable), store.transaction() as tx:
            tx.append_audit(AuditEntry(FROZEN_NOW, "test", "test.entry", "x", {}))
        assert store.probe_write_problem() is WriteProblem.UNREACHABLE
        postgres_to_stop.resume()
        # The same store, with no new one made: its pool was dropped and is made again.
        assert store.request("9000000100") is not None
        assert len(store.audit_entries()) == entries  # the refused write was not made
        assert store.probe_write_problem() is None
        with store.transaction() as tx:
            later = FROZEN_NOW + timedelta(seconds=1)
            tx.append_audit(AuditEntry(later, "test", "test.entry", "x", {}))
        assert len(store.audit_entries()) == entries + 1


def test_a_server_that_answers_and_refuses_is_not_unreachable(
    postgres_to_stop: PostgresCluster, demo_office: str
) -> None:
    """A role the server does not know: the server's own words, status 3, not 6."""
    store = PostgresStore(demo_office.replace("postgres@", "nobody@"))
    with contextlib.closing(store), pytest.raises(DataFileError) as refused:
        store.request("9000000100")
    assert not isinstance(refused.value, StoreUnreachable)
    assert 'role "nobody" does not exist' in str(refused.value)

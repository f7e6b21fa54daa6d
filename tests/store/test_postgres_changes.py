"""The PostgreSQL store's change signal: LISTEN/NOTIFY on the office's channel, and what happens
when the listening connection drops (the server restarts, a proxy cuts it)."""

import threading
from pathlib import Path

import psycopg
import pytest

from kiosk.store.postgres.changes import OfficeChangeSignal
from kiosk.store.postgres.store import PostgresStore
from tests.store.backends import POSTGRESQL


def _cut_listeners(store: PostgresStore) -> int:
    """End the server side of every connection listening for *store*'s office; how many."""
    with psycopg.connect(store.database.conninfo, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s",
            (f"tawasul listen {store.database.channel}",),
        ).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture
def store(tmp_path: Path) -> PostgresStore:
    """A fresh office's store."""
    return PostgresStore(POSTGRESQL.create(tmp_path))


def test_another_office_s_commits_are_not_heard(store: PostgresStore, tmp_path: Path) -> None:
    other = PostgresStore(POSTGRESQL.create(tmp_path / "other"))
    heard = threading.Event()
    try:
        with store.changes.subscribe(heard.set):
            with other.transaction() as tx:
                tx.set_setting("banner", "elsewhere")
            assert not heard.wait(timeout=1.5)
            with store.transaction() as tx:
                tx.set_setting("banner", "here")
            assert heard.wait(timeout=10)
    finally:
        other.close()
        store.close()


def test_after_a_dropped_connection_the_listener_comes_back_and_subscribers_re_read(
    store: PostgresStore, tmp_path: Path
) -> None:
    writer = PostgresStore(store.location)
    heard = threading.Event()
    signal = store.changes
    assert isinstance(signal, OfficeChangeSignal)
    try:
        with signal.subscribe(heard.set):
            assert _cut_listeners(store) == 1
            # Committed while nobody may be listening: its NOTIFY can be lost, the re-read not.
            with writer.transaction() as tx:
                tx.set_setting("banner", "while cut off")
            assert heard.wait(timeout=15)
            assert store.setting("banner") == "while cut off"
            for _ in range(100):  # the reconnection is counted once LISTEN is in place again
                if signal.reconnections >= 1:
                    break
                threading.Event().wait(0.1)
            assert signal.reconnections == 1
            heard.clear()
            with writer.transaction() as tx:
                tx.set_setting("banner", "after")
            assert heard.wait(timeout=10)  # and it hears commits again
    finally:
        writer.close()
        store.close()


def test_a_closed_signal_stops_its_listener(store: PostgresStore) -> None:
    with store.changes.subscribe(lambda: None):
        pass
    store.close()
    for _ in range(50):
        with psycopg.connect(store.database.conninfo, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                (f"tawasul listen {store.database.channel}",),
            ).fetchone()
        if row == (0,):
            break
        threading.Event().wait(0.1)
    assert row == (0,)

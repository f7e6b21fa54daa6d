"""The TinyDB store on real files: round trips, the index, damage, leftovers, permissions."""

import itertools
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.domain.models import AuditEntry, StaffMember, StaffRole
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import TawasulError
from kiosk.store import FileTransaction, TawasulStore
from kiosk.store import storage as storage_module
from kiosk.store.port import Store, StoreTransaction
from kiosk.store.storage import DamagedDataFile, MissingDataFile
from tests.conftest import FROZEN_NOW, stored_request

WORKERS = Path(__file__).with_name("workers.py")


def test_create_refuses_to_replace_without_force(db_path: Path) -> None:
    TawasulStore.create(db_path)
    with pytest.raises(TawasulError, match="already exists"):
        TawasulStore.create(db_path)
    TawasulStore.create(db_path, force=True)
    assert db_path.read_bytes() == b"{}"


def test_the_file_store_is_the_store_the_services_see(db_path: Path) -> None:
    # mypy (strict) checks both assignments: the file store and its transaction fit the
    # protocols of kiosk.store.port, the one interface the services know.
    store: Store = TawasulStore.create(db_path)
    with TawasulStore(db_path).transaction() as file_transaction:
        transaction: StoreTransaction = file_transaction
        transaction.set_setting("banner", "typed")
    assert isinstance(file_transaction, FileTransaction)
    assert store.setting("banner") == "typed"


def test_records_round_trip_through_the_file(demo_db: Path) -> None:
    store = TawasulStore(demo_db)
    request = store.request("9000000209")
    assert request is not None and request.status is RequestStatus.RETURNED
    changed = request.with_status(RequestStatus.RESUBMITTED, FROZEN_NOW, "kiosk")
    with store.transaction() as tx:
        tx.put_request(changed)
        tx.put_staff(StaffMember("amal", "Amal", StaffRole.SUPERVISOR))
        tx.set_setting("banner", "Counter 5 is closed")
    fresh = TawasulStore(demo_db)
    assert fresh.request("9000000209") == changed
    assert fresh.staff_member("amal") == StaffMember("amal", "Amal", StaffRole.SUPERVISOR)
    assert fresh.setting("banner") == "Counter 5 is closed"


def test_lookups_by_applicant_come_newest_first(demo_db: Path) -> None:
    requests = TawasulStore(demo_db).requests_of("2109876546")
    assert [r.number for r in requests] == ["9000000100", "9000000209", "9000000308", "9000000407"]
    assert all(a.created >= b.created for a, b in itertools.pairwise(requests))


def test_the_file_is_parsed_once_until_it_changes(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[Path] = []
    real_load = storage_module.load

    def counting_load(path: Path) -> storage_module.LoadedFile:
        loads.append(path)
        return real_load(path)

    monkeypatch.setattr("kiosk.store.store.load", counting_load)
    store = TawasulStore(demo_db)
    for _ in range(50):
        store.request("9000000209")
        store.requests_of("2109876546")
    assert len(loads) == 1
    # Another writer (another store object, as another process would) changes the file.
    other = TawasulStore(demo_db)
    with other.transaction() as tx:
        tx.set_setting("banner", "new")
    assert store.setting("banner") == "new"  # read from the settings table alone
    assert len(loads) == 2
    store.request("9000000209")
    # One parse for the writer's own transaction, one for the reader noticing the change.
    assert len(loads) == 3


def test_the_index_notices_another_process_write(demo_db: Path) -> None:
    store = TawasulStore(demo_db)
    assert stored_request(store, "9000000100").status is RequestStatus.UNDER_REVIEW
    subprocess.run(
        [sys.executable, str(WORKERS), "advance", str(demo_db), "other", "1", "9000000100"],
        check=True,
    )
    assert stored_request(store, "9000000100").status is RequestStatus.RETURNED


def test_a_damaged_file_is_named_and_never_overwritten(demo_db: Path) -> None:
    damaged = demo_db.read_bytes()[:-40]
    demo_db.write_bytes(damaged)
    store = TawasulStore(demo_db)
    with pytest.raises(DamagedDataFile, match=str(demo_db)):
        store.request("9000000209")
    with pytest.raises(DamagedDataFile), store.transaction() as tx:
        tx.set_setting("banner", "x")
    assert demo_db.read_bytes() == damaged


def test_a_file_that_is_json_but_not_tinydb_is_refused(db_path: Path) -> None:
    db_path.write_text("[1, 2, 3]")
    with pytest.raises(DamagedDataFile, match="not a TinyDB file"):
        TawasulStore(db_path).check()
    assert db_path.read_text() == "[1, 2, 3]"


def test_a_missing_file_is_named(db_path: Path) -> None:
    with pytest.raises(MissingDataFile, match="tawasul demo"):
        TawasulStore(db_path).request("9000000209")


def test_a_failed_transaction_writes_nothing(demo_db: Path) -> None:
    store = TawasulStore(demo_db)
    before = demo_db.read_bytes()
    with pytest.raises(RuntimeError), store.transaction() as tx:
        request = tx.request("9000000209")
        assert request is not None
        tx.put_request(replace(request, required_action="half done"))
        raise RuntimeError("power cut in the middle")
    assert demo_db.read_bytes() == before
    assert stored_request(store, "9000000209").required_action != "half done"


def test_leftover_temporary_files_are_cleaned_under_the_lock(demo_db: Path) -> None:
    leftover = demo_db.parent / f".{demo_db.name}.abc123.tmp"
    leftover.write_text('{"half": ')
    with TawasulStore(demo_db).transaction() as tx:
        tx.set_setting("banner", "x")
    assert not leftover.exists()


def test_only_temporary_files_of_writers_that_ended_are_cleaned(demo_db: Path) -> None:
    running = subprocess.Popen(["sleep", "60"])
    ended = subprocess.Popen(["true"])
    ended.wait()
    try:
        live = demo_db.parent / f".{demo_db.name}.{running.pid}.k2j4h1x0.tmp"
        dead = demo_db.parent / f".{demo_db.name}.{ended.pid}.a8d9f7q2.tmp"
        for temporary in (live, dead):
            temporary.write_text('{"half": ')
        with TawasulStore(demo_db).transaction() as tx:
            tx.set_setting("banner", "x")
        assert live.exists()
        assert not dead.exists()
    finally:
        running.kill()
        running.wait()


def test_the_replaced_file_keeps_its_mode(demo_db: Path) -> None:
    os.chmod(demo_db, 0o640)
    with TawasulStore(demo_db).transaction() as tx:
        tx.set_setting("banner", "x")
    assert demo_db.stat().st_mode & 0o777 == 0o640


def test_audit_ids_are_never_reused_by_two_store_objects(demo_db: Path) -> None:
    first, second = TawasulStore(demo_db), TawasulStore(demo_db)
    for i in range(5):
        for store in (first, second):
            with store.transaction() as tx:
                tx.append_audit(AuditEntry(FROZEN_NOW, f"s{i}", "test", "x"))
    assert len([e for e in first.audit_entries() if e.action == "test"]) == 10


def test_a_busy_file_gives_a_clear_message(demo_db: Path) -> None:
    holder = TawasulStore(demo_db)
    waiter = TawasulStore(demo_db, lock_timeout=0.2)
    with holder.transaction(), pytest.raises(TawasulError, match="busy"), waiter.transaction():
        pass


def test_a_document_of_the_wrong_shape_is_a_clear_error(demo_db: Path) -> None:
    text = demo_db.read_text(encoding="utf-8")
    damaged = text.replace('"status":"returned"', '"status":"lost"', 1)
    assert damaged != text
    demo_db.write_text(damaged, encoding="utf-8")
    store = TawasulStore(demo_db)
    with pytest.raises(DamagedDataFile, match="stored request is damaged"):
        list(store.all_requests())

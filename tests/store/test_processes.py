"""The store under real processes: concurrent writers lose nothing, kill -9 tears nothing.

The tests of concurrency and of crashes run on both backends (the data file, and an office in
the session's PostgreSQL server), through the same worker processes that speak the store
interface only; the last two are about the data file's own lock and restore, and run on it.
"""

import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from kiosk.store import TawasulStore
from kiosk.store.port import Store
from kiosk.store.postgres.copy import copy_office
from kiosk.store.postgres.location import OfficeDatabase
from tests.conftest import make_demo_file, stored_request
from tests.store.backends import BACKENDS, POSTGRESQL

WORKERS = Path(__file__).with_name("workers.py")
SHARED = ["9000000100", "9000000704", "9000001108"]  # under review: the loop can start there
LOOP = {("under_review", "returned"), ("returned", "resubmitted"), ("resubmitted", "under_review")}

pytestmark = pytest.mark.slow


@dataclass
class DemoOffice:
    """The demo office on one backend: where any process opens it, and its stores opened here."""

    backend: str
    location: str
    opened: list[Store]

    def store(self) -> Store:
        """The office's store, opened afresh (what every kiosk and console sees now)."""
        store = BACKENDS[self.backend].open(self.location)
        self.opened.append(store)
        return store


class DemoOffices:
    """Makes the demo office on one backend: the data file itself, or the file copied into a
    new office of the session's PostgreSQL server (as ``tawasul db migrate`` copies it)."""

    def __init__(self, backend: str, folder: Path) -> None:
        """Offices of *backend*, their files in *folder*."""
        self.backend = backend
        self.folder = folder
        self.made: list[DemoOffice] = []

    def __call__(self, count: int = 60) -> DemoOffice:
        """A new demo office with *count* synthetic requests."""
        path = make_demo_file(self.folder / f"office-{len(self.made)}.json", count=count)
        location = str(path)
        if self.backend == "postgresql":
            location = POSTGRESQL.create(self.folder)
            copy_office(path, OfficeDatabase.parse(location))
        office = DemoOffice(self.backend, location, [])
        self.made.append(office)
        return office

    def close(self) -> None:
        """Close every store the tests opened."""
        for office in self.made:
            for store in office.opened:
                store.close()


@pytest.fixture(params=["file", "postgresql"])
def demo_office(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DemoOffices]:
    """The demo office's maker on each backend in turn."""
    offices = DemoOffices(request.param, tmp_path)
    yield offices
    offices.close()


def worker(*args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """Start a worker process of workers.py."""
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args], stdin=stdin, stdout=subprocess.PIPE, text=True
    )


def _by(store: Store, who: str) -> tuple[list[str], list[str]]:
    """The notes of *who*'s history entries, and of *who*'s audit entries."""
    history = [e.note for r in store.all_requests() for e in r.history if e.by == who]
    audit = [str(e.details.get("note")) for e in store.audit_entries() if e.actor == who]
    return history, audit


def test_four_processes_times_100_changes_lose_nothing(demo_office: DemoOffices) -> None:
    office = demo_office()
    names = [f"staff-{i}" for i in range(4)]
    first = office.store()
    before = {n: len(stored_request(first, n).history) for n in SHARED}
    processes = [worker("advance", office.location, name, "100", *SHARED) for name in names]
    for process in processes:
        assert process.wait(timeout=120) == 0

    store = office.store()
    store.check()  # the file parses; the database's office is whole
    notes: Counter[str] = Counter()
    for number in SHARED:
        request = store.request(number)
        assert request is not None
        added = request.history[before[number] :]
        notes.update(entry.note.rsplit("-", 1)[0] for entry in added)
        # Every step followed the allowed loop, whichever process made it.
        for earlier, later in pairwise(request.history):
            assert (earlier.status.value, later.status.value) in LOOP
        assert request.status is request.history[-1].status
    assert notes == dict.fromkeys(names, 100)
    audit = [e for e in store.audit_entries() if e.action == "request.status"]
    assert Counter(e.actor for e in audit) == dict.fromkeys(names, 100)
    for name in names:
        assert {e.details["note"] for e in audit if e.actor == name} == {
            f"{name}-{i}" for i in range(100)
        }


def test_kill_9_never_tears_the_data_or_loses_an_acknowledged_write(
    demo_office: DemoOffices,
) -> None:
    # On the file a few thousand requests make each write long enough for kills to land inside
    # it; a database's write is short whatever it holds, so the demo's 60 do there.
    office = demo_office(3000 if demo_office.backend == "file" else 60)
    rng = random.Random(9)
    acknowledged: list[int] = []
    next_index = 0
    for _ in range(12):
        process = worker("writer", office.location, "writer", str(next_index))
        assert process.stdout is not None
        first = process.stdout.readline()  # it is writing now
        assert first
        acknowledged.append(int(first))
        time.sleep(rng.uniform(0.0, 0.25))
        process.kill()
        rest, _ = process.communicate(timeout=30)
        acknowledged.extend(int(line) for line in rest.split())
        next_index = acknowledged[-1] + 1

        store = office.store()
        store.check()  # whole, whatever moment the kill hit
        history, audit = _by(store, "writer")
        missing = {f"writer-{i}" for i in acknowledged} - set(history)
        assert not missing, f"acknowledged writes lost: {sorted(missing)[:5]}"
        # Nothing half-written: every change the writer made has its audit entry, and only those.
        assert Counter(history) == Counter(audit)
        for request in store.all_requests():
            assert request.status is request.history[-1].status
        store.close()
    assert len(acknowledged) > 12
    if office.backend == "file":
        # The next writer cleans what a killed one left behind.
        with TawasulStore(Path(office.location)).transaction() as tx:
            tx.set_setting("banner", "after the kills")
        path = Path(office.location)
        assert not list(path.parent.glob(f".{path.name}.*.tmp"))


def test_a_client_killed_inside_its_transaction_leaves_nothing_half_written(
    demo_office: DemoOffices,
) -> None:
    office = demo_office()
    held = SHARED[0]
    store = office.store()
    before = stored_request(store, held)
    audit_before = len(store.audit_entries())
    # A console killed between the two writes of a status change (the request, its audit
    # entry), holding the request (its row lock; the file's lock) as it dies.
    half = worker("half", office.location, "halfway", held, stdin=subprocess.PIPE)
    assert half.stdout is not None
    assert half.stdout.readline() == "holding\n"
    # Staff change the same requests, the held one among them, and kiosks submit new ones:
    # they wait for the lock, and go on once the killed client's transaction is gone.
    staff = [f"staff-{i}" for i in range(3)]
    kiosks = [f"kiosk-{i}" for i in range(2)]
    writers = [worker("advance", office.location, name, "20", *SHARED) for name in staff]
    writers += [worker("submit", office.location, name, "10") for name in kiosks]
    time.sleep(0.5)  # the others are at the lock now
    half.kill()
    assert half.wait(timeout=30) == -9
    try:
        outputs = [w.communicate(timeout=120)[0] for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
    assert [w.returncode for w in writers] == [0] * len(writers)

    store = office.store()
    store.check()
    # Nothing of the killed client's change: no history entry, no audit entry.
    assert _by(store, "halfway") == ([], [])
    after = stored_request(store, held)
    assert after.history[: len(before.history)] == before.history
    for request in store.all_requests():
        assert request.status is request.history[-1].status
    for number in SHARED:
        for earlier, later in pairwise(stored_request(store, number).history):
            assert (earlier.status.value, later.status.value) in LOOP
    # Every acknowledged write is there, each whole (its history entry and its audit entry).
    for name, output in zip(staff, outputs, strict=False):
        history, audit = _by(store, name)
        assert sorted(history) == sorted(audit) == sorted(f"{name}-{i}" for i in output.split())
        assert len(history) == 20
    submitted = [number for output in outputs[len(staff) :] for number in output.split()]
    assert len(set(submitted)) == 10 * len(kiosks)
    for number in submitted:
        assert len(stored_request(store, number).history) == 1
    created = [e.target for e in store.audit_entries() if e.action == "request.submitted"]
    assert sorted(created) == sorted(submitted)
    assert len(store.audit_entries()) == audit_before + 20 * len(staff) + len(submitted)


def test_a_lock_file_deleted_under_running_writers_loses_no_write(demo_db: Path) -> None:
    names = [f"writer-{i}" for i in range(6)]
    deleter = subprocess.Popen([sys.executable, str(WORKERS), "lock-deleter", str(demo_db)])
    try:
        writers = [worker("acknowledged", str(demo_db), name, "40") for name in names]
        outputs = [process.communicate(timeout=120)[0] for process in writers]
    finally:
        deleter.kill()
        deleter.wait()
    assert [process.returncode for process in writers] == [0] * len(names)
    acknowledged = {
        f"{name}-{line}"
        for name, output in zip(names, outputs, strict=True)
        for line in output.split()
    }
    assert len(acknowledged) == 6 * 40
    store = TawasulStore(demo_db)
    store.check()
    written = {entry.note for request in store.all_requests() for entry in request.history}
    assert not acknowledged - written, f"{len(acknowledged - written)} acknowledged writes lost"


def test_a_restore_in_place_is_never_undone_by_a_reader_that_held_the_old_version(
    demo_db: Path,
) -> None:
    def set_banner(text: str) -> None:
        with TawasulStore(demo_db).transaction() as tx:
            tx.set_setting("banner", text)

    set_banner("backup")
    backup = demo_db.read_bytes()
    set_banner("latest")  # the same length: the restored file has the size of this one
    reader = subprocess.Popen(
        [sys.executable, str(WORKERS), "hold", str(demo_db), "reader"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin is not None and reader.stdout is not None
    assert reader.stdout.readline() == "read\n"  # it holds the version with "latest"
    # The operator restores the backup in place (same inode), keeping the file's size and mtime.
    replaced = demo_db.stat()
    with demo_db.open("r+b") as handle:
        handle.write(backup)
        handle.truncate()
    os.utime(demo_db, ns=(replaced.st_atime_ns, replaced.st_mtime_ns))
    restored = demo_db.stat()
    assert (restored.st_ino, restored.st_size) == (replaced.st_ino, replaced.st_size)

    reader.stdin.write("go\n")
    reader.stdin.flush()
    assert reader.stdout.readline() == "written\n"
    assert reader.wait(timeout=30) == 0
    store = TawasulStore(demo_db)
    assert store.setting("written_by") == "reader"
    assert store.setting("banner") == "backup"

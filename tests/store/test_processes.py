"""The store under real processes: concurrent writers lose nothing, kill -9 tears nothing."""

import os
import random
import subprocess
import sys
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from kiosk.store import TawasulStore
from tests.conftest import make_demo_file, stored_request

WORKERS = Path(__file__).with_name("workers.py")
SHARED = ["9000000100", "9000000704", "9000001108"]  # under review: the loop can start there
LOOP = {("under_review", "returned"), ("returned", "resubmitted"), ("resubmitted", "under_review")}

pytestmark = pytest.mark.slow


def worker(*args: str) -> subprocess.Popen[str]:
    """Start a worker process of workers.py."""
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args], stdout=subprocess.PIPE, text=True
    )


def test_four_processes_times_100_changes_lose_nothing(demo_db: Path) -> None:
    names = [f"staff-{i}" for i in range(4)]
    before = {n: len(stored_request(TawasulStore(demo_db), n).history) for n in SHARED}
    processes = [worker("advance", str(demo_db), name, "100", *SHARED) for name in names]
    for process in processes:
        assert process.wait(timeout=120) == 0

    store = TawasulStore(demo_db)
    store.check()  # the file parses
    notes: Counter[str] = Counter()
    for number in SHARED:
        request = store.request(number)
        assert request is not None
        added = request.history[before[number] :]
        notes.update(entry.note.rsplit("-", 1)[0] for entry in added)
        # Every step followed the allowed loop, whichever process made it.
        for earlier, later in pairwise(request.history):
            assert (earlier.status.value, later.status.value) in LOOP
    assert notes == dict.fromkeys(names, 100)
    audit = [e for e in store.audit_entries() if e.action == "request.status"]
    assert Counter(e.actor for e in audit) == dict.fromkeys(names, 100)
    for name in names:
        assert {e.details["note"] for e in audit if e.actor == name} == {
            f"{name}-{i}" for i in range(100)
        }


def test_kill_9_never_tears_the_file_or_loses_an_acknowledged_write(db_path: Path) -> None:
    # A few thousand requests make each write long enough for kills to land inside it.
    make_demo_file(db_path, count=3000)
    rng = random.Random(9)
    acknowledged: list[int] = []
    next_index = 0
    for _ in range(12):
        process = worker("writer", str(db_path), "writer", str(next_index))
        assert process.stdout is not None
        first = process.stdout.readline()  # it is writing now
        assert first
        acknowledged.append(int(first))
        time.sleep(rng.uniform(0.0, 0.25))
        process.kill()
        rest, _ = process.communicate(timeout=30)
        acknowledged.extend(int(line) for line in rest.split())
        next_index = acknowledged[-1] + 1

        store = TawasulStore(db_path)
        store.check()  # parses, whatever moment the kill hit
        written = {
            entry.note
            for request in store.all_requests()
            for entry in request.history
            if entry.by == "writer"
        }
        missing = {f"writer-{i}" for i in acknowledged} - written
        assert not missing, f"acknowledged writes lost: {sorted(missing)[:5]}"
        store.close()
    assert len(acknowledged) > 12
    # The next writer cleans what a killed one left behind.
    with TawasulStore(db_path).transaction() as tx:
        tx.set_setting("banner", "after the kills")
    assert not list(db_path.parent.glob(f".{db_path.name}.*.tmp"))


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

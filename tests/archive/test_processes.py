"""The archive and the store under real processes: concurrent staff, kill -9, eight workers."""

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.store import TawasulStore
from tests.archive.files import request_documents_by_file, where_each_request_is
from tests.conftest import FROZEN_NOW, frozen_clock, make_demo_file

WORKERS = Path(__file__).with_name("workers.py")

pytestmark = pytest.mark.slow


def worker(*args: str) -> subprocess.Popen[str]:
    """Start a worker process of workers.py."""
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args], stdout=subprocess.PIPE, text=True
    )


def notes_everywhere(live: Path) -> dict[str, set[str]]:
    """Request number → the texts of its internal notes, in whichever file it is."""
    return {
        number: {note["text"] for note in document.get("internal_notes", [])}
        for documents in request_documents_by_file(live).values()
        for number, document in documents.items()
    }


def test_archiving_under_concurrent_staff_writes_loses_and_doubles_nothing(db_path: Path) -> None:
    make_demo_file(db_path, count=1500)
    numbers_before = set(where_each_request_is(db_path))
    staff = [worker("staff", str(db_path), f"staff-{i}", "60", str(i)) for i in range(3)]
    # Runs with shrinking ages keep finding requests to move while the staff write.
    archiver = worker(
        "archive", str(db_path), FROZEN_NOW.isoformat(), "110", "80", "60", "45", "30"
    )
    outputs = [process.communicate(timeout=120)[0] for process in [*staff, archiver]]
    assert all(process.returncode == 0 for process in [*staff, archiver])
    moved = [line.split() for line in outputs[-1].splitlines() if line.startswith("moved")]
    assert len(moved) == 5 and sum(int(m[1]) for m in moved) > 0

    places = where_each_request_is(db_path)
    assert set(places) == numbers_before
    assert all(len(files) == 1 for files in places.values()), "a request is in two files"
    notes = notes_everywhere(db_path)
    written = [line.split() for output in outputs[:-1] for line in output.splitlines()]
    assert sum(1 for kind, *_ in written if kind == "wrote") > 100
    for kind, number, text in written:
        if kind == "wrote":
            assert text in notes[number], f"the note {text} on {number} was lost"
        else:
            # Refused because it had been archived: it is archived, without the note.
            assert places[number] != [db_path.name] and text not in notes[number]


def test_kill_9_during_archive_runs_then_a_rerun_completes(db_path: Path, tmp_path: Path) -> None:
    make_demo_file(db_path, count=8000)
    original = tmp_path / "original.json"
    shutil.copy(db_path, original)
    documents = request_documents_by_file(db_path)[db_path.name]
    # How long one run takes here, to aim the kills inside it.
    calibration = worker("archive", str(db_path), FROZEN_NOW.isoformat(), "30")
    assert calibration.stdout is not None and calibration.stdout.readline() == "ready\n"
    ready_at = time.perf_counter()
    calibration.wait(timeout=60)
    duration = time.perf_counter() - ready_at

    rng = random.Random(9)
    for attempt in range(5):
        shutil.copy(original, db_path)
        for archive in [*db_path.parent.glob("*.archive-*"), *db_path.parent.glob("*.audit-*")]:
            archive.unlink()
        process = worker("archive", str(db_path), FROZEN_NOW.isoformat(), "30")
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        time.sleep(duration * rng.uniform(0.05, 0.95) if attempt else 0)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

        # Whatever the moment: every request is still somewhere, none lost, none changed.
        places = where_each_request_is(db_path)
        assert set(places) == set(documents)
        rerun = worker("archive", str(db_path), FROZEN_NOW.isoformat(), "30")
        assert rerun.wait(timeout=60) == 0
        places = where_each_request_is(db_path)
        assert set(places) == set(documents)
        assert all(len(files) == 1 for files in places.values()), f"attempt {attempt}"
        found = {
            n: d for docs in request_documents_by_file(db_path).values() for n, d in docs.items()
        }
        assert found == documents
        assert not list(db_path.parent.glob(".*.tmp"))


def test_eight_processes_of_250_mixed_operations_at_10000_requests(db_path: Path) -> None:
    make_demo_file(db_path, count=10_000)
    processes = [worker("mixed", str(db_path), f"p{i}", "250", str(i)) for i in range(8)]
    outputs = [process.communicate(timeout=180)[0] for process in processes]
    inconsistent = [
        line for output in outputs for line in output.splitlines() if "inconsistent" in line
    ]
    assert not inconsistent
    assert all(process.returncode == 0 for process in processes)
    writes = [line.split() for output in outputs for line in output.splitlines()]
    assert len(writes) > 200
    store = TawasulStore(db_path)
    store.check()
    for _, number, text in writes:
        request = store.request(number)
        assert request is not None and text in {note.text for note in request.internal_notes}
    # Each write has its audit entry, and no id was given twice.
    audit = orjson.loads(db_path.read_bytes())["audit"]
    assert sum(1 for entry in audit.values() if entry["action"] == "request.note") == len(writes)


def test_the_index_notices_another_process_archiving(db_path: Path) -> None:
    make_demo_file(db_path, count=600)
    services = open_services(db_path, KioskConfig(), clock=frozen_clock)
    closed = [
        r
        for r in services.store.all_requests()
        if r.status.value == "closed" and (FROZEN_NOW - r.updated).days > 40
    ]
    assert closed and not services.store.is_archived(closed[0].number)
    assert worker("archive", str(db_path), FROZEN_NOW.isoformat(), "30").wait(timeout=60) == 0
    # The same services, no reload asked: the live index and the archive both changed on disk.
    assert services.store.is_archived(closed[0].number)
    assert services.store.request(closed[0].number) == closed[0]
    assert closed[0].number not in {r.number for r in services.store.all_requests()}

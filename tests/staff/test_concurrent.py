"""Several staff consoles and a kiosk on one data file at once: nothing acknowledged is lost."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kiosk.domain.models import StaffMember
from kiosk.services.staff import StaffDirectory
from kiosk.store import TawasulStore
from tests.conftest import frozen_clock, stored_request

WORKERS = Path(__file__).with_name("staff_workers.py")
SHARED = ["9000000100", "9000000704", "9000001108"]  # all under review at the start
RESIDENT = "1234567897"  # a demo resident with requests and a password

pytestmark = pytest.mark.slow


def start(*args: str) -> subprocess.Popen[str]:
    """Start a worker process of staff_workers.py."""
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_three_consoles_and_a_kiosk_at_once_lose_nothing(demo_db: Path) -> None:
    names = ["w.one", "w.two", "w.three"]
    directory = StaffDirectory(TawasulStore(demo_db), frozen_clock)
    for name in names:
        directory.put(StaffMember(name, name), "test", "")
    audit_before = len(TawasulStore(demo_db).audit_entries())

    workers = [start("staff", str(demo_db), name, "60", *SHARED) for name in names]
    workers.append(start("kiosk", str(demo_db), RESIDENT, "3", "150"))
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=150)
        assert worker.returncode == 0, err
        reports.append([json.loads(line) for line in out.splitlines()])

    store = TawasulStore(demo_db)
    store.check()  # the file parses
    staff_done = [done for report in reports[:3] for done in report]
    assert len(staff_done) == 3 * 60
    notes = Counter(
        (note.text, number)
        for number in SHARED
        for note in stored_request(store, number).internal_notes
    )
    changes = Counter(
        (entry.note, number) for number in SHARED for entry in stored_request(store, number).history
    )
    for done in staff_done:
        key = (done["note"], done["number"])
        if done["kind"] == "note":
            assert notes[key] == 1
        elif done["kind"] == "status":
            assert changes[key] == 1
        else:
            assert changes[key] == 0  # a refused change leaves no trace
    made = Counter(done["kind"] for done in staff_done)
    assert made["note"] == 90 and made["status"] > 0

    audit = store.audit_entries()[audit_before:]
    staff_audit = Counter((entry.actor, entry.action) for entry in audit if entry.actor in names)
    for name, report in zip(names, reports, strict=False):
        kinds = Counter(done["kind"] for done in report)
        assert staff_audit[(name, "request.note")] == kinds["note"]
        assert staff_audit[(name, "request.status")] == kinds["status"]

    kiosk = reports[3]
    assert [done["outcome"] for done in kiosk[:3]] == ["wrong_credentials"] * 3
    assert len(kiosk) == 3 + 150
    # Every read saw the resident's requests whole, while the consoles were writing.
    assert {done["requests"] for done in kiosk[3:]} == {len(store.requests_of(RESIDENT))}
    applicant = store.applicant(RESIDENT)
    assert applicant is not None and applicant.failed_attempts == 3

"""The store contract: what every backend of kiosk.store.port.Store does, tested through the
interface alone.

Each test takes a fresh, empty office's store from the ``backend`` fixture, one parameter per
entry of tests/store/backends.py; nothing here knows a file, a table or a document. A new
backend passes when it is added there and every test below passes on it too.
"""

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.domain.models import (
    Applicant,
    AuditEntry,
    HistoryEntry,
    StaffMember,
    StaffRole,
    TawasulRequest,
)
from kiosk.domain.statuses import RequestStatus
from kiosk.store.port import Store
from tests.store.backends import BACKENDS, Backend

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
AHMED = "1000000008"
SARA = "2000000007"


@dataclass
class Office:
    """A fresh office's store, where other processes find it, and its backend."""

    backend: Backend
    location: str
    store: Store
    others: list[Store] = field(default_factory=list)

    def reopened(self) -> Store:
        """The same store opened again, as another kiosk or console of the office opens it."""
        store = self.backend.open(self.location)
        self.others.append(store)
        return store


@pytest.fixture(params=sorted(BACKENDS))
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Office]:
    """An empty office's store on each backend in turn."""
    backend = BACKENDS[request.param]
    location = backend.create(tmp_path)
    opened = Office(backend, location, backend.open(location))
    yield opened
    for store in (opened.store, *opened.others):
        store.close()


def a_request(number: str, applicant: str = AHMED, *, days_old: int = 0) -> TawasulRequest:
    """A request submitted *days_old* days before NOW, under review since."""
    created = NOW - timedelta(days=days_old)
    return TawasulRequest(
        number=number,
        applicant_id=applicant,
        type_code="passport_renewal",
        status=RequestStatus.UNDER_REVIEW,
        history=(HistoryEntry(RequestStatus.UNDER_REVIEW, created, "kiosk", ""),),
        created=created,
        updated=created,
    )


def an_entry(action: str, minutes: int = 0) -> AuditEntry:
    """An audit entry made *minutes* after NOW."""
    return AuditEntry(NOW + timedelta(minutes=minutes), "staff", action, "9000000100", {"n": 1})


class Refused(Exception):
    """What a test body raises to make its transaction end without committing."""


# --- requests ---------------------------------------------------------------------------------


def test_a_request_put_is_found_by_number_and_by_applicant(office: Office) -> None:
    store = office.store
    first, second = a_request("9000000100", days_old=3), a_request("9000000209")
    other = a_request("9000000308", SARA)
    with store.transaction() as tx:
        tx.put_applicant(Applicant(AHMED, "أحمد", "Ahmed"))
        for request in (first, second, other):
            tx.put_request(request)
    assert store.request("9000000100") == first
    assert store.request("9000000999") is None
    assert store.requests_of(AHMED) == [second, first]  # newest first
    assert store.requests_of("1111111111") == []
    assert {r.number for r in store.all_requests()} == {"9000000100", "9000000209", "9000000308"}
    assert store.status_counts() == {"under_review": 3}
    assert store.applicant(AHMED) == Applicant(AHMED, "أحمد", "Ahmed")
    assert office.reopened().request("9000000209") == second


def test_a_request_put_again_replaces_the_one_with_its_number(office: Office) -> None:
    store = office.store
    request = a_request("9000000100")
    with store.transaction() as tx:
        tx.put_request(request)
    returned = request.with_status(
        RequestStatus.RETURNED, NOW + timedelta(hours=1), "staff", "photo", "a new photo"
    )
    with store.transaction() as tx:
        assert tx.request(request.number) == request
        tx.put_request(returned)
        assert tx.request(request.number) == returned  # the transaction reads its own write
    assert store.request(request.number) == returned
    assert [r.number for r in store.all_requests()] == [request.number]
    assert store.status_counts() == {"returned": 1}


def test_a_residents_answer_is_kept_on_its_step(office: Office) -> None:
    store = office.store
    returned = a_request("9000000100").with_status(
        RequestStatus.RETURNED, NOW + timedelta(hours=1), "staff", "photo", "a new photo"
    )
    answered = returned.with_status(
        RequestStatus.RESUBMITTED,
        NOW + timedelta(hours=2),
        "kiosk KIOSK-01 for ******0008",
        "brought it",
        answer="documents_at_counter",
    )
    with store.transaction() as tx:
        tx.put_request(returned)
    with store.transaction() as tx:
        tx.put_request(answered)
    for reader in (store, office.reopened()):
        found = reader.request("9000000100")
        assert found is not None and found == answered
        assert [e.answer for e in found.history] == ["", "", "documents_at_counter"]


def test_requests_added_at_once_refuse_a_number_held_and_add_none(office: Office) -> None:
    store = office.store
    with store.transaction() as tx:
        tx.add_requests([a_request("9000000100"), a_request("9000000209")])
    with pytest.raises(ValueError), store.transaction() as tx:
        tx.add_requests([a_request("9000000308"), a_request("9000000100")])
    assert sorted(r.number for r in store.all_requests()) == ["9000000100", "9000000209"]


# --- one transaction boundary -----------------------------------------------------------------


def test_a_transaction_that_raises_leaves_nothing_of_itself(office: Office) -> None:
    store = office.store
    with store.transaction() as tx:
        tx.put_request(a_request("9000000100"))
        tx.set_setting("banner", "before")
    before = store.data_version()
    with pytest.raises(Refused), store.transaction() as tx:
        tx.put_request(a_request("9000000209"))
        tx.put_request(a_request("9000000100").with_status(RequestStatus.REJECTED, NOW, "s", "no"))
        tx.put_applicant(Applicant(SARA, "سارة", "Sara"))
        tx.put_staff(StaffMember("huda", "Huda"))
        tx.append_audit(an_entry("request.add"))
        tx.set_setting("banner", "after")
        tx.set_guard_entry("quick_lookups", "kiosk-1", ["x"])
        raise Refused
    for reader in (store, office.reopened()):
        assert [r.number for r in reader.all_requests()] == ["9000000100"]
        assert reader.request("9000000100") == a_request("9000000100")
        assert reader.applicant(SARA) is None
        assert reader.staff_member("huda") is None
        assert reader.audit_entries() == []
        assert reader.setting("banner") == "before"
        assert reader.guard_entry("quick_lookups", "kiosk-1") is None
    assert store.data_version() == before


def test_the_data_version_changes_with_each_commit_and_only_then(office: Office) -> None:
    store = office.store
    first = store.data_version()
    with store.transaction() as tx:
        assert tx.request("9000000100") is None  # a transaction that only reads commits nothing
    assert store.data_version() == first
    with store.transaction() as tx:
        tx.set_setting("banner", "one")
    second = store.data_version()
    assert second is not None and second != first
    with office.reopened().transaction() as tx:
        tx.set_setting("banner", "two")
    assert store.data_version() not in (first, second)


# --- the audit log ----------------------------------------------------------------------------


def test_the_audit_log_is_only_appended_to_in_order(office: Office) -> None:
    store = office.store
    with store.transaction() as tx:
        tx.append_audit(an_entry("first", 0))
        tx.append_audit(an_entry("second", 1))
    kept = store.audit_entries()
    with office.reopened().transaction() as tx:
        tx.append_audit(an_entry("third", 2))
    with store.transaction() as tx:
        tx.append_audit(an_entry("fourth", 3))
    entries = store.audit_entries()
    assert [e.action for e in entries] == ["first", "second", "third", "fourth"]
    assert entries[: len(kept)] == kept  # what was there stays as it was
    assert entries[0] == an_entry("first", 0)


# --- the change signal ------------------------------------------------------------------------


def test_a_commit_by_another_process_reaches_a_subscriber(office: Office) -> None:
    store = office.store
    heard = threading.Event()
    before = store.data_version()
    with store.changes.subscribe(heard.set):
        worker = subprocess.run(
            [
                *(sys.executable, "-m", "tests.store.contract_worker"),
                *(office.backend.name, office.location, "from another process"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert worker.stdout == "committed\n", worker.stderr
        assert heard.wait(timeout=10)
    assert store.setting("banner") == "from another process"
    assert [e.actor for e in store.audit_entries()] == ["worker"]
    assert store.data_version() != before


def test_a_closed_subscription_hears_no_more(office: Office) -> None:
    store = office.store
    calls: list[str] = []
    heard = threading.Event()
    with store.changes.subscribe(heard.set):
        closed = store.changes.subscribe(lambda: calls.append("closed"))
        closed.close()
        with office.reopened().transaction() as tx:
            tx.set_setting("banner", "changed")
        assert heard.wait(timeout=10)
    assert calls == []


# --- staff, settings, guards ------------------------------------------------------------------


def test_staff_are_added_replaced_and_removed_by_username(office: Office) -> None:
    store = office.store
    with store.transaction() as tx:
        tx.put_staff(StaffMember("huda", "Huda", StaffRole.SUPERVISOR))
        tx.put_staff(StaffMember("ali", "Ali"))
    # Another process adds one between this store's reads and its next write: neither write
    # takes the other's place (a remembered next id once lost such inserts).
    assert [m.username for m in store.all_staff()] == ["ali", "huda"]
    with office.reopened().transaction() as tx:
        tx.put_staff(StaffMember("omar", "Omar"))
    with store.transaction() as tx:
        tx.put_staff(StaffMember("zain", "Zain"))
        tx.put_staff(StaffMember("ali", "Ali Hassan", StaffRole.SUPERVISOR))
    assert store.all_staff() == [
        StaffMember("ali", "Ali Hassan", StaffRole.SUPERVISOR),
        StaffMember("huda", "Huda", StaffRole.SUPERVISOR),
        StaffMember("omar", "Omar"),
        StaffMember("zain", "Zain"),
    ]
    with store.transaction() as tx:
        assert tx.remove_staff("huda") is True
        assert tx.remove_staff("nobody") is False
        assert tx.staff_member("huda") is None
    assert store.staff_member("huda") is None
    with store.transaction() as tx:
        tx.put_staff(StaffMember("huda", "Huda"))
    assert [m.username for m in office.reopened().all_staff()] == ["ali", "huda", "omar", "zain"]
    assert store.staff_member("huda") == StaffMember("huda", "Huda")


def test_settings_are_kept_by_key(office: Office) -> None:
    store = office.store
    assert store.setting("banner") == ""
    assert store.setting("banner", "none") == "none"
    with store.transaction() as tx:
        tx.set_setting("banner", "مغلق للصيانة")
        tx.set_setting("other", "kept")
    with store.transaction() as tx:
        tx.set_setting("banner", "open")
    assert store.setting("banner") == "open"
    assert office.reopened().setting("other") == "kept"


def test_guard_entries_are_kept_forgotten_and_pruned_by_kind_and_key(office: Office) -> None:
    store = office.store
    with store.transaction() as tx:
        tx.set_guard_entry("quick_lookups", "kiosk-1", ["2026-03-01T09:30:00+00:00"])
        tx.set_guard_entry("quick_lookups", "kiosk-2", ["old"])
        tx.set_guard_entry("staff_exit", "office", {"failed_attempts": 2})
    assert store.guard_entry("quick_lookups", "kiosk-1") == ["2026-03-01T09:30:00+00:00"]
    assert store.guard_entry("staff_exit", "office") == {"failed_attempts": 2}
    assert store.guard_entry("staff_exit", "kiosk-1") is None
    with store.transaction() as tx:
        tx.prune_guard_entries("quick_lookups", lambda entry: entry == ["old"])
        tx.set_guard_entry("staff_exit", "office", None)
    reader = office.reopened()
    assert reader.guard_entry("quick_lookups", "kiosk-2") is None
    assert reader.guard_entry("quick_lookups", "kiosk-1") == ["2026-03-01T09:30:00+00:00"]
    assert reader.guard_entry("staff_exit", "office") is None


def test_sign_in_guards_of_unknown_ids_are_kept_forgotten_and_pruned(office: Office) -> None:
    store = office.store
    assert store.sign_in_guard(AHMED) == {}
    with store.transaction() as tx:
        tx.set_sign_in_guard(AHMED, {"failed_attempts": 3, "locked_until": None})
        tx.set_sign_in_guard(SARA, {"failed_attempts": 1, "locked_until": None})
    assert store.sign_in_guard(AHMED) == {"failed_attempts": 3, "locked_until": None}
    with store.transaction() as tx:
        tx.prune_sign_in_guards(lambda guard: guard["failed_attempts"] < 2)
    assert office.reopened().sign_in_guard(SARA) == {}
    with store.transaction() as tx:
        tx.set_sign_in_guard(AHMED, None)
    assert store.sign_in_guard(AHMED) == {}


# --- the archive, health ----------------------------------------------------------------------


def test_an_archived_request_is_still_found_by_number_but_no_longer_live(office: Office) -> None:
    store = office.store
    finished = a_request("9000000100", days_old=400).with_status(
        RequestStatus.ACCEPTED, NOW - timedelta(days=300), "staff"
    )
    with store.transaction() as tx:
        tx.put_request(finished)
        tx.put_request(a_request("9000000209"))
    # A dry run says what would go and what would stay, and moves nothing.
    preview = store.archive_finished(NOW, days=90, actor="operator", dry_run=True)
    assert preview.requests_moved == 1 and preview.live_requests_left == 1
    assert not store.is_archived(finished.number)
    report = store.archive_finished(NOW, days=90, actor="operator")
    assert report.requests_moved == 1 and report.live_requests_left == 1
    for reader in (store, office.reopened()):
        assert reader.request(finished.number) == finished
        assert reader.is_archived(finished.number)
        assert not reader.is_archived("9000000209")
        assert [r.number for r in reader.all_requests()] == ["9000000209"]
        assert reader.archived_requests_of(AHMED) == [finished]
        assert [e.action for e in reader.audit_entries()] == ["db.archive"]
    assert store.archive_years() == [finished.created.year]
    # A transaction reads the live data only: what changes requests finds no archived one.
    with store.transaction() as tx:
        assert tx.request(finished.number) is None
        assert tx.request("9000000209") is not None


def test_a_healthy_store_can_be_written_and_checks_out(office: Office) -> None:
    store = office.store
    with store.transaction() as tx:
        tx.put_request(a_request("9000000100"))
        tx.put_staff(StaffMember("huda", "Huda"))
        tx.append_audit(an_entry("request.add"))
    assert store.probe_write_problem() is None
    store.check_frame()
    counts = store.check()
    assert counts["requests"] == 1 and counts["staff"] == 1 and counts["audit"] == 1
    assert store.location  # what a message names it by
    assert office.reopened().check() == counts

"""The staff use cases without a screen: identity, search, changes, audit, banner, supervisors."""

from datetime import date

import pytest

from kiosk.domain.models import StaffRole
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import InvalidInput, NotAllowed, NotFound, TransitionRefused
from kiosk.services import Services
from kiosk.services.staff import (
    AuditQuery,
    RequestQuery,
    SortKey,
    StaffSession,
    check_login_name,
    client_address,
    login_name,
)
from tests.staff.conftest import CLIENT

UNDER_REVIEW = "9000000100"
CLOSED = "9000000407"


def session(services: Services, username: str = "supervisor") -> StaffSession:
    return StaffSession(services, username, CLIENT)


def test_the_login_user_comes_from_the_kernel_not_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pwd

    monkeypatch.setenv("USER", "supervisor")
    assert login_name() == pwd.getpwuid(__import__("os").getuid()).pw_name


def test_client_address_is_read_from_ssh_connection() -> None:
    assert client_address({"SSH_CONNECTION": "203.0.113.9 51234 10.0.0.2 22"}) == (
        "203.0.113.9 port 51234"
    )
    assert client_address({}) == "local"


def test_someone_not_in_the_staff_table_is_refused_with_a_clear_message(
    services: Services,
) -> None:
    with pytest.raises(NotAllowed, match=r"'mallory' is not in the staff table"):
        session(services, "mallory")


def test_login_names_are_checked() -> None:
    assert check_login_name(" n.alharbi ") == "n.alharbi"
    for bad in ("", "Root", "a b", "-x", "x" * 33):
        with pytest.raises(InvalidInput):
            check_login_name(bad)


def test_search_filters_sorts_and_pages(services: Services) -> None:
    desk = session(services)
    everything = desk.search(RequestQuery(), page_size=10)
    assert everything.total == len(list(services.store.all_requests()))
    assert everything.pages == -(-everything.total // 10)
    created = [row.request.created for row in everything.rows]
    assert created == sorted(created, reverse=True)

    last = desk.search(RequestQuery(), page=999, page_size=10)
    assert last.page == everything.pages - 1
    assert 1 <= len(last.rows) <= 10

    returned = desk.search(RequestQuery(status=RequestStatus.RETURNED), page_size=1000)
    assert returned.total > 0
    assert {row.request.status for row in returned.rows} == {RequestStatus.RETURNED}

    by_number = desk.search(RequestQuery(sort=SortKey.NUMBER, descending=False), page_size=1000)
    numbers = [row.request.number for row in by_number.rows]
    assert numbers == sorted(numbers)


def test_search_by_number_or_id_in_any_digits(services: Services) -> None:
    desk = session(services)
    found = desk.search(RequestQuery(text="٩٠٠٠٠٠٠١٠٠"))
    assert [row.request.number for row in found.rows] == [UNDER_REVIEW]
    owner = found.rows[0].request.applicant_id
    mine = desk.search(RequestQuery(text=owner), page_size=1000)
    assert mine.total >= 4
    assert {row.request.applicant_id for row in mine.rows} == {owner}
    with pytest.raises(InvalidInput, match="digits"):
        desk.search(RequestQuery(text="ahmed"))


def test_dates_and_overdue_against_the_working_day_target(services: Services) -> None:
    desk = session(services)
    day = date(2026, 11, 24)
    one_day = desk.search(RequestQuery(submitted_from=day, submitted_to=day), page_size=1000)
    assert {row.submitted for row in one_day.rows} == {day}
    late = desk.search(RequestQuery(overdue_only=True), page_size=1000)
    assert late.total > 0
    for row in late.rows:
        assert row.request.status in (RequestStatus.UNDER_REVIEW, RequestStatus.RESUBMITTED)
        assert row.expected_by < date(2026, 11, 25)
        assert desk.progress(row.request).is_late
    with pytest.raises(InvalidInput, match="after"):
        desk.search(RequestQuery(submitted_from=day, submitted_to=date(2026, 1, 1)))


def test_the_index_is_rebuilt_only_when_the_file_changes(services: Services) -> None:
    desk = session(services)
    first = desk.index.rows()
    assert desk.index.rows() is first
    desk.add_note(UNDER_REVIEW, "checked the passport copy")
    assert desk.index.rows() is not first


def test_a_status_change_is_audited_with_the_member_and_client(services: Services) -> None:
    desk = session(services, "staff")
    changed = desk.change_status(UNDER_REVIEW, RequestStatus.ACCEPTED, "ready at counter 5")
    assert changed.status is RequestStatus.ACCEPTED
    assert changed.history[-1].by == "staff"
    entry = services.store.audit_entries()[-1]
    assert (entry.actor, entry.action, entry.target) == ("staff", "request.status", UNDER_REVIEW)
    assert entry.details == {
        "from": "under_review",
        "to": "accepted",
        "note": "ready at counter 5",
        "client": CLIENT,
    }


def test_refused_transitions_change_nothing(services: Services) -> None:
    desk = session(services)
    before = services.store.request(UNDER_REVIEW)
    audit_before = len(services.store.audit_entries())
    with pytest.raises(TransitionRefused, match="cannot become closed"):
        desk.change_status(UNDER_REVIEW, RequestStatus.CLOSED, "done")
    with pytest.raises(TransitionRefused, match="note is required"):
        desk.change_status(UNDER_REVIEW, RequestStatus.REJECTED, " ")
    with pytest.raises(TransitionRefused, match="action is required"):
        desk.change_status(UNDER_REVIEW, RequestStatus.RETURNED, "missing photo", "")
    with pytest.raises(TransitionRefused, match="none: it is final"):
        desk.change_status(CLOSED, RequestStatus.ACCEPTED, "again")
    assert services.store.request(UNDER_REVIEW) == before
    assert len(services.store.audit_entries()) == audit_before


def test_returned_keeps_the_action_for_the_resident(services: Services) -> None:
    desk = session(services)
    changed = desk.change_status(
        UNDER_REVIEW, RequestStatus.RETURNED, "photo too dark", "Bring a new photo to counter 2"
    )
    assert changed.required_action == "Bring a new photo to counter 2"
    assert changed.last_note == "photo too dark"


def test_internal_notes_are_audited(services: Services) -> None:
    desk = session(services, "staff")
    noted = desk.add_note(UNDER_REVIEW, "[called] the sponsor")
    assert noted.internal_notes[-1].text == "[called] the sponsor"
    assert noted.internal_notes[-1].by == "staff"
    assert services.store.audit_entries()[-1].action == "request.note"
    with pytest.raises(InvalidInput):
        desk.add_note(UNDER_REVIEW, "   ")
    with pytest.raises(NotFound):
        desk.add_note("9000000019", "nobody")


def test_audit_filters_by_member_and_riyadh_day(services: Services) -> None:
    staff = session(services, "staff")
    staff.add_note(UNDER_REVIEW, "one")
    supervisor = session(services)
    supervisor.set_banner("Closed on Thursday afternoon")
    by_staff = supervisor.audit(AuditQuery(actor="staff"))
    assert by_staff and {e.actor for e in by_staff} == {"staff"}
    assert by_staff[0].action == "request.note"
    today = supervisor.audit(AuditQuery(since=date(2026, 11, 25), until=date(2026, 11, 25)))
    assert [e.action for e in today[:2]] == ["banner.set", "request.note"]
    assert supervisor.audit(AuditQuery(since=date(2026, 11, 26))) == []
    assert {"staff", "supervisor"} <= set(supervisor.actors())


def test_the_banner_is_one_short_line(services: Services) -> None:
    desk = session(services, "staff")
    assert desk.set_banner("  Eid  closure:\n back on Sunday ") == "Eid closure: back on Sunday"
    assert services.store.setting("banner") == "Eid closure: back on Sunday"
    with pytest.raises(InvalidInput, match="keep it to"):
        desk.set_banner("x" * 161)
    assert desk.set_banner("") == ""
    assert services.store.audit_entries()[-1].details["text"] == ""


def test_supervisor_tools_are_refused_to_staff(services: Services) -> None:
    desk = session(services, "staff")
    with pytest.raises(NotAllowed, match="Only a supervisor"):
        desk.unlock_applicant("2109876546")
    with pytest.raises(NotAllowed):
        desk.reset_password("2109876546", "a-new-password")
    with pytest.raises(NotAllowed):
        desk.put_staff("k.new", "New Person", StaffRole.STAFF)
    with pytest.raises(NotAllowed):
        desk.remove_staff("supervisor")


def test_supervisors_manage_staff_but_not_themselves(services: Services) -> None:
    desk = session(services)
    added = desk.put_staff("s.alqahtani", "  Sara   Al-Qahtani ", StaffRole.STAFF)
    assert added.display_name == "Sara Al-Qahtani"
    assert services.store.staff_member("s.alqahtani") == added
    desk.put_staff("s.alqahtani", "Sara Al-Qahtani", StaffRole.SUPERVISOR)
    entry = services.store.audit_entries()[-1]
    assert (entry.action, entry.details["role"], entry.details["was"]) == (
        "staff.put",
        "supervisor",
        "staff",
    )
    with pytest.raises(NotAllowed, match="own role"):
        desk.put_staff("supervisor", "Noura", StaffRole.STAFF)
    with pytest.raises(NotAllowed, match="remove yourself"):
        desk.remove_staff("supervisor")
    desk.remove_staff("s.alqahtani")
    assert services.store.staff_member("s.alqahtani") is None
    with pytest.raises(NotFound):
        desk.remove_staff("s.alqahtani")


def test_a_member_removed_meanwhile_loses_the_console_at_once(services: Services) -> None:
    staff = session(services, "staff")
    session(services).remove_staff("staff")
    with pytest.raises(NotAllowed, match="not in the staff table"):
        staff.add_note(UNDER_REVIEW, "still here?")


def test_a_member_demoted_meanwhile_loses_the_supervisor_tools(services: Services) -> None:
    noura = session(services)
    session(services).put_staff("k.two", "Second Supervisor", StaffRole.SUPERVISOR)
    session(services, "k.two").put_staff("supervisor", "Noura", StaffRole.STAFF)
    with pytest.raises(NotAllowed, match="Only a supervisor"):
        noura.unlock_applicant("2109876546")


def test_unlock_and_reset_password_are_audited_with_the_client(services: Services) -> None:
    desk = session(services)
    desk.unlock_applicant("2109876546")
    desk.reset_password("2109876546", "a-new-password")
    actions = [(e.action, e.actor, e.details.get("client")) for e in services.store.audit_entries()]
    assert actions[-2:] == [
        ("applicant.unlock", "supervisor", CLIENT),
        ("applicant.reset_password", "supervisor", CLIENT),
    ]
    result = services.accounts.sign_in("2109876546", "a-new-password")
    assert result.applicant is not None


def test_a_page_works_out_the_answer_dates_of_its_own_rows_only(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: the console's first page must not wait for the calendar of every request."""
    asked: list[str] = []
    progress = services.requests.progress

    def counted(request, today=None):  # type: ignore[no-untyped-def]
        asked.append(request.number)
        return progress(request, today)

    monkeypatch.setattr(services.requests, "progress", counted)
    staff = session(services)
    first = staff.search(RequestQuery(), 0, 5)
    assert first.total > 5 and asked == []
    shown = [(row.expected_by, row.overdue) for row in first.rows]
    assert asked == [row.request.number for row in first.rows]
    # Each row's answer matches the request view's, and is worked out once.
    assert shown == [
        (progress(row.request).expected_by, progress(row.request).is_late) for row in first.rows
    ]
    again = staff.search(RequestQuery(), 0, 5)
    [(row.expected_by, row.overdue) for row in again.rows]
    assert len(asked) == 5
    # Sorting by the answer date needs every request's, and the late filter too.
    by_date = staff.search(RequestQuery(sort=SortKey.EXPECTED, descending=False), 0, 5)
    assert len(set(asked)) == first.total
    dates = [row.expected_by for row in by_date.rows]
    assert dates == sorted(dates)
    late = staff.search(RequestQuery(overdue_only=True), 0, 100)
    assert all(row.overdue for row in late.rows)

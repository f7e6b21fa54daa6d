"""Statuses: labels, the transition table of DESIGN §3, notes where the resident needs a reason."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.languages import Language
from kiosk.domain.models import HistoryEntry, TawasulRequest
from kiosk.domain.statuses import (
    ALLOWED_TRANSITIONS,
    RequestStatus,
    allowed_next,
    check_transition,
    parse_status,
)
from kiosk.errors import InvalidInput, TransitionRefused
from kiosk.services.i18n import staff_label, staff_label_with_arabic, translations

S = RequestStatus
DESIGN_TABLE = {
    (S.UNDER_REVIEW, S.RETURNED), (S.UNDER_REVIEW, S.ACCEPTED), (S.UNDER_REVIEW, S.REJECTED),
    (S.RETURNED, S.RESUBMITTED), (S.RETURNED, S.CLOSED),
    (S.RESUBMITTED, S.UNDER_REVIEW), (S.RESUBMITTED, S.RETURNED), (S.RESUBMITTED, S.ACCEPTED),
    (S.RESUBMITTED, S.REJECTED),
    (S.ACCEPTED, S.CLOSED), (S.REJECTED, S.CLOSED),
}  # fmt: skip
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("new", list(S))
def test_exactly_the_design_transitions_are_allowed(current: S, new: S) -> None:
    note, action = "a reason", "what to do"
    if (current, new) in DESIGN_TABLE:
        check_transition(current, new, note, action)
    else:
        with pytest.raises(TransitionRefused, match="cannot become"):
            check_transition(current, new, note, action)


def test_a_return_says_what_the_resident_must_do() -> None:
    with pytest.raises(TransitionRefused, match="the action is required"):
        check_transition(S.UNDER_REVIEW, S.RETURNED, "a reason", "  ")
    check_transition(S.UNDER_REVIEW, S.RETURNED, "a reason", "Bring a photo")
    check_transition(S.UNDER_REVIEW, S.REJECTED, "a reason")  # only a return needs one


@pytest.mark.parametrize("new", [S.RETURNED, S.REJECTED])
def test_returned_and_rejected_need_a_note(new: S) -> None:
    with pytest.raises(TransitionRefused, match="note is required"):
        check_transition(S.UNDER_REVIEW, new, "   ")


def test_closed_is_final() -> None:
    assert S.CLOSED.is_final
    assert allowed_next(S.CLOSED) == []
    assert set(ALLOWED_TRANSITIONS) == set(S)


def test_only_review_and_resubmission_await_the_office() -> None:
    assert {status for status in S if status.awaits_office} == {S.UNDER_REVIEW, S.RESUBMITTED}


def test_labels_are_the_absher_ones() -> None:
    arabic, english = translations(Language.ARABIC), translations(Language.ENGLISH)
    assert arabic.status_label(S.UNDER_REVIEW) == "تحت المعالجة"
    assert arabic.status_label(S.RETURNED) == "معاد لمقدم الطلب"
    assert english.status_label(S.RETURNED) == "Returned to you: action needed"


def test_staff_read_the_office_s_label() -> None:
    assert staff_label(S.RETURNED) == "Returned to the applicant"
    assert staff_label(S.ACCEPTED) == translations(Language.ENGLISH).status_label(S.ACCEPTED)
    assert staff_label_with_arabic(S.ACCEPTED) == "Accepted — مقبول"


def test_parse_status_lists_codes_when_wrong() -> None:
    assert parse_status(" Accepted ") is S.ACCEPTED
    with pytest.raises(InvalidInput, match="under_review"):
        parse_status("approved")


def test_a_change_records_history_and_the_required_action() -> None:
    request = TawasulRequest(
        "9000000209", "2109876546", "passport", S.UNDER_REVIEW,
        (HistoryEntry(S.UNDER_REVIEW, NOW, "kiosk"),), NOW, NOW,
    )  # fmt: skip
    returned = request.with_status(S.RETURNED, NOW, "staff", "photo unclear", "Bring a new photo")
    assert returned.status is S.RETURNED
    assert returned.required_action == "Bring a new photo"
    assert returned.history[-1] == HistoryEntry(S.RETURNED, NOW, "staff", "photo unclear")
    resubmitted = returned.with_status(S.RESUBMITTED, NOW, "kiosk")
    assert resubmitted.required_action == ""
    assert request.status is S.UNDER_REVIEW  # records are immutable


@given(st.text(max_size=20))
def test_parse_status_only_raises_invalid_input(text: str) -> None:
    try:
        status = parse_status(text)
    except InvalidInput:
        return
    assert status.value == text.strip().lower()

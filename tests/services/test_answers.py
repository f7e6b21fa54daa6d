"""A resident answers a returned request: one audited resubmission, under the staff's rules."""

from pathlib import Path

import pytest

from kiosk.domain.statuses import RequestStatus
from kiosk.domain.typed_text import ANSWER_LIMIT
from kiosk.errors import ChangedMeanwhile, InvalidInput, NotFound
from kiosk.services import Services
from kiosk.services.i18n import staff_words, translations
from kiosk.services.requests import (
    TEXT_CLEANED,
    TEXT_NEEDED,
    TEXT_TOO_LONG,
    answer_text,
    step_note,
)
from kiosk.store import TawasulStore

AHMED = "2109876546"
RETURNED = "9000000209"  # Ahmed's exit/re-entry request, returned to him


def test_the_answer_resubmits_with_history_and_audit(services: Services) -> None:
    request = services.requests.find(RETURNED)
    assert "documents_at_counter" in services.requests.answer_choices(request)

    changed = services.requests.answer_returned(
        AHMED, RETURNED, "documents_at_counter", "  Copy given at counter 3 "
    )

    assert changed.status is RequestStatus.RESUBMITTED
    assert changed.required_action == ""
    step = changed.history[-1]
    assert (step.status, step.answer, step.note) == (
        RequestStatus.RESUBMITTED,
        "documents_at_counter",
        "Copy given at counter 3",
    )
    assert step.by == f"kiosk {services.config.kiosk_id} for ******6546"
    audit = services.store.audit_entries()[-1]
    assert (audit.actor, audit.action, audit.target) == (step.by, "request.status", RETURNED)
    assert audit.details == {
        "from": "returned",
        "to": "resubmitted",
        "note": "Copy given at counter 3",
        "answer": "documents_at_counter",
        "client": services.config.kiosk_id,
    }
    # The code is stored, not a sentence: each reader reads it in their own language.
    assert services.store.request(RETURNED) == changed
    assert step_note(step, staff_words()) == (
        "I brought the documents to the counter — “Copy given at counter 3”"
    )
    assert step_note(step, translations("ar")).startswith("أحضرت المستندات إلى الكاونتر")


def test_the_answer_survives_the_data_file(services: Services, demo_db: Path) -> None:
    services.requests.answer_returned(AHMED, RETURNED, "fee_paid")
    reopened = TawasulStore(demo_db).request(RETURNED)
    assert reopened is not None and reopened.history[-1].answer == "fee_paid"
    # Every other step is stored as it always was: no empty answer beside it.
    assert '"answer": ""' not in demo_db.read_text()


def test_a_second_submit_or_a_staff_change_meanwhile_changes_nothing(services: Services) -> None:
    services.requests.answer_returned(AHMED, RETURNED, "documents_at_counter")
    entries = len(services.store.audit_entries())
    with pytest.raises(ChangedMeanwhile):
        services.requests.answer_returned(AHMED, RETURNED, "documents_at_counter")
    assert len(services.store.audit_entries()) == entries

    services.requests.change_status("9000001009", RequestStatus.CLOSED, "staff", "Done by phone")
    before = services.store.request("9000001009")
    with pytest.raises(ChangedMeanwhile):
        services.requests.answer_returned("1182736452", "9000001009", "employer_acted")
    assert services.store.request("9000001009") == before


def test_only_the_owner_answers_and_only_with_the_types_choices(services: Services) -> None:
    with pytest.raises(NotFound):
        services.requests.answer_returned("1234567897", RETURNED, "documents_at_counter")
    with pytest.raises(InvalidInput):
        services.requests.answer_returned(AHMED, RETURNED, "employer_acted")  # not exit/re-entry
    with pytest.raises(InvalidInput):
        services.requests.answer_returned(AHMED, RETURNED, "other")  # says nothing without text
    assert services.store.request(RETURNED).status is RequestStatus.RETURNED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "problem", "kept"),
    [
        ("Brought it\x1b]52;c;aGk=\x07 today", TEXT_CLEANED, "Brought it today"),
        ("\u202eyadot ti thguorB", TEXT_CLEANED, "yadot ti thguorB"),
        ("x" * (ANSWER_LIMIT + 1), TEXT_TOO_LONG, "x" * (ANSWER_LIMIT + 1)),
        ("   ", TEXT_NEEDED, ""),
        ("أحضرت الصورة", None, "أحضرت الصورة"),
        ("Cafe\u0301 counter", None, "Caf\u00e9 counter"),  # only composed, nothing removed
    ],
)
def test_hostile_text_gets_one_sentence(typed: str, problem: str | None, kept: str) -> None:
    checked = answer_text(typed, "other")
    assert (checked.problem, checked.text) == (problem, kept)
    said = checked.said(translations("en"))
    assert bool(said) == (problem is not None) and "answer." not in said


def test_hostile_text_sent_past_the_screen_is_cleaned_or_refused(services: Services) -> None:
    with pytest.raises(InvalidInput, match="200"):
        services.requests.answer_returned(AHMED, RETURNED, "other", "x" * (ANSWER_LIMIT + 1))
    changed = services.requests.answer_returned(AHMED, RETURNED, "other", "ok\x1b[2J\u2067done")
    assert changed.history[-1].note == "okdone"

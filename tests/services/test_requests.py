"""Request use cases: a person's requests, owner-only lookups, audited status changes."""

import random
from datetime import date

import pytest

from kiosk.domain.statuses import RequestStatus
from kiosk.errors import InvalidInput, NotFound, TransitionRefused
from kiosk.services import RequestFilter, Services
from tests.conftest import FROZEN_NOW, file_store

AHMED = "2109876546"


def test_requests_are_grouped_by_type_in_catalogue_order(services: Services) -> None:
    grouped = services.requests.requests_by_type(AHMED)
    assert list(grouped) == services.catalogue.codes
    assert [r.number for r in grouped["iqama_inside"]] == ["9000000100", "9000000407"]
    assert grouped["visit_visa"] == []


def test_a_request_is_shown_only_to_its_owner(services: Services) -> None:
    assert services.requests.request_for_owner(AHMED, "٩٠٠٠٠٠٠٢٠٩").number == "9000000209"
    with pytest.raises(NotFound) as not_theirs:
        services.requests.request_for_owner(AHMED, "9000000506")
    with pytest.raises(NotFound) as absent:
        services.requests.request_for_owner(AHMED, "9999999999")
    assert str(not_theirs.value) == str(absent.value)
    with pytest.raises(InvalidInput, match="mistyped"):
        services.requests.request_for_owner(AHMED, "9000000208")


def test_quick_lookup_needs_the_last_four_digits(services: Services) -> None:
    assert services.requests.quick_lookup("9000000209", "6546").number == "9000000209"
    with pytest.raises(NotFound):
        services.requests.quick_lookup("9000000209", "6545")
    with pytest.raises(InvalidInput):
        services.requests.quick_lookup("9000000209", "65")


def test_progress_counts_working_days(services: Services) -> None:
    request = services.requests.find("9000000704")  # submitted 20 days before the frozen day
    progress = services.requests.progress(request)
    assert progress.is_late and progress.working_days_left < 0
    assert progress.expected_by == services.calendar.add_working_days(progress.submitted, 7)
    fresh = services.requests.progress(services.requests.find("9000001108"), date(2026, 11, 25))
    assert not fresh.is_late


def test_a_status_change_is_recorded_and_audited(services: Services) -> None:
    changed = services.requests.change_status(
        "9000000100", RequestStatus.RETURNED, "staff", "Photo unclear",
        "Bring two new photos to counter 2", client="10.1.1.9",
    )  # fmt: skip
    assert changed.status is RequestStatus.RETURNED
    assert changed.required_action == "Bring two new photos to counter 2"
    assert services.store.request("9000000100") == changed
    entry = services.store.audit_entries()[-1]
    assert (entry.actor, entry.action, entry.target) == ("staff", "request.status", "9000000100")
    assert entry.details == {
        "from": "under_review", "to": "returned", "note": "Photo unclear",
        "required_action": "Bring two new photos to counter 2", "client": "10.1.1.9",
    }  # fmt: skip
    assert entry.at == FROZEN_NOW


def test_a_refused_change_changes_nothing(services: Services) -> None:
    before = file_store(services).path.read_bytes()
    with pytest.raises(TransitionRefused, match="cannot become"):
        services.requests.change_status("9000000308", RequestStatus.REJECTED, "staff", "late")
    with pytest.raises(TransitionRefused, match="note is required"):
        services.requests.change_status("9000000100", RequestStatus.REJECTED, "staff", "")
    with pytest.raises(NotFound):
        services.requests.change_status("9999999999", RequestStatus.CLOSED, "staff")
    assert file_store(services).path.read_bytes() == before


def test_a_new_request_gets_a_fresh_number(services: Services) -> None:
    request = services.requests.add_request(AHMED, "reports", by="staff", rng=random.Random(4))
    assert request.status is RequestStatus.UNDER_REVIEW
    assert services.requests.request_for_owner(AHMED, request.number) == request
    assert services.store.audit_entries()[-1].action == "request.add"
    with pytest.raises(NotFound):
        services.requests.add_request("2000000006", "reports", by="staff")
    with pytest.raises(InvalidInput):
        services.requests.add_request(AHMED, "nonsense", by="staff")


def test_listing_filters_and_counts(services: Services) -> None:
    returned = services.requests.list(RequestFilter(status=RequestStatus.RETURNED))
    assert returned and all(r.status is RequestStatus.RETURNED for r in returned)
    mine = services.requests.list(RequestFilter(applicant_id=AHMED, type_code="iqama_inside"))
    assert [r.number for r in mine] == ["9000000100", "9000000407"]
    counts = services.requests.counts()
    assert set(counts) == {s.value for s in RequestStatus}
    assert sum(counts.values()) == file_store(services).table_sizes()["requests"]

"""The store against a plain dict: random writes from two store objects, random reads.

The store keeps tables in their file bytes, searches lines, splices edits and splits lazily;
whatever path a sequence of operations takes, every reader must see what a dict would hold.
"""

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.models import AuditEntry, HistoryEntry, TawasulRequest
from kiosk.domain.request_numbers import make_request_number
from kiosk.domain.statuses import RequestStatus
from kiosk.store import TawasulStore
from tests.conftest import FROZEN_NOW

APPLICANTS = ["2109876546", "1234567897", "2456789011"]

operations = st.lists(
    st.tuples(
        st.sampled_from(["add", "change", "audit", "lookup", "person", "count", "reopen"]),
        st.integers(min_value=0, max_value=10_000),
        st.booleans(),  # which of the two store objects does it
    ),
    min_size=1,
    max_size=60,
)


def new_request(rng: random.Random, taken: set[str]) -> TawasulRequest:
    number = make_request_number(rng)
    while number in taken:
        number = make_request_number(rng)
    return TawasulRequest(
        number=number,
        applicant_id=rng.choice(APPLICANTS),
        type_code="passport",
        status=RequestStatus.UNDER_REVIEW,
        history=(HistoryEntry(RequestStatus.UNDER_REVIEW, FROZEN_NOW, "kiosk"),),
        created=FROZEN_NOW,
        updated=FROZEN_NOW,
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_two_writers_and_readers_agree_with_a_dict(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, bool]]
) -> None:
    folder = tmp_path_factory.mktemp("model")
    path = folder / "model.json"
    TawasulStore.create(path)
    stores = [TawasulStore(path), TawasulStore(path)]
    model: dict[str, TawasulRequest] = {}
    audit_count = 0
    rng = random.Random(len(steps))
    for kind, value, which in steps:
        store = stores[which]
        if kind == "add":
            added = [new_request(rng, set(model)) for _ in range(1 + value % 30)]
            with store.transaction() as tx:
                if value % 2:
                    tx.add_requests(added)
                else:
                    for request in added:
                        tx.put_request(request)
            model.update((r.number, r) for r in added)
        elif kind == "change" and model:
            number = sorted(model)[value % len(model)]
            changed = replace(model[number], required_action=f"step {value}", updated=FROZEN_NOW)
            with store.transaction() as tx:
                assert tx.request(number) == model[number]
                tx.put_request(changed)
            model[number] = changed
        elif kind == "audit":
            with store.transaction() as tx:
                tx.append_audit(AuditEntry(FROZEN_NOW, "model", "test", str(value)))
            audit_count += 1
        elif kind == "lookup":
            number = sorted(model)[value % len(model)] if model and value % 3 else "9000000100"
            assert store.request(number) == model.get(number)
        elif kind == "person":
            applicant = APPLICANTS[value % len(APPLICANTS)]
            expected = sorted(r.number for r in model.values() if r.applicant_id == applicant)
            assert sorted(r.number for r in store.requests_of(applicant)) == expected
        elif kind == "count":
            assert sum(store.status_counts().values()) == len(model)
        elif kind == "reopen":
            stores[which].close()
            stores[which] = TawasulStore(path)
    fresh = TawasulStore(path)
    fresh.check()
    assert {r.number: r for r in fresh.all_requests()} == model
    assert len([e for e in fresh.audit_entries() if e.actor == "model"]) == audit_count
    for store in (*stores, fresh):
        store.close()

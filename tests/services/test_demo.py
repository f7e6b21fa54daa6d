"""The demo data: the README's residents, every type and status, histories that obey the rules."""

from itertools import pairwise
from pathlib import Path

from kiosk.domain.statuses import ALLOWED_TRANSITIONS, RequestStatus
from kiosk.resources import request_types
from kiosk.store import TawasulStore
from tests.conftest import FROZEN_NOW, make_demo_file


def test_every_type_and_status_with_lawful_histories(db_path: Path) -> None:
    store = TawasulStore(make_demo_file(db_path, count=70))
    requests = list(store.all_requests())
    assert len(requests) == 70 + 11
    assert {(r.type_code, r.status) for r in requests} >= {
        (t, s) for t in request_types().codes for s in RequestStatus
    }
    for request in requests:
        assert request.history[0].status is RequestStatus.UNDER_REVIEW
        assert request.status is request.history[-1].status
        for earlier, later in pairwise(request.history):
            assert later.status in ALLOWED_TRANSITIONS[earlier.status]
            assert earlier.at <= later.at <= FROZEN_NOW
        for entry in request.history:
            if entry.status in (RequestStatus.RETURNED, RequestStatus.REJECTED):
                assert entry.note
        assert (request.status is RequestStatus.RETURNED) == bool(request.required_action)
        assert store.applicant(request.applicant_id) is not None


def test_the_same_seed_makes_the_same_requests(tmp_path: Path) -> None:
    first = TawasulStore(make_demo_file(tmp_path / "a.json", count=30, seed=5))
    second = TawasulStore(make_demo_file(tmp_path / "b.json", count=30, seed=5))
    assert sorted(r.number for r in first.all_requests()) == sorted(
        r.number for r in second.all_requests()
    )


def test_the_readme_residents_and_staff_are_there(demo_db: Path) -> None:
    store = TawasulStore(demo_db)
    for id_number in ("2109876546", "1234567897", "2456789011", "1182736452"):
        applicant = store.applicant(id_number)
        assert applicant is not None and applicant.password_hash
    assert {m.username for m in store.all_staff()} == {"staff", "supervisor"}


def test_the_history_names_only_the_demo_staff(demo_db: Path) -> None:
    """Every name in a demo history is the kiosk or a member of the demo's staff table."""
    store = TawasulStore(demo_db)
    members = {member.username for member in store.all_staff()}
    names = {entry.by for request in store.all_requests() for entry in request.history}
    assert names <= members | {"kiosk"}

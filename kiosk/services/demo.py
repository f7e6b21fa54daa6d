"""A demo database: the README's residents and their requests, plus synthetic requests."""

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.domain.digits import luhn_check_digit
from kiosk.domain.models import (
    Applicant,
    AuditEntry,
    HistoryEntry,
    Language,
    StaffMember,
    StaffRole,
    TawasulRequest,
)
from kiosk.domain.request_numbers import make_request_number
from kiosk.domain.request_types import RequestTypeCatalogue
from kiosk.domain.statuses import RequestStatus
from kiosk.services.clock import Clock, utc_now
from kiosk.services.passwords import password_policy
from kiosk.store.port import Store

S = RequestStatus
DEMO_LANGUAGES = (Language.ARABIC, Language.ENGLISH)
"""The languages the generated demo residents prefer (the seeded draw depends on this tuple)."""
_UR, _RET, _RES = S.UNDER_REVIEW, S.RETURNED, S.RESUBMITTED
# Realistic ways of reaching each status, shortest first (DESIGN §3 transitions).
_PATHS: dict[RequestStatus, tuple[tuple[RequestStatus, ...], ...]] = {
    S.UNDER_REVIEW: ((_UR,), (_UR, _RET, _RES, _UR)),
    S.RETURNED: ((_UR, _RET), (_UR, _RET, _RES, _RET)),
    S.RESUBMITTED: ((_UR, _RET, _RES),),
    S.ACCEPTED: ((_UR, S.ACCEPTED), (_UR, _RET, _RES, S.ACCEPTED)),
    S.REJECTED: ((_UR, S.REJECTED), (_UR, _RET, _RES, S.REJECTED)),
    S.CLOSED: ((_UR, S.ACCEPTED, S.CLOSED), (_UR, S.REJECTED, S.CLOSED), (_UR, _RET, S.CLOSED)),
}


@dataclass(frozen=True)
class DemoSummary:
    """What a demo run made."""

    location: str
    """Where the demo was made (Store.location: the data file's path)."""
    residents: int
    requests: int
    staff: int


def load_seed(path: Path) -> dict[str, Any]:
    """The demo seed in *path* (``data/demo_seed.json``)."""
    seed: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return seed


def make_demo(
    store: Store,
    seed_data: dict[str, Any],
    catalogue: RequestTypeCatalogue,
    count: int,
    seed: int = 2026,
    clock: Clock = utc_now,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill the new, empty *store* with the seed's residents and *count* synthetic requests.

    *progress* hears (done, total).
    """
    rng = random.Random(seed)
    now = clock()
    # The production policy, as for real accounts: a demo's sign-in times are the real ones.
    policy = password_policy()
    notes: dict[str, list[str]] = seed_data["notes"]
    # History names only members of the demo's own staff table, so every name leads somewhere.
    staff_names: list[str] = [member["username"] for member in seed_data["staff"]]

    applicants: list[Applicant] = []
    requests: list[TawasulRequest] = []
    for resident in seed_data["residents"]:
        applicants.append(
            Applicant(
                id_number=resident["id_number"],
                name_ar=resident["name_ar"],
                name_en=resident["name_en"],
                password_hash=policy.hash(resident["password"]),
                preferred_language=Language(resident["language"]),
            )
        )
        for item in resident["requests"]:
            path_statuses = tuple(RequestStatus(s) for s in item["path"])
            created = now - timedelta(days=item["age_days"], hours=rng.uniform(0, 6))
            fixed_notes = {RequestStatus(k): v for k, v in item.get("notes", {}).items()}
            requests.append(
                _request(
                    item["number"], resident["id_number"], item["type"], path_statuses,
                    created, now, rng, staff_names, notes, fixed_notes,
                )
            )  # fmt: skip

    used_numbers = {r.number for r in requests}
    synthetic_people = synthetic_applicants(rng, seed_data["synthetic_names"], max(1, count // 3))
    applicants.extend(synthetic_people)
    types = catalogue.codes
    statuses = list(RequestStatus)
    # Every type × status comes first, so a demo of 60 or more requests holds all combinations.
    combinations = [(t, s) for s in statuses for t in types]
    for index in range(count):
        if index < len(combinations):
            type_code, status = combinations[index]
        else:
            type_code, status = rng.choice(types), rng.choice(statuses)
        number = make_request_number(rng)
        while number in used_numbers:
            number = make_request_number(rng)
        used_numbers.add(number)
        created = now - timedelta(days=rng.uniform(0.2, 120))
        requests.append(
            _request(
                number, rng.choice(synthetic_people).id_number, type_code,
                rng.choice(_PATHS[status]), created, now, rng, staff_names, notes, {},
            )
        )  # fmt: skip
        if progress and (index + 1) % 1000 == 0:
            progress(index + 1, count)
    if progress:
        progress(count, count)

    staff = [
        StaffMember(s["username"], s["display_name"], StaffRole(s["role"]))
        for s in seed_data["staff"]
    ]
    with store.transaction() as tx:
        for applicant in applicants:
            tx.put_applicant(applicant)
        for member in staff:
            tx.put_staff(member)
        tx.add_requests(requests)
        tx.append_audit(
            AuditEntry(now, "demo", "demo.created", store.location, {"requests": len(requests)})
        )
    return DemoSummary(store.location, len(applicants), len(requests), len(staff))


def _request(
    number: str,
    applicant_id: str,
    type_code: str,
    statuses: tuple[RequestStatus, ...],
    created: datetime,
    now: datetime,
    rng: random.Random,
    staff_names: list[str],
    notes: dict[str, list[str]],
    fixed_notes: dict[RequestStatus, str],
) -> TawasulRequest:
    # Steps are spread from submission to now, never in the future.
    span = (now - created) * 0.9
    history: list[HistoryEntry] = []
    for step, status in enumerate(statuses):
        at = created + span * (step / len(statuses)) + timedelta(minutes=rng.uniform(0, 30) * step)
        by = "kiosk" if step == 0 or status is S.RESUBMITTED else rng.choice(staff_names)
        note = fixed_notes.get(status) or _note_for(status, rng, notes)
        history.append(HistoryEntry(status, min(at, now), by, note))
    last = history[-1]
    return TawasulRequest(
        number=number,
        applicant_id=applicant_id,
        type_code=type_code,
        status=last.status,
        history=tuple(history),
        created=history[0].at,
        updated=last.at,
        required_action=last.note if last.status is S.RETURNED else "",
    )


def _note_for(status: RequestStatus, rng: random.Random, notes: dict[str, list[str]]) -> str:
    if status in (S.RETURNED, S.REJECTED):
        return rng.choice(notes[status.value])
    if status is S.UNDER_REVIEW:
        return ""
    return rng.choice(notes["other"])


def synthetic_applicants(
    rng: random.Random, names: dict[str, list[str]], how_many: int
) -> list[Applicant]:
    """*how_many* people with valid ID numbers and names from *names*, without passwords."""
    people: dict[str, Applicant] = {}
    for id_number in _synthetic_ids(rng):
        if len(people) == how_many:
            break
        first = rng.randrange(len(names["ar"]))
        family = rng.randrange(len(names["family_ar"]))
        people[id_number] = Applicant(
            id_number=id_number,
            name_ar=f"{names['ar'][first]} {names['family_ar'][family]}",
            name_en=f"{names['en'][first]} {names['family_en'][family]}",
            # No password: synthetic people are found by quick lookup only.
            # Arabic or English, as before the other languages came: the same seed gives
            # the same demo data (the pictures and tests are drawn from it).
            preferred_language=rng.choice(DEMO_LANGUAGES),
        )
    return list(people.values())


def _synthetic_ids(rng: random.Random) -> Iterator[str]:
    while True:
        body = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
        yield body + str(luhn_check_digit(body))

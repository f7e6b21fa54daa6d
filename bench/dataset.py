"""Synthetic office data with realistic histories: what a Jawazat office piles up in a year.

Every request walks the real status rules (DESIGN §3) from ``under_review``; each staff step has
an audit entry. At the largest size 90% of the requests are finished and older than the archive
age (an office a year old that answers within weeks); smaller sizes are a young office whose
requests are all recent, so everything stays live.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.domain.models import Applicant, AuditEntry, HistoryEntry, TawasulRequest
from kiosk.domain.request_numbers import make_request_number
from kiosk.domain.statuses import ALLOWED_TRANSITIONS, RequestStatus
from kiosk.resources import data_file, request_types
from kiosk.services.demo import load_seed, synthetic_applicants

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
"""The moment the data describes (a Wednesday morning in Riyadh)."""

ARCHIVE_DAYS = 90
"""The archive age the benchmark uses: the configuration's default."""

FINISHED = (RequestStatus.CLOSED, RequestStatus.ACCEPTED, RequestStatus.REJECTED)
# The cycle a benchmark status change walks: each step is allowed and needs at most a note.
NEXT_IN_CYCLE = {
    RequestStatus.UNDER_REVIEW: RequestStatus.RETURNED,
    RequestStatus.RETURNED: RequestStatus.RESUBMITTED,
    RequestStatus.RESUBMITTED: RequestStatus.UNDER_REVIEW,
}


def archived_share(size: int) -> float:
    """The share of requests finished before the archive age: 90% at 100,000, else none."""
    return 0.9 if size >= 100_000 else 0.0


@dataclass(frozen=True)
class Dataset:
    """Applicants, their requests and the audit log of the status changes."""

    applicants: list[Applicant]
    requests: list[TawasulRequest]
    audit: list[AuditEntry]

    def live_numbers(self) -> list[str]:
        """Numbers of the requests that stay live (younger than the archive age, or unfinished)."""
        cutoff = NOW - timedelta(days=ARCHIVE_DAYS)
        return [r.number for r in self.requests if r.status not in FINISHED or r.updated >= cutoff]

    def archived_numbers(self) -> list[str]:
        """Numbers of the requests our archive run moves out of the live file."""
        live = set(self.live_numbers())
        return [r.number for r in self.requests if r.number not in live]

    def movable_numbers(self) -> list[str]:
        """Live requests a status change can move along NEXT_IN_CYCLE."""
        live = set(self.live_numbers())
        return [r.number for r in self.requests if r.number in live and r.status in NEXT_IN_CYCLE]

    def applicants_with_requests(self) -> list[str]:
        """ID numbers of the people who have live requests."""
        live = set(self.live_numbers())
        return sorted({r.applicant_id for r in self.requests if r.number in live})


def make_dataset(size: int, seed: int = 6) -> Dataset:
    """*size* requests from size/3 people, with histories, audit entries and realistic notes."""
    rng = random.Random(seed)
    notes = load_seed(data_file("demo_seed.json"))
    # The demo's own staff, as the demo's history names them.
    staff: list[str] = [member["username"] for member in notes["staff"]]
    note_texts: dict[str, list[str]] = notes["notes"]
    names: dict[str, list[str]] = notes["synthetic_names"]
    types = request_types().codes
    people = _applicants(rng, max(1, size // 3), names)
    archived = archived_share(size)
    requests: list[TawasulRequest] = []
    audit: list[AuditEntry] = []
    numbers: set[str] = set()
    for _ in range(size):
        number = make_request_number(rng)
        while number in numbers:
            number = make_request_number(rng)
        numbers.add(number)
        if rng.random() < archived:
            # Created in the past year, finished and untouched since before the archive age.
            created = NOW - timedelta(days=rng.uniform(ARCHIVE_DAYS + 20, 365))
            span = (NOW - timedelta(days=ARCHIVE_DAYS + 1)) - created
            must_finish = True
        else:
            created = NOW - timedelta(days=rng.uniform(0.1, ARCHIVE_DAYS - 1))
            span = (NOW - created) * 0.9
            must_finish = False
        request, steps = _walk(
            rng, number, rng.choice(people).id_number, rng.choice(types), created, span,
            must_finish, staff, note_texts,
        )  # fmt: skip
        requests.append(request)
        audit.extend(steps)
    audit.sort(key=lambda entry: entry.at)
    return Dataset(people, requests, audit)


def _walk(
    rng: random.Random,
    number: str,
    applicant_id: str,
    type_code: str,
    created: datetime,
    span: timedelta,
    must_finish: bool,
    staff: list[str],
    notes: dict[str, list[str]],
) -> tuple[TawasulRequest, list[AuditEntry]]:
    # A walk along the allowed transitions: 0-4 steps, then on to a finish when it must finish.
    # At most six steps, each a sixth of *span* after the last, so the walk ends within it.
    request = TawasulRequest(
        number=number,
        applicant_id=applicant_id,
        type_code=type_code,
        status=RequestStatus.UNDER_REVIEW,
        history=(HistoryEntry(RequestStatus.UNDER_REVIEW, created, "kiosk", ""),),
        created=created,
        updated=created,
    )
    steps: list[AuditEntry] = []
    length = rng.randint(0, 4)
    moment = created
    while len(steps) < length or (must_finish and request.status not in FINISHED):
        choices = sorted(ALLOWED_TRANSITIONS[request.status])
        if not choices:
            break
        if must_finish and len(steps) >= length:
            choices = [s for s in choices if s in FINISHED] or choices
        status = rng.choice(choices)
        moment = moment + span / 6
        by = "kiosk" if status is RequestStatus.RESUBMITTED else rng.choice(staff)
        kind = status.value if status.value in notes else "other"
        note = rng.choice(notes[kind])
        before = request.status
        request = request.with_status(status, moment, by, note, note)
        details: dict[str, object] = {"from": before.value, "to": status.value, "note": note}
        steps.append(AuditEntry(moment, by, "request.status", number, details))
    return request, steps


def _applicants(rng: random.Random, count: int, names: dict[str, list[str]]) -> list[Applicant]:
    return synthetic_applicants(rng, names, count)

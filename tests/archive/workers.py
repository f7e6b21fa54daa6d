"""Worker processes for the archive's concurrency and crash tests (run as scripts, not imported).

python workers.py staff DB NAME COUNT SEED       COUNT notes on random requests, each reported
python workers.py archive DB NOW DAYS...         one archive run per DAYS, reporting "ready" first
python workers.py mixed DB NAME COUNT SEED       reads and notes; exits 1 on an inconsistent read
"""

import random
import sys
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.statuses import ALLOWED_TRANSITIONS
from kiosk.errors import NotAllowed
from kiosk.services import Services
from kiosk.services.archive import ArchiveService
from tests.conftest import file_store


def _numbers(services: Services) -> list[str]:
    live = [request.number for request in services.store.all_requests()]
    archived = []
    for year in file_store(services).archives.years():
        archived.extend(file_store(services).archives.table(year, "requests").ids())
    return sorted(set(live) | set(archived))


def staff(services: Services, name: str, count: int, seed: int) -> None:
    """Add *count* internal notes; print ``wrote NUMBER TEXT`` or ``archived NUMBER TEXT``."""
    rng = random.Random(seed)
    numbers = _numbers(services)
    for i in range(count):
        number, text = rng.choice(numbers), f"{name}-{i}"
        try:
            services.requests.add_internal_note(number, text, name)
            print("wrote", number, text, flush=True)
        except NotAllowed:
            # Archived in the meantime: archived requests are read-only.
            print("archived", number, text, flush=True)


def archive(services: Services, now: datetime, days: list[int]) -> None:
    """Run the archive once for each of *days*, printing what each moved."""
    service = ArchiveService(services.store, lambda: now)
    print("ready", flush=True)
    for age in days:
        report = service.archive(age)
        print("moved", report.requests_moved, report.repaired, flush=True)


def mixed(services: Services, name: str, count: int, seed: int) -> None:
    """*count* operations, one in five a note; every read is checked against the rules."""
    rng = random.Random(seed)
    numbers = _numbers(services)
    mine: dict[str, set[str]] = {}
    for i in range(count):
        number = rng.choice(numbers)
        if rng.random() < 0.2:
            text = f"{name}-{i}"
            services.requests.add_internal_note(number, text, name)
            mine.setdefault(number, set()).add(text)
            print("wrote", number, text, flush=True)
            continue
        request = services.store.request(number)
        problem = ""
        if request is None:
            problem = "missing"
        elif request.status is not request.history[-1].status:
            problem = "status differs from the last history entry"
        elif any(
            b.status not in ALLOWED_TRANSITIONS[a.status] for a, b in pairwise(request.history)
        ):
            problem = "history breaks the transition rules"
        elif not mine.get(number, set()) <= {note.text for note in request.internal_notes}:
            problem = "an earlier note of this process is missing"
        if problem:
            print("inconsistent", number, problem, flush=True)
            sys.exit(1)


def main(argv: list[str]) -> None:
    """Run the worker named in *argv*."""
    mode, db = argv[0], Path(argv[1])
    services = open_services(db, KioskConfig())
    if mode == "staff":
        staff(services, argv[2], int(argv[3]), int(argv[4]))
    elif mode == "archive":
        archive(services, datetime.fromisoformat(argv[2]), [int(d) for d in argv[3:]])
    elif mode == "mixed":
        mixed(services, argv[2], int(argv[3]), int(argv[4]))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Processes for the staff concurrency test (run as scripts, not imported by pytest).

python staff_workers.py staff DB NAME COUNT NUMBER...  a console's writes, one JSON line each
python staff_workers.py kiosk DB ID WRONG COUNT        a kiosk: WRONG failed sign-ins, COUNT reads

Each worker prints one line per acknowledged action, only after the service call returned, so
the test can check that every acknowledged write is in the file, exactly once.
"""

import json
import sys
from pathlib import Path

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import TransitionRefused
from kiosk.services.staff import StaffSession

# A loop through allowed transitions, so a console can always try the next change.
NEXT = {
    RequestStatus.UNDER_REVIEW: RequestStatus.RETURNED,
    RequestStatus.RETURNED: RequestStatus.RESUBMITTED,
    RequestStatus.RESUBMITTED: RequestStatus.UNDER_REVIEW,
}


def staff(db: Path, name: str, count: int, numbers: list[str]) -> None:
    """Alternate internal notes and status changes on *numbers*, as a console would."""
    session = StaffSession(open_services(db, KioskConfig()), name, f"worker {name}")
    for i in range(count):
        number = numbers[i % len(numbers)]
        note = f"{name}-{i}"
        if i % 2 == 0:
            session.add_note(number, note)
            print(json.dumps({"kind": "note", "number": number, "note": note}), flush=True)
            continue
        current = session.request(number).status
        try:
            session.change_status(number, NEXT[current], note, required_action=note)
        except TransitionRefused:
            # Another console moved it first: refused, as the rules say, and nothing written.
            print(json.dumps({"kind": "refused", "number": number, "note": note}), flush=True)
            continue
        print(json.dumps({"kind": "status", "number": number, "note": note}), flush=True)


def kiosk(db: Path, id_number: str, wrong: int, count: int) -> None:
    """Count *wrong* failed sign-ins for *id_number*, and read requests *count* times."""
    services = open_services(db, KioskConfig())
    for attempt in range(wrong):
        result = services.accounts.sign_in(id_number, f"not the password {attempt}")
        print(json.dumps({"kind": "sign_in", "outcome": result.outcome.value}), flush=True)
    for _ in range(count):
        grouped = services.requests.requests_by_type(id_number)
        found = sum(len(requests) for requests in grouped.values())
        banner = services.store.setting("banner")
        print(json.dumps({"kind": "read", "requests": found, "banner": banner}), flush=True)


def main(argv: list[str]) -> None:
    """Run the worker named in *argv*."""
    mode, db = argv[0], Path(argv[1])
    if mode == "staff":
        staff(db, argv[2], int(argv[3]), argv[4:])
    elif mode == "kiosk":
        kiosk(db, argv[2], int(argv[3]), int(argv[4]))
    else:
        raise SystemExit(f"unknown worker {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

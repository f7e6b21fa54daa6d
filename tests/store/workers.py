"""Worker processes for the store's concurrency and crash tests (run as scripts, not imported).

python workers.py advance DB NAME COUNT NUMBER...   COUNT status changes, round-robin
python workers.py writer DB NAME START               changes until killed, acknowledging each
python workers.py acknowledged DB NAME COUNT         COUNT changes, acknowledging each
python workers.py lock-deleter DB                    removes DB's lock file again and again
python workers.py hold DB NAME                       reads, waits for a line, then writes NAME
"""

import contextlib
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from kiosk.domain.models import AuditEntry
from kiosk.domain.statuses import RequestStatus
from kiosk.store import TawasulStore

# A loop through allowed transitions, so a worker can always make the next change.
NEXT = {
    RequestStatus.UNDER_REVIEW: RequestStatus.RETURNED,
    RequestStatus.RETURNED: RequestStatus.RESUBMITTED,
    RequestStatus.RESUBMITTED: RequestStatus.UNDER_REVIEW,
}


def advance(store: TawasulStore, number: str, by: str, note: str) -> None:
    """Move *number* one step round the loop, with its audit entry, in one transaction."""
    now = datetime.now(UTC)
    with store.transaction() as tx:
        current = tx.request(number)
        assert current is not None
        changed = current.with_status(NEXT[current.status], now, by, note, note)
        tx.put_request(changed)
        tx.append_audit(AuditEntry(now, by, "request.status", number, {"note": note}))


def delete_lock_forever(db: Path) -> None:
    """Remove the lock file beside *db* whenever it is there, until killed (an operator's
    clean-up script, a tmp cleaner): writers must still never overlap."""
    lock = Path(f"{db}.lock")
    while True:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        time.sleep(0.0005)


def main(argv: list[str]) -> None:
    """Run the worker named in *argv*."""
    if argv[0] == "lock-deleter":
        delete_lock_forever(Path(argv[1]))
    mode, db, name = argv[0], Path(argv[1]), argv[2]
    store = TawasulStore(db, lock_timeout=60)
    if mode == "hold":
        # A console that read the file a while ago and writes now.
        assert store.table_sizes()  # loads the version (a banner alone is read from its table)
        print("read", flush=True)
        sys.stdin.readline()
        with store.transaction() as tx:
            tx.set_setting("written_by", name)
        print("written", flush=True)
    elif mode == "advance":
        count, numbers = int(argv[3]), argv[4:]
        for i in range(count):
            advance(store, numbers[i % len(numbers)], name, f"{name}-{i}")
    elif mode == "writer":
        numbers = [r.number for r in store.all_requests() if r.status in NEXT]
        i = int(argv[3])
        while True:
            advance(store, numbers[i % len(numbers)], name, f"{name}-{i}")
            # Acknowledged only once the transaction returned: this write must survive a kill.
            print(i, flush=True)
            i += 1
    elif mode == "acknowledged":
        numbers = [r.number for r in store.all_requests() if r.status in NEXT]
        for i in range(int(argv[3])):
            advance(store, numbers[i % len(numbers)], name, f"{name}-{i}")
            print(i, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

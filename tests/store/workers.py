"""Worker processes for the store's concurrency and crash tests (run as scripts, not imported).

DB is a data file's path or an office's ``postgresql://`` URL: the workers speak the store
interface only, so the same tests run on both backends.

python workers.py advance DB NAME COUNT NUMBER...   COUNT changes, round-robin, acknowledging each
python workers.py writer DB NAME START               changes until killed, acknowledging each
python workers.py acknowledged DB NAME COUNT         COUNT changes, acknowledging each
python workers.py submit DB NAME COUNT               COUNT new requests, acknowledging each
python workers.py half DB NAME NUMBER                the first of a change's two writes, then
                                                     ``holding``, then waits (to be killed)
python workers.py lock-deleter DB                    removes DB's lock file again and again
python workers.py hold DB NAME                       reads, waits for a line, then writes NAME
"""

import contextlib
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from kiosk.domain.models import AuditEntry, HistoryEntry, TawasulRequest
from kiosk.domain.request_numbers import make_request_number
from kiosk.domain.statuses import RequestStatus
from kiosk.store import TawasulStore
from kiosk.store.port import Store
from kiosk.store.postgres.location import is_database_url
from kiosk.store.postgres.store import PostgresStore

# A loop through allowed transitions, so a worker can always make the next change.
NEXT = {
    RequestStatus.UNDER_REVIEW: RequestStatus.RETURNED,
    RequestStatus.RETURNED: RequestStatus.RESUBMITTED,
    RequestStatus.RESUBMITTED: RequestStatus.UNDER_REVIEW,
}


def open_store(location: str) -> Store:
    """The store at *location*; a file's writers wait up to a minute for its lock (a killed
    holder's lock is released by the kernel, and a live one's transactions are short)."""
    if is_database_url(location):
        return PostgresStore(location)
    return TawasulStore(Path(location), lock_timeout=60)


def advance(store: Store, number: str, by: str, note: str) -> None:
    """Move *number* one step round the loop, with its audit entry, in one transaction."""
    now = datetime.now(UTC)
    with store.transaction() as tx:
        current = tx.request(number)
        assert current is not None
        changed = current.with_status(NEXT[current.status], now, by, note, note)
        tx.put_request(changed)
        tx.append_audit(AuditEntry(now, by, "request.status", number, {"note": note}))


def submit(store: Store, rng: random.Random, by: str, note: str) -> str:
    """A new request (as a kiosk submits one) with its audit entry, in one transaction; its
    number."""
    now = datetime.now(UTC)
    with store.transaction() as tx:
        number = make_request_number(rng)
        while tx.request(number) is not None:
            number = make_request_number(rng)
        first = HistoryEntry(RequestStatus.UNDER_REVIEW, now, by, note)
        tx.add_requests(
            [
                TawasulRequest(
                    number=number,
                    applicant_id="1000000001",
                    type_code="passport_renewal",
                    status=RequestStatus.UNDER_REVIEW,
                    history=(first,),
                    created=now,
                    updated=now,
                )
            ]
        )
        tx.append_audit(AuditEntry(now, by, "request.submitted", number, {"note": note}))
    return number


def half_a_change(store: Store, number: str, by: str) -> None:
    """Write the status change of *number* and then stop, before its audit entry: a client
    killed between the two writes of one use case."""
    now = datetime.now(UTC)
    with store.transaction() as tx:
        current = tx.request(number)
        assert current is not None
        tx.put_request(current.with_status(NEXT[current.status], now, by, "half", "half"))
        print("holding", flush=True)
        sys.stdin.readline()  # the test kills this process here
        raise SystemExit("the test was to kill this process inside its transaction")


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
    mode, db, name = argv[0], argv[1], argv[2]
    store = open_store(db)
    if mode == "hold":
        # A console that read the file a while ago and writes now.
        assert isinstance(store, TawasulStore)
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
            print(i, flush=True)
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
    elif mode == "submit":
        rng = random.Random(name)
        for i in range(int(argv[3])):
            print(submit(store, rng, name, f"{name}-{i}"), flush=True)
    elif mode == "half":
        half_a_change(store, argv[3], name)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Another process for the store contract suite: ``python -m tests.store.contract_worker
BACKEND LOCATION BANNER`` opens the store and commits one change (the banner, audited), then
prints ``committed``. It speaks the store interface only, whatever the backend."""

import contextlib
import sys
from datetime import UTC, datetime

from kiosk.domain.models import AuditEntry
from tests.store.backends import BACKENDS


def main(argv: list[str]) -> None:
    """Commit the banner *argv[2]* to the store of backend *argv[0]* at *argv[1]*."""
    backend, location, banner = argv
    store = BACKENDS[backend].open(location)
    with contextlib.closing(store), store.transaction() as tx:
        tx.set_setting("banner", banner)
        tx.append_audit(AuditEntry(datetime.now(UTC), "worker", "banner.set", "banner", {}))
    print("committed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

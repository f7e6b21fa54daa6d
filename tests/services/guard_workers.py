"""Kiosk processes for the guard tests (run as scripts, not imported).

python guard_workers.py lookups DB KIOSK COUNT NUMBER   COUNT failed quick lookups of NUMBER
python guard_workers.py pin DB KIOSK COUNT PIN_HASH     COUNT wrong staff PINs
"""

import sys
from pathlib import Path

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig


def main(argv: list[str]) -> None:
    """Run the worker named in *argv*, printing each verdict once it is stored."""
    mode, db, kiosk, count = argv[0], Path(argv[1]), argv[2], int(argv[3])
    config = KioskConfig(kiosk_id=kiosk, staff_pin_hash=argv[4] if mode == "pin" else "")
    services = open_services(db, config)
    for _ in range(count):
        if mode == "lookups":
            print(services.quick_lookups.record_failure(argv[4]), flush=True)
        else:
            print(services.staff_exit.verify("0000"), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

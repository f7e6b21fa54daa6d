"""A kiosk process for the Nafath limit test (run as a script, not imported).

python nafath_workers.py DB URL KIOSK COUNT ID   COUNT Nafath requests for ID, one outcome a line
"""

import sys
from dataclasses import replace
from pathlib import Path

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig, NafathConfig


def main(argv: list[str]) -> None:
    """Send the requests named in *argv*, printing each outcome once it is known."""
    db, url, kiosk, count, national_id = Path(argv[0]), argv[1], argv[2], int(argv[3]), argv[4]
    config = replace(
        KioskConfig(), kiosk_id=kiosk, sign_in=("nafath",), nafath=NafathConfig(url=url)
    )
    nafath = open_services(db, config).nafath
    for _ in range(count):
        print(nafath.start(national_id, "en").outcome.value, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

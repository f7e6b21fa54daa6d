"""The console on a data folder that cannot be written: staff are told why at the top of every
screen within seconds, reading goes on, and the line goes once writing works again."""

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kiosk.app import make_staff_app
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from tests.conftest import frozen_clock, make_demo_file
from tests.small_disk import SmallDisk, small_disk
from tests.staff.conftest import CLIENT, Notices, settle

SIZE = (140, 44)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A small tmpfs for the data file."""
    with small_disk(tmp_path / "disk", size="2m") as mounted:
        yield mounted


async def header_says(pilot: Pilot[None], words: str, present: bool = True) -> None:
    """Wait (up to 10 s of the console's own checks) until the header does or does not say
    *words*."""
    for _ in range(200):
        if (words in pilot.app.sub_title) is present:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the header never {'said' if present else 'lost'} {words!r}")


@pytest.mark.parametrize("fault", ["read_only", "full"])
async def test_the_console_says_it_cannot_save_and_keeps_reading(
    disk: SmallDisk, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = make_demo_file(disk.folder / "tawasul.json")
    services = open_services(db, KioskConfig(), clock=frozen_clock)
    app = make_staff_app(services, "supervisor", CLIENT, handle_signals=False)
    notices = Notices()
    words = "the data folder is read-only" if fault == "read_only" else "the disk is full"
    caplog.set_level(logging.WARNING, logger="tawasul.staff")
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices.hear) as pilot:
        await settle(pilot)
        assert "CANNOT SAVE" not in app.sub_title
        if fault == "read_only":
            disk.read_only()
        else:
            disk.fill()
        await header_says(pilot, f"CANNOT SAVE: {words}")
        assert any(words in heard for heard in notices.heard)
        # Reading goes on: the request table still pages through the stored requests.
        await pilot.press("f3")
        await settle(pilot)
        assert "CANNOT SAVE" in app.sub_title  # every screen's header
        await pilot.press("f2")
        await settle(pilot)
        await pilot.pause(4.5)  # two more checks: the log said it once, not once a check
        said = [r for r in caplog.records if "cannot be written" in r.getMessage()]
        assert len(said) == 1
        if fault == "read_only":
            disk.writable()
        else:
            disk.free()
        await header_says(pilot, "CANNOT SAVE", present=False)
        assert notices.heard[-1] == "Changes can be saved again."
    services.store.close()

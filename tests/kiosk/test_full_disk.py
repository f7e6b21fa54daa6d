"""Printing at the kiosk on a real full or read-only disk: a printing failure, never "out of
service" (the data file, key, spool and file printer all live on a small tmpfs)."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kiosk.app import make_kiosk_app
from kiosk.app.kiosk import KioskApp
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import Language
from screens.resident import PrintFallbackScreen, StatusScreen
from tests.conftest import frozen_clock
from tests.kiosk.conftest import AHMED, FakeMonotonic, settle, sign_in
from tests.small_disk import SmallDisk, small_disk
from widgets import BidiText, QrCode


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A small tmpfs for the kiosk's data folder."""
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def kiosk_on(disk: SmallDisk, demo_template: Path) -> KioskApp:
    """A kiosk with its data file, and so its key, spool and printed receipts, on *disk*."""
    db = disk.folder / "tawasul.json"
    shutil.copy(demo_template, db)
    services = open_services(db, KioskConfig(), clock=frozen_clock)
    return make_kiosk_app(
        services, Language.ENGLISH, monotonic=FakeMonotonic(), handle_signals=False
    )


async def press_print(pilot: Pilot[None]) -> str:
    """Press Print on the status screen; what the screen says after it."""
    app = pilot.app
    if isinstance(app.screen, PrintFallbackScreen):
        await pilot.click("#close")
        await pilot.pause()
    assert isinstance(app.screen, StatusScreen)
    await pilot.click("#print")
    await settle(pilot)
    if isinstance(app.screen, PrintFallbackScreen):
        assert app.screen.query_one(QrCode).rows  # the receipt's QR on screen instead
        return "fallback"
    return app.screen.query_one("#print-state", BidiText).text


@pytest.mark.slow
async def test_printing_on_a_full_then_read_only_disk(disk: SmallDisk, demo_template: Path) -> None:
    """The file printer shares the full (then read-only) disk: each Print shows the print
    failure screen with the QR; with space again it prints, and its serial is a new one."""
    app = kiosk_on(disk, demo_template)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.visit is not None
        done = app.visit.tr("print.done")
        assert await press_print(pilot) == done
        disk.fill()
        assert await press_print(pilot) == "fallback"
        disk.free()
        disk.read_only()
        assert await press_print(pilot) == "fallback"
        disk.writable()
        assert await press_print(pilot) == done
        assert app.unexpected_errors == 0
        assert app.is_running
    printed = {p.name for p in (disk.folder / "receipts").glob("receipt-*.escpos")}
    # Four serials handed out, none twice (the full disk kept a cut-off 000002): the counter
    # moved past the ones it could not record.
    assert {"receipt-000001.escpos", "receipt-000004.escpos"} <= printed
    assert (disk.folder / "spool" / "serial").read_text().strip() == "4"

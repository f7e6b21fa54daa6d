"""A resident's archived request is still found at the kiosk, by its number, and only by them."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kiosk.app import make_kiosk_app
from kiosk.app.kiosk import KioskApp
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import Language
from kiosk.services.archive import ArchiveService
from screens.resident.request_number import RequestNumberScreen
from screens.resident.request_types import RequestTypeScreen
from screens.resident.status import StatusScreen
from tests.conftest import FROZEN_NOW, frozen_clock
from tests.kiosk.conftest import AHMED, FakeMonotonic, FakeReceipts, settle, sign_in
from widgets.bidi_text import BidiText

AHMED_CLOSED = "9000000407"
"""Ahmed's closed request (last touched in September 2026)."""

FATIMAH_CLOSED = "9000000902"
"""Another resident's closed request."""


@pytest.fixture
def archived_kiosk(demo_db: Path) -> Iterator[KioskApp]:
    """A kiosk over the demo file after an archive run 200 days on moved every finished request."""
    services = open_services(demo_db, KioskConfig(), clock=frozen_clock)
    ArchiveService(services.store, lambda: FROZEN_NOW + timedelta(days=200)).archive(days=90)
    for number in (AHMED_CLOSED, FATIMAH_CLOSED):
        assert services.store.is_archived(number)
    yield make_kiosk_app(
        services, Language.ENGLISH, FakeReceipts(), monotonic=FakeMonotonic(), handle_signals=False
    )
    services.store.close()


async def find_by_number(pilot: Pilot[None], number: str, last4: str = "") -> None:
    """On the request number screen, type *number* (and *last4* for a quick lookup) and find."""
    assert isinstance(pilot.app.screen, RequestNumberScreen)
    await pilot.press(*number, "enter")
    if last4:
        await pilot.press(*last4, "enter")
    await settle(pilot)


def says_not_found(app: KioskApp) -> bool:
    """Whether the request number screen says, in the visit's language, that nothing was found."""
    assert isinstance(app.screen, RequestNumberScreen) and app.visit is not None
    return app.screen.query_one("#message", BidiText).text == app.visit.tr("number.not_found")


@pytest.mark.parametrize("typed", [AHMED_CLOSED, "٩٠٠٠٠٠٠٤٠٧"])
async def test_signed_in_the_resident_finds_an_archived_request_by_its_number(
    archived_kiosk: KioskApp, typed: str
) -> None:
    app = archived_kiosk
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        assert isinstance(app.screen, RequestTypeScreen)
        await pilot.click("#have-number")
        await settle(pilot)
        await find_by_number(pilot, typed)
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.request.number == AHMED_CLOSED
        assert not app.screen.quick


async def test_signed_in_the_resident_never_sees_someone_elses_archived_request(
    archived_kiosk: KioskApp,
) -> None:
    app = archived_kiosk
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.click("#have-number")
        await settle(pilot)
        await find_by_number(pilot, FATIMAH_CLOSED)
        assert says_not_found(app)


@pytest.mark.parametrize(("last4", "found"), [("6546", True), ("6547", False)])
async def test_a_quick_lookup_finds_an_archived_request_with_the_right_last_4_digits(
    archived_kiosk: KioskApp, last4: str, found: bool
) -> None:
    app = archived_kiosk
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.click("#quick")
        await settle(pilot)
        await find_by_number(pilot, AHMED_CLOSED, last4)
        if found:
            assert isinstance(app.screen, StatusScreen)
            assert app.screen.request.number == AHMED_CLOSED
            assert app.screen.quick
        else:
            assert says_not_found(app)

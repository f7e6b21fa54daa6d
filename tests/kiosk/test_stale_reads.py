"""A resident screen's older read never shows over a newer one (screens re-read the data file
whenever staff change it, so two reads of one screen can be under way at once)."""

import asyncio
import threading

import pytest

from kiosk.services import Services
from screens.resident import WelcomeScreen
from tests.kiosk.conftest import KioskFactory, settle, wait_until
from widgets import BidiText


async def test_an_older_banner_read_never_shows_over_a_newer_one(
    kiosk: KioskFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Welcome's first read is held until a newer read has shown its banner, then let go and
    waited for: the newer banner stays (the older worker was cancelled)."""
    let_go = threading.Event()
    older_done = threading.Event()
    reads = iter(("Open until noon", "Closed on Friday"))

    def held_first(services: Services) -> str:
        text = next(reads, "Closed on Friday")
        if text != "Open until noon":
            return text
        try:
            assert let_go.wait(10), "the test never let the older read go"
            return text
        finally:
            older_done.set()

    monkeypatch.setattr(Services, "banner", held_first)
    app = kiosk("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        welcome = app.screen
        assert isinstance(welcome, WelcomeScreen)
        banner = welcome.query_one("#banner", BidiText)
        welcome.show_latest()  # staff changed the data: read again while the first read waits
        await wait_until(pilot, lambda: banner.text == "Closed on Friday")
        let_go.set()
        assert await asyncio.to_thread(older_done.wait, 10)
        await settle(pilot)
        assert banner.text == "Closed on Friday"

"""How a visit ends: nothing of the person is drawn again on the way back to Welcome."""

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from kiosk.app.kiosk import KioskApp
from screens.resident import IdleCountdown, StatusScreen, WelcomeScreen
from tests.kiosk.conftest import (
    AHMED,
    FakeMonotonic,
    FakeReceipts,
    KioskFactory,
    settle,
    sign_in,
    wait_until,
)
from widgets import BidiText


async def open_status(pilot: Pilot[None]) -> None:
    """Sign in as Ahmed and open 9000000100 through its type and its list."""
    await sign_in(pilot, *AHMED)
    await pilot.press("down", "enter")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, StatusScreen)


def record_current_screens(app: KioskApp) -> list[Screen[object]]:
    """Every screen that becomes the current one from now on, in order."""
    became_current: list[Screen[object]] = []
    app.screen_change_signal.subscribe(app, became_current.append, immediate=True)
    return became_current


@pytest.mark.parametrize("how", ["idle", "finish on the countdown"])
async def test_the_idle_wipe_shows_welcome_and_nothing_else(how: str, kiosk: KioskFactory) -> None:
    """From the status screen under the countdown: Welcome is the one screen made current."""
    clock = FakeMonotonic()
    receipts = FakeReceipts()
    # The countdown runs in real seconds: long enough that a loaded machine cannot let it run out
    # before the Finish click, short enough that the idle case ends by itself within the test.
    seconds = 2.0 if how == "idle" else 60.0
    app = kiosk("en", receipts, monotonic=clock, countdown_seconds=seconds)
    async with app.run_test() as pilot:
        await open_status(pilot)
        # Recorded from before the countdown: however fast it runs out, no screen change is missed.
        became_current = record_current_screens(app)
        clock.advance(61)
        # The countdown becomes the screen a moment before its buttons are mounted and placed.
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, IdleCountdown)
                and bool(app.screen.query("#idle-finish"))
                and app.screen.query_one("#idle-finish").region.area > 0
            ),
        )
        if how == "idle":
            await wait_until(pilot, lambda: app.visit is None)
        else:
            await pilot.click("#idle-finish")
        await settle(pilot)
        names = [type(screen).__name__ for screen in became_current]
        assert names == ["IdleCountdown", "WelcomeScreen"]
        assert [type(screen) for screen in app.screen_stack] == [WelcomeScreen]
        assert app.visit is None
        assert receipts.visits_ended == [AHMED[0]]
        assert not app.query("StatusScreen, RequestListScreen, RequestTypeScreen")


async def test_finish_shows_welcome_and_nothing_else(kiosk: KioskFactory) -> None:
    """Finish on the status screen: Welcome is the one screen made current."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await open_status(pilot)
        became_current = record_current_screens(app)
        await pilot.click("#finish")
        await settle(pilot)
        assert [type(screen).__name__ for screen in became_current] == ["WelcomeScreen"]
        assert not app.query("StatusScreen, RequestListScreen, RequestTypeScreen")


@pytest.mark.parametrize(
    ("language", "two", "one"),
    [
        ("en", "This visit ends in 2 seconds.", "This visit ends in 1 second."),
        ("ar", "تنتهي هذه الزيارة خلال ثانيتين.", "تنتهي هذه الزيارة خلال ثانية واحدة."),
    ],
)
async def test_the_countdown_counts_in_the_words_of_each_number(
    language: str, two: str, one: str, kiosk: KioskFactory
) -> None:
    """Each second the countdown takes the plural form of what is left: "1 second", not
    "1 seconds"; in Arabic the dual ثانيتين, then ثانية واحدة."""
    clock = FakeMonotonic()
    app = kiosk(language, monotonic=clock, countdown_seconds=3.0)
    async with app.run_test() as pilot:
        await open_status(pilot)
        clock.advance(61)
        await wait_until(pilot, lambda: isinstance(app.screen, IdleCountdown))
        message = app.screen.query_one("#idle-message", BidiText)
        await wait_until(pilot, lambda: message.text.endswith(two))
        await wait_until(pilot, lambda: message.text.endswith(one))

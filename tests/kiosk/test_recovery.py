"""Each step of the kiosk's way back from an unexpected error, and out of service for damage."""

import asyncio
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

import kiosk.app.kiosk as kiosk_app
from kiosk.app.kiosk import MAX_ERRORS_A_MINUTE, KioskApp
from screens.resident import (
    HelpScreen,
    OutOfServiceScreen,
    RequestTypeScreen,
    SignInScreen,
    WelcomeScreen,
)
from tests.conftest import file_store
from tests.kiosk.conftest import AHMED, KioskFactory, settle, sign_in

NOTICE_SECONDS = 1.0
"""``out_of_service_seconds`` in these tests."""


def screen_types(app: App[None]) -> list[str]:
    """The class names of the current mode's screens, bottom first."""
    return [type(screen).__name__ for screen in app.screen_stack]


class BrokenScreen(Screen[None]):
    """A screen of a visit that fails as it is shown (its messages are processed no more)."""

    def compose(self) -> ComposeResult:
        """Something a person might have been shown."""
        yield Static("private")

    def on_mount(self) -> None:
        """Fail while being shown."""
        raise RuntimeError("broken on the way in")


class FailingOnTheWayOut(Screen[None]):
    """A screen of a visit that fails as it is taken down."""

    def compose(self) -> ComposeResult:
        """Something a person might have been shown."""
        yield Static("private")

    def on_unmount(self) -> None:
        """Fail while being taken down."""
        raise RuntimeError("broken on the way out")


def fail_soon(app: KioskApp, what: str) -> None:
    """An error in one of the app's timers."""

    def fail() -> None:
        raise RuntimeError(what)

    app.set_timer(0.01, fail)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], seconds: float) -> None:
    """Let the app run until *condition* holds (AssertionError after *seconds*).

    It sleeps rather than pausing the pilot: a screen whose handler failed processes nothing
    more, and a pilot's pause waits for the current screen to process its messages.
    """
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition(), screen_types(pilot.app)


async def test_the_notice_goes_away_by_itself_and_the_kiosk_serves_again(
    kiosk: KioskFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """An error in a visit: the visit is wiped, the notice shows, then Welcome, still running."""
    app = kiosk("en", out_of_service_seconds=NOTICE_SECONDS)
    with caplog.at_level(logging.ERROR, logger="tawasul.kiosk"):
        async with app.run_test() as pilot:
            await sign_in(pilot, *AHMED)
            assert isinstance(app.screen, RequestTypeScreen)
            fail_soon(app, "a timer failed")
            await wait_for(pilot, lambda: isinstance(app.screen, OutOfServiceScreen), 2)
            assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
            assert app.visit is None
            await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen), 2)
            assert screen_types(app) == ["WelcomeScreen"]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SignInScreen)
            assert app.is_running
    assert app.unexpected_errors == 1
    assert "could not recover" not in caplog.text


async def test_an_error_while_the_notice_is_up_shows_one_notice(kiosk: KioskFactory) -> None:
    """A second error: the old notice goes, one new notice comes (no duplicate ids)."""
    app = kiosk("en", out_of_service_seconds=NOTICE_SECONDS)
    async with app.run_test() as pilot:
        fail_soon(app, "first")
        await wait_for(pilot, lambda: isinstance(app.screen, OutOfServiceScreen), 2)
        fail_soon(app, "second")
        await pilot.pause(0.1)
        await settle(pilot)
        assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
        await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen), 2)
        assert app.is_running
    assert app.unexpected_errors == 2
    assert app.return_code is None


@pytest.mark.parametrize("broken", [BrokenScreen, FailingOnTheWayOut])
async def test_a_broken_screen_of_a_visit_is_dropped_with_the_visit(
    broken: type[Screen[None]], kiosk: KioskFactory
) -> None:
    """A screen that failed and processes nothing more, or one that fails again as it is taken
    down: the kiosk is back at Welcome, no screen of the visit in a stack, each error logged."""
    app = kiosk("en", out_of_service_seconds=NOTICE_SECONDS)
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        app.push_screen(broken())  # not awaited: a broken one never finishes mounting
        if broken is FailingOnTheWayOut:
            fail_soon(app, "while the visit was on")
        await wait_for(pilot, lambda: isinstance(app.screen, OutOfServiceScreen), 2)
        assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
        await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen), 2)
        assert app.is_running
    assert app.unexpected_errors >= (1 if broken is BrokenScreen else 2)


async def test_an_error_over_welcome_closes_its_dialogs(kiosk: KioskFactory) -> None:
    """Help open over Welcome, then an error: Help goes, the notice shows over Welcome."""
    app = kiosk("en", out_of_service_seconds=NOTICE_SECONDS)
    async with app.run_test() as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        fail_soon(app, "over welcome")
        await wait_for(pilot, lambda: isinstance(app.screen, OutOfServiceScreen), 2)
        assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
        await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen), 2)
        assert app.is_running


async def test_errors_that_never_stop_end_the_kiosk_with_status_1(
    kiosk: KioskFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Recovering is not working when errors keep coming: the app ends with 1 (systemd starts
    it again), after logging why, and never with a traceback on the screen."""
    app = kiosk("en", out_of_service_seconds=NOTICE_SECONDS)

    def fail() -> None:
        raise RuntimeError("again and again")

    with caplog.at_level(logging.ERROR, logger="tawasul.kiosk"):
        async with app.run_test() as pilot:
            app.set_interval(0.01, fail)
            # Generous for a loaded machine: it ends as soon as the errors reach the limit.
            await wait_for(pilot, lambda: not app.is_running, 30)
    assert app.return_code == 1
    # The limit, or one more that came in while the app was ending.
    assert MAX_ERRORS_A_MINUTE <= app.unexpected_errors <= MAX_ERRORS_A_MINUTE + 1
    assert "it stops" in caplog.text


@pytest.mark.parametrize("damage", ["damaged", "missing"])
async def test_a_damaged_file_keeps_the_kiosk_out_of_service_until_restored(
    damage: str,
    kiosk: KioskFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The next sign-in finds the damage: out of service, and it stays (input does not get
    through, Welcome does not return) until the file is good again; the log says why once."""
    monkeypatch.setattr(kiosk_app, "DATA_FILE_POLL_SECONDS", 0.05)
    app = kiosk("en", out_of_service_seconds=NOTICE_SECONDS)
    db = file_store(app.services).path
    good = tmp_path / "good.json"
    shutil.copy(db, good)
    with caplog.at_level(logging.INFO, logger="tawasul.kiosk"):
        async with app.run_test() as pilot:
            if damage == "missing":
                db.unlink()
            else:
                db.write_bytes(good.read_bytes()[:3000])
            await sign_in(pilot, *AHMED)
            await wait_for(pilot, lambda: isinstance(app.screen, OutOfServiceScreen), 2)
            assert app.visit is None
            for _ in range(3):  # a person tries; the file is touched but still no good
                await pilot.press("enter", "e", "a", "tab", "enter")
                if damage == "damaged":
                    db.write_bytes(good.read_bytes()[:2000])
                await pilot.pause(4 * NOTICE_SECONDS)
                await settle(pilot)
                assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
                assert app.visit is None
            assert not app.screen.query("#oos-ok")
            shutil.copy(good, db)
            await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen), 3)
            assert screen_types(app) == ["WelcomeScreen"]
            await sign_in(pilot, *AHMED)
            assert isinstance(app.screen, RequestTypeScreen)
    assert caplog.text.count("out of service until the data file is good again") == 1
    assert "back in service" in caplog.text
    assert app.unexpected_errors == 0

"""A try that fails the same way again must look new: the message says which try it is."""

import pytest
from textual.pilot import Pilot

from kiosk.app.kiosk import KioskApp
from screens.resident import RequestNumberScreen, SignInScreen
from tests.kiosk.conftest import AHMED, KioskFactory, settle
from widgets import BidiText


def message(app: KioskApp) -> str:
    """The message under the form of the current screen, in logical order."""
    return app.screen.query_one("#message", BidiText).text


async def press_and_settle(pilot: Pilot[None], *keys: str) -> None:
    """Press *keys*, then wait for the lookup or sign-in they start."""
    await pilot.press(*keys)
    await settle(pilot)


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_a_repeated_lookup_failure_says_which_try_it_is(
    kiosk: KioskFactory, language: str
) -> None:
    """The same wrong last 4 digits three times: the same sentence, then (try 2), (try 3);
    a different answer starts the count again."""
    app = kiosk(language, idle_seconds=3600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#quick")
        await pilot.pause()
        assert isinstance(app.screen, RequestNumberScreen)
        assert app.visit is not None
        tr = app.visit.tr
        not_found = tr("number.not_found")
        await press_and_settle(pilot, *"9000000209", "tab", *"0000", "enter")
        assert message(app) == not_found
        await press_and_settle(pilot, "enter")
        assert message(app) == tr("common.repeated", message=not_found, count=2)
        await press_and_settle(pilot, "enter")
        assert message(app) == tr("common.repeated", message=not_found, count=3)
        await press_and_settle(pilot, "enter")
        assert message(app) == tr.plural("number.wait", 2)  # after 3 misses: other words


async def test_a_repeated_wrong_password_says_which_try_it_is(kiosk: KioskFactory) -> None:
    """Two wrong passwords in a row: the second answer is visibly a new one."""
    app = kiosk("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.visit is not None
        wrong = app.visit.tr("signin.wrong")
        await press_and_settle(pilot, *AHMED[0], "tab", *"wrong-1", "enter")
        assert message(app) == wrong
        await press_and_settle(pilot, *"wrong-2", "enter")
        assert message(app) == app.visit.tr("common.repeated", message=wrong, count=2)

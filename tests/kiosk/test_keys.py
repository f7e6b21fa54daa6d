"""Keys that behave: the arrows on Welcome, and keys that arrive in a burst."""

import asyncio

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.domain.languages import ON_SCREEN
from screens.resident import WelcomeScreen
from tests.conftest import type_ahead
from tests.kiosk.conftest import KioskFactory, settle

BACKSPACE = "\x7f"
"""What a terminal sends for Backspace (``type_ahead`` posts it as the key ``backspace``)."""

BURSTS = st.lists(st.sampled_from([*"0123456789٣", BACKSPACE]), max_size=16).map("".join)
"""Digits (one Arabic-Indic) and Backspaces, as a scanner, a paste or a fast typist sends them."""


async def typed_slowly(pilot: Pilot[None], field: Input, keys: str) -> str:
    """What *field* holds after *keys* are pressed one by one, each handled before the next."""
    field.clear()
    await pilot.press(*("backspace" if key == BACKSPACE else key for key in keys))
    return field.value


async def typed_at_once(pilot: Pilot[None], field: Input, keys: str) -> str:
    """What *field* holds after *keys* arrive together, before any of them is handled."""
    field.clear()
    type_ahead(pilot.app, keys)
    await pilot.pause()
    return field.value


@pytest.mark.parametrize("language", ["ar", "en", "ur", "fil"])
async def test_arrows_move_between_the_welcome_choices_where_they_point(
    kiosk: KioskFactory, language: str
) -> None:
    """Left and Right go to the language tile drawn on that side (and stop at the edge), Down
    to Help, Up back to the kiosk's own language; the choices take Enter as before."""
    app = kiosk(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WelcomeScreen)

        def focused() -> str | None:
            return None if app.focused is None else app.focused.id

        tiles = [f"start-{code}" for code in ON_SCREEN]
        drawn = sorted(tiles, key=lambda id: screen.query_one(f"#{id}").region.x)
        left, right = drawn[0], drawn[-1]
        own = f"start-{language}"
        assert focused() == own
        for _ in tiles:
            await pilot.press("right")
        assert focused() == right
        for tile in drawn[-2::-1]:  # one step at a time, each to the tile drawn beside
            await pilot.press("left")
            assert focused() == tile
        await pilot.press("left")
        assert focused() == left
        await pilot.press("down")
        assert focused() == "help"
        await pilot.press("down", "left", "right")
        assert focused() == "help"
        await pilot.press("up")
        assert focused() == own
        place = drawn.index(own)  # the tile drawn beside the kiosk's own, then Enter
        other, key = (drawn[place + 1], "right") if own != right else (drawn[place - 1], "left")
        await pilot.press(key, "enter")
        await pilot.pause()
        assert app.visit is not None and app.visit.language == other.removeprefix("start-")


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(keys="123" + BACKSPACE + "4")
@example(keys="2109876546" + BACKSPACE * 3 + "546")
@given(keys=BURSTS)
def test_digits_and_backspaces_in_a_burst_give_what_typing_slowly_gives(
    kiosk: KioskFactory, keys: str
) -> None:
    """The ID field, as a card reader or a paste fills it: each Backspace deletes the digit
    typed just before it, not one typed after it (``123⌫4`` is ``124``)."""

    async def run() -> None:
        app = kiosk("en")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            field = app.screen.query_one("#id-number", Input)
            assert field.has_focus
            at_once = await typed_at_once(pilot, field, keys)
            assert at_once == await typed_slowly(pilot, field, keys)

    asyncio.run(run())

"""Keys that behave: the arrows on Welcome, and keys that arrive in a burst."""

import pytest

from screens import WelcomeScreen
from tests.kiosk.conftest import KioskFactory, settle


@pytest.mark.parametrize("language", ["ar", "en"])
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

        tiles = ["start-ar", "start-en"]
        left, right = sorted(tiles, key=lambda id: screen.query_one(f"#{id}").region.x)
        own = f"start-{language}"
        assert focused() == own
        await pilot.press("right")
        assert focused() == right
        await pilot.press("right")
        assert focused() == right
        await pilot.press("left")
        assert focused() == left
        await pilot.press("left")
        assert focused() == left
        await pilot.press("down")
        assert focused() == "help"
        await pilot.press("down", "left", "right")
        assert focused() == "help"
        await pilot.press("up")
        assert focused() == own
        other = right if own == left else left
        await pilot.press("right" if other == right else "left", "enter")
        await pilot.pause()
        assert app.visit is not None and app.visit.language == other.removeprefix("start-")

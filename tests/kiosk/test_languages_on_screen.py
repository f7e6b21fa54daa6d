"""Bengali, Hindi and Malayalam never reach the screen as terminal text: no terminal shapes
them (research/languages.md), so until they are drawn as images nothing offers or shows them."""

import re

import pytest

from kiosk.domain.languages import ON_SCREEN, Language
from screens.resident import WelcomeScreen
from screens.resident.context import KioskContext
from tests.kiosk.conftest import KioskFactory, settle

INDIC = re.compile("[\u0900-\u0dff]")
"""Devanagari, Bengali, … Malayalam: the scripts a terminal cell grid breaks."""

NOT_ON_SCREEN = [language for language in Language if language not in ON_SCREEN]


def test_the_languages_left_off_the_screen_are_the_three_indic_ones() -> None:
    """The one definition: every other language is drawn as plain text."""
    assert set(NOT_ON_SCREEN) == {Language.BENGALI, Language.HINDI, Language.MALAYALAM}


async def test_welcome_offers_only_what_the_terminal_draws(kiosk: KioskFactory) -> None:
    """Welcome has a tile for each on-screen language and none for the others, its picture
    holds no Indic letter, and the code of one as a key's action starts nothing."""
    app = kiosk("ur")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WelcomeScreen)
        shown = {tile.id for tile in screen.query("#languages > *")}
        assert shown == {f"start-{language}" for language in ON_SCREEN}
        assert not INDIC.search(app.export_screenshot())
        for language in NOT_ON_SCREEN:
            screen.action_start(language)
        await pilot.pause()
        assert app.visit is None


@pytest.mark.parametrize("language", NOT_ON_SCREEN)
def test_no_visit_or_welcome_can_be_in_a_language_the_terminal_cannot_draw(
    kiosk: KioskFactory, language: Language
) -> None:
    """Every word of a visit is read through its context, and Welcome's first language is the
    app's: both refuse such a language, with the sentence that says why."""
    with pytest.raises(ValueError, match="cannot be shown yet"):
        kiosk(language)
    app = kiosk("en")
    with pytest.raises(ValueError, match="cannot be shown yet"):
        KioskContext(app.services, language, None)


@pytest.mark.parametrize(("key", "language"), [("u", "ur"), ("f", "fil"), ("i", "id")])
async def test_each_new_language_starts_with_its_key(
    kiosk: KioskFactory, key: str, language: str
) -> None:
    """The key shown on a tile starts the visit in its language; Urdu's screens are mirrored."""
    app = kiosk("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tile = app.screen.query_one(f"#start-{language}")
        assert f"[{key}]" in str(tile.render())
        await pilot.press(key)
        await settle(pilot)
        assert app.visit is not None and app.visit.language == language
        assert app.screen.has_class("-rtl") == (language == "ur")

"""The kiosk at 80×24, the documented minimum: what a resident acts on is seen without scrolling,
the rest is read with ↑/↓ and PgUp/PgDn, and the screen says so."""

import pytest
from textual.containers import ScrollableContainer
from textual.pilot import Pilot
from textual.widget import Widget

from kiosk.app.kiosk import KioskApp
from screens.resident import HelpScreen, StatusScreen
from tests.kiosk.conftest import KioskFactory, settle
from widgets import BidiText, ReadingPane

SMALLEST = (80, 24)

DEMO_REQUESTS = {
    "9000000100": "6546",  # under review
    "9000000209": "6546",  # returned, with what to bring
    "9000000308": "6546",  # accepted, with what to collect
    "9000000407": "6546",  # closed
    "9000000506": "7897",  # rejected, with the reason
    "9000000605": "7897",  # resubmitted
    "9000000704": "9011",  # under review and late
}
"""A demo request of every status, with the last 4 digits of its owner's ID."""

ACT_ON = ("#badge", "#next", "#action", "#reason", "#collect", "#expected")
"""What the resident must see at once: the status, what to do, the expected date."""


def kiosk_in(kiosk: KioskFactory, language: str) -> KioskApp:
    """A kiosk in *language*, Arabic drawn by the program as xterm and tmux need it."""
    return kiosk(language, bidi="app" if language == "ar" else "terminal")


async def look_up(pilot: Pilot[None], number: str, last4: str) -> StatusScreen:
    """From Welcome, a quick lookup of *number*: its status screen."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.click("#quick")
    await pilot.pause()
    await pilot.press(*number, "tab", *last4, "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatusScreen)
    return screen


def seen_whole(widget: Widget) -> bool:
    """Whether all of *widget* is on the screen now, not cut off nor scrolled out of its pane."""
    region = widget.region
    if not region or not widget.screen.region.contains_region(region):
        return False
    panes = [node for node in widget.ancestors if isinstance(node, ScrollableContainer)]
    return all(pane.scrollable_content_region.contains_region(region) for pane in panes)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("number", list(DEMO_REQUESTS))
async def test_the_status_what_to_do_and_the_date_need_no_scrolling(
    kiosk: KioskFactory, number: str, language: str
) -> None:
    """Every status at 80×24: the badge, the next steps, the required action, reason or what
    to collect, and the expected date are whole on the screen as it opens."""
    app = kiosk_in(kiosk, language)
    async with app.run_test(size=SMALLEST) as pilot:
        screen = await look_up(pilot, number, DEMO_REQUESTS[number])
        shown = [selector for selector in ACT_ON if screen.query(selector)]
        assert {"#badge", "#next"} <= set(shown)
        for selector in shown:
            assert seen_whole(screen.query_one(selector)), f"{selector} is cut off"


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_the_rest_of_the_status_is_read_with_arrows_and_pages_without_tab(
    kiosk: KioskFactory, language: str
) -> None:
    """A returned request is longer than 80×24: the screen names the keys, and ↓, PgDn, ↑ and
    PgUp move the text while the focus stays on Print receipt; the call centre can be reached."""
    app = kiosk_in(kiosk, language)
    async with app.run_test(size=SMALLEST) as pilot:
        screen = await look_up(pilot, "9000000209", "6546")
        pane = screen.query_one(ReadingPane)
        assert pane.max_scroll_y > 0
        assert app.visit is not None
        assert pane.border_subtitle == screen.shaped(app.visit.tr("common.more_keys"))
        call_centre = pane.query(BidiText).last()
        assert not seen_whole(call_centre)
        focused = app.focused
        await pilot.press("down")
        await pilot.pause()
        assert pane.scroll_y == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        assert seen_whole(call_centre)
        await pilot.press("up")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y - 1
        await pilot.press("pageup")
        await pilot.pause()
        assert pane.scroll_y == 0
        assert app.focused is focused and focused is not None and focused.id == "print"


async def test_a_short_status_says_nothing_about_scrolling(kiosk: KioskFactory) -> None:
    """When everything fits (a closed request on a larger terminal) no keys are named."""
    app = kiosk_in(kiosk, "en")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await look_up(pilot, "9000000407", "6546")
        pane = screen.query_one(ReadingPane)
        assert pane.max_scroll_y == 0
        assert not pane.border_subtitle


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_help_reads_with_the_keys_and_keeps_its_text_off_the_scrollbar(
    kiosk: KioskFactory, language: str
) -> None:
    """Help at 80×24 names the keys, scrolls with them while Close keeps the focus, and no
    letter touches the scrollbar (in Arabic the lines end at the right, beside it)."""
    app = kiosk_in(kiosk, language)
    async with app.run_test(size=SMALLEST) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        pane = screen.query_one(ReadingPane)
        assert pane.max_scroll_y > 0
        assert pane.border_subtitle
        scrollbar_x = pane.vertical_scrollbar.region.x
        for text in pane.query(BidiText):
            assert text.region.right < scrollbar_x, "a letter touches the scrollbar"
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_y > 0
        await pilot.press("up")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "close"

"""A second Enter after Print never leaves the status screen, and no screen focuses Finish."""

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.services.receipts_port import Problem
from screens.resident import PrintFallbackScreen, RequestNumberScreen, StatusScreen
from tests.kiosk.conftest import AHMED, FakeReceipts, KioskFactory, settle, sign_in


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("problem", [None, Problem.PAPER_OUT], ids=["printed", "failed"])
async def test_enter_after_print_keeps_the_visit_on_the_status(
    kiosk: KioskFactory, language: str, problem: Problem | None
) -> None:
    receipts = FakeReceipts(problem=problem)
    app = kiosk(language, receipts)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("enter")  # the first type with requests: passport, one request
        await settle(pilot)
        status = app.screen
        assert isinstance(status, StatusScreen)
        assert app.focused is not None and app.focused.id == "print"
        await pilot.press("enter")
        await settle(pilot)
        if problem is not None:
            assert isinstance(app.screen, PrintFallbackScreen)
            await pilot.press("enter")  # Close: back to the status
            await pilot.pause()
        assert app.screen is status
        assert app.focused is not None and app.focused.id == "print"
        assert isinstance(app.focused, Button)
        assert isinstance(status, StatusScreen)
        assert str(app.focused.label) == status.shaped(status.t("status.print_again"))
        # The whole new label fits (Textual keeps the old width unless told to lay it out).
        assert app.focused.size.width >= cell_len(str(app.focused.label)) + 2
        await pilot.pause(0.3)  # Textual ignores a press while the last one is drawn (0.2 s)
        await pilot.press("enter")  # the natural second Enter: prints again, goes nowhere
        await settle(pilot)
        if problem is not None:
            await pilot.press("enter")
            await pilot.pause()
        assert app.screen is status and app.visit is not None
        assert receipts.printed == ["9000000308", "9000000308"]


async def test_without_a_printer_the_status_focuses_its_text_not_finish(
    kiosk: KioskFactory,
) -> None:
    app = kiosk("ar")
    app.receipts = None
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("enter")
        await settle(pilot)
        status = app.screen
        assert isinstance(status, StatusScreen)
        assert app.focused is not None and app.focused.id == "help"
        # Enter opens Help, Escape comes back: the visit goes on.
        await pilot.press("enter")
        await settle(pilot)
        assert app.visit is not None and app.screen is not status
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is status and app.visit is not None


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_enter_after_a_failed_lookup_stays_on_the_number_screen(
    kiosk: KioskFactory, language: str
) -> None:
    """Find keeps the focus while it looks: it once handed it to Back (English) or Finish
    (Arabic), so a second Enter after "not found" left the screen or ended the visit."""
    app = kiosk(language)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.click("#quick")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequestNumberScreen)
        await pilot.press(*"9000000209", "tab", *"1111")  # the wrong last 4 digits
        await tab_to(pilot, "find")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "find"
        await pilot.pause(0.3)  # Textual ignores a press while the last one is drawn (0.2 s)
        await pilot.press("enter")  # try again: still here, the visit goes on
        await settle(pilot)
        assert app.screen is screen and app.visit is not None


async def tab_to(pilot: Pilot[None], widget_id: str) -> None:
    """Press Tab until *widget_id* has the focus."""
    for _ in range(20):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")

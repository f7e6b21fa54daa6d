"""Arabic dialogs read right to left: the printer-failure dialog mirrored, the PIN dialog's
sentences each in their own direction."""

import pytest

from kiosk.domain.text import has_rtl
from kiosk.services.receipts_port import Problem
from screens.resident import ExitPinScreen, HelpScreen, PrintFallbackScreen
from tests.kiosk.conftest import FakeReceipts, KioskFactory, settle
from widgets import BidiText


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_the_printer_failure_dialog_is_mirrored_in_arabic(
    kiosk: KioskFactory, language: str
) -> None:
    """English: the QR on the left, the number and Close beside it on the left of their column.
    Arabic: the QR on the right, the number and Close on the right of theirs."""
    app = kiosk(language, FakeReceipts(problem=Problem.PAPER_OUT), bidi="app")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#quick")
        await pilot.pause()
        await pilot.press(*"9000000209", "tab", *"6546", "enter")
        await settle(pilot)
        await pilot.press("enter")  # Print receipt has the focus
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrintFallbackScreen)
        qr = screen.query_one("#qr").region
        side = screen.query_one("#fallback-side").region
        number = screen.query_one("#big-number").region
        close = screen.query_one("#close").region
        if language == "ar":
            assert qr.x > side.right
            assert number.right == close.right == side.right
        else:
            assert qr.right < side.x
            assert number.x == close.x == side.x
        assert app.focused is not None and app.focused.id == "close"


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_help_puts_close_where_its_language_starts(
    kiosk: KioskFactory, language: str
) -> None:
    """Close sits under the start of the lines: on the left in English, on the right in Arabic."""
    app = kiosk(language, bidi="app")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        row = screen.query_one("#help-actions").region
        close = screen.query_one("#close").region
        assert (close.right == row.right) if language == "ar" else (close.x == row.x)
        assert app.focused is not None and app.focused.id == "close"


async def test_arabic_sentences_of_the_pin_dialog_end_at_their_left(kiosk: KioskFactory) -> None:
    """The PIN dialog's Arabic, wrapped at 80×24, has its full stop at the left end of its last
    line (where an Arabic sentence ends), never at the right end of a line."""
    app = kiosk("ar", bidi="app")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+alt+x", *"0000", "enter")  # no PIN is set up on this kiosk
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExitPinScreen)
        lines = [
            line.strip()
            for text in screen.query(BidiText)
            for line in text.render().plain.splitlines()
        ]
        arabic = [line for line in lines if has_rtl(line)]
        assert any(line.startswith(".") for line in arabic)
        assert not [line for line in arabic if line.endswith(".")]

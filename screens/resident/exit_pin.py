"""The staff PIN that lets staff leave the kiosk (reached with the configured key chord)."""

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input

from kiosk.domain.languages import BidiMode, Language
from kiosk.domain.text import display_line
from kiosk.services.guards import PinVerdict
from kiosk.services.i18n import translations
from screens.resident.keypad_form import DIGITS_ANY_SCRIPT
from widgets import BACKSPACE, ENTER, BidiText, Keypad, TextField

LANGUAGES = (Language.ENGLISH, Language.ARABIC)
"""The dialog speaks to staff of either language: English first, then Arabic."""


class ExitPinScreen(ModalScreen[bool]):
    """Asks for the staff PIN in both languages; dismissed with True when staff may leave.

    *verify* (the staff-exit guard's) is blocking (an argon2 hash, a write), so it runs in a
    worker thread.
    """

    CSS_PATH = "exit_pin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, verify: Callable[[str], PinVerdict], bidi: BidiMode) -> None:
        """Check PINs with *verify*."""
        super().__init__(id="exit-pin")
        self.verify = verify
        self.bidi = bidi

    def _label(self, key: str) -> str:
        # A button holds one short line, so both languages fit on it side by side.
        both = " · ".join(translations(language)(key) for language in LANGUAGES)
        return display_line(both, self.bidi, rtl=False)

    def _in_both(self, key: str | None, name: str) -> ComposeResult:
        # A paragraph for each language, each in its own direction: one paragraph of both would
        # wrap the Arabic inside an English line, with its full stop at the wrong end.
        for language in LANGUAGES:
            text = translations(language)(key) if key else ""
            yield BidiText(
                text, bidi=self.bidi, rtl=language.rtl, id=f"{name}-{language}", classes=name
            )

    def compose(self) -> ComposeResult:
        """Title, the PIN field, the keypad and the buttons."""
        with Vertical(id="pin-box"):
            yield from self._in_both("pin.title", "title")
            yield TextField(password=True, restrict=DIGITS_ANY_SCRIPT, max_length=12, id="pin")
            yield from self._in_both(None, "pin-message")
            yield Keypad(id="pin-keypad")
            with Horizontal(id="pin-buttons"):
                yield Button(self._label("pin.exit"), variant="error", id="pin-exit")
                yield Button(self._label("common.cancel"), id="pin-cancel")

    def on_mount(self) -> None:
        """Focus the PIN field."""
        self.query_one("#pin", Input).focus()

    @on(Keypad.Pressed)
    def _keypad(self, event: Keypad.Pressed) -> None:
        field = self.query_one("#pin", Input)
        if event.key == BACKSPACE:
            field.action_delete_left()
        elif event.key == ENTER:
            self._check()
        else:
            field.insert_text_at_cursor(event.key)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._check()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Exit with the PIN, or cancel."""
        event.stop()
        if event.button.id == "pin-exit":
            self._check()
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        """Back to the kiosk."""
        self.dismiss(False)

    def _check(self) -> None:
        if self.query_one("#pin-exit", Button).disabled:
            return  # a PIN is being checked
        field = self.query_one("#pin", Input)
        pin, field.value = field.value, ""
        self.query_one("#pin-exit", Button).disabled = True
        self.check(pin)

    @work(thread=True, exclusive=True, group="pin")
    def check(self, pin: str) -> None:
        """Verify the PIN off the event loop."""
        verdict = self.verify(pin)
        self.app.call_from_thread(self._checked, verdict)

    def _checked(self, verdict: PinVerdict) -> None:
        self.query_one("#pin-exit", Button).disabled = False
        if verdict is PinVerdict.ACCEPTED:
            self.dismiss(True)
            return
        for language in LANGUAGES:
            message = self.query_one(f"#pin-message-{language}", BidiText)
            message.text = translations(language)(f"pin.{verdict.value}")

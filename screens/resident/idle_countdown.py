"""The "are you still there?" dialog: counts down, and ends the visit at zero."""

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button

from kiosk.domain.languages import BidiMode
from kiosk.domain.text import display_line, mirrors_layout
from widgets.bidi_text import BidiText


class IdleCountdown(ModalScreen[None]):
    """Dismissed when the person continues; posts Ended when the time runs out or they finish.

    It does not dismiss itself then: the screen under it is the person's, and must not be drawn
    again on the way out. The app takes this dialog down with the rest of the visit.
    The texts come in already translated; *message* gives the sentence for the seconds left
    (a plural: "1 second", "2 seconds", and Arabic's six forms).
    """

    @dataclass
    class Ended(Message):
        """The visit ends: the countdown reached zero, or the person pressed Finish."""

        timed_out: bool
        """True at zero, False for Finish."""

    DEFAULT_CSS = """
    IdleCountdown {
        align: center middle;
        background: $background 70%;
        #idle-box {
            width: 60;
            max-width: 100%;
            height: auto;
            border: thick $warning;
            background: $surface;
            padding: 1 2;
        }
        #idle-buttons { height: auto; margin-top: 1; align-horizontal: center; }
        #idle-buttons Button { margin: 0 1; }
    }
    """

    remaining: reactive[int] = reactive(0)
    """Whole seconds left before the visit ends."""

    def __init__(
        self,
        seconds: int,
        message: Callable[[int], str],
        continue_label: str,
        finish_label: str,
        *,
        bidi: BidiMode,
        rtl: bool,
    ) -> None:
        """Count down from *seconds*, showing *message* and two buttons."""
        super().__init__(id="idle-countdown")
        self.message = message
        self.continue_label = continue_label
        self.finish_label = finish_label
        self.bidi = bidi
        self.rtl = rtl
        self.set_reactive(IdleCountdown.remaining, max(seconds, 1))

    def compose(self) -> ComposeResult:
        """The message and the buttons, "continue" first in reading order."""
        buttons = [
            Button(
                display_line(self.continue_label, self.bidi, self.rtl),
                variant="success",
                id="idle-continue",
            ),
            Button(
                display_line(self.finish_label, self.bidi, self.rtl),
                variant="default",
                id="idle-finish",
            ),
        ]
        with Vertical(id="idle-box"):
            yield BidiText(self._text(), bidi=self.bidi, rtl=self.rtl, id="idle-message")
            with Horizontal(id="idle-buttons"):
                yield from reversed(buttons) if mirrors_layout(self.bidi, self.rtl) else buttons

    def on_mount(self) -> None:
        """Focus "continue" and start counting."""
        self.query_one("#idle-continue", Button).focus()
        self.set_interval(1.0, self._tick)

    def _text(self) -> str:
        return self.message(self.remaining)

    def _tick(self) -> None:
        if self.remaining <= 0:
            return  # ended already: the app is taking the visit down
        self.remaining -= 1
        if self.remaining <= 0:
            self.post_message(self.Ended(timed_out=True))
            return
        self.query_one("#idle-message", BidiText).text = self._text()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Continue, or finish now."""
        event.stop()
        if self.remaining <= 0:
            return  # ended already: the app is taking the visit down
        if event.button.id == "idle-continue":
            self.dismiss()
        else:
            self.remaining = 0
            self.post_message(self.Ended(timed_out=False))

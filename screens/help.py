"""Help and FAQ: answer times, the call centre, what to do when rejected, fees."""

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button

from kiosk.domain.text import display_line
from kiosk.services.i18n import Translations
from screens.notice import NoticeScreen
from widgets import BidiText

FAQ_KEYS = ("help.answer_time", "help.call_centre", "help.rejected", "help.returned", "help.fees")
"""The questions the help answers, in order; each key has a ``.q`` and an ``.a`` message."""


class HelpScreen(NoticeScreen):
    """The FAQ over the current screen; Close (or Escape) returns to it."""

    CSS_PATH = "help.tcss"

    def __init__(self, tr: Translations, bidi: str) -> None:
        """The FAQ in *tr*'s language."""
        super().__init__()
        self.tr = tr
        self.bidi = bidi

    def compose(self) -> ComposeResult:
        """Questions and answers, then Close."""
        rtl = self.tr.rtl
        with Vertical(id="help-box"):
            yield BidiText(self.tr("help.title"), bidi=self.bidi, rtl=rtl, classes="title")
            with VerticalScroll(id="help-body"):
                for key in FAQ_KEYS:
                    yield BidiText(self.tr(f"{key}.q"), bidi=self.bidi, rtl=rtl, classes="question")
                    yield BidiText(self.tr(f"{key}.a"), bidi=self.bidi, rtl=rtl, classes="answer")
            yield Button(
                display_line(self.tr("common.close"), self.bidi, rtl), variant="primary", id="close"
            )

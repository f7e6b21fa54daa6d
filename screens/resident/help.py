"""Help and FAQ: answer times, the call centre, what to do when rejected, fees."""

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button

from kiosk.domain.languages import BidiMode
from kiosk.domain.text import display_line, mirrors_layout
from kiosk.services.i18n import Translations
from screens.resident.notice import NoticeScreen
from widgets import READING_KEYS, BidiText, ReadingPane
from widgets.reading_pane import ReadingKey

FAQ_KEYS = ("help.answer_time", "help.call_centre", "help.rejected", "help.returned", "help.fees")
"""The questions the help answers, in order; each key has a ``.q`` and an ``.a`` message."""


class HelpScreen(NoticeScreen):
    """The FAQ over the current screen; Close (or Escape) returns to it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*READING_KEYS]

    def __init__(self, tr: Translations, bidi: BidiMode) -> None:
        """The FAQ in *tr*'s language."""
        super().__init__()
        self.tr = tr
        self.bidi = bidi

    def compose(self) -> ComposeResult:
        """Questions and answers, then Close."""
        rtl = self.tr.rtl
        with Vertical(id="help-box"):
            yield BidiText(self.tr("help.title"), bidi=self.bidi, rtl=rtl, classes="title")
            more = display_line(self.tr("common.more_keys"), self.bidi, rtl)
            with ReadingPane(hint=more, id="help-body"):
                for key in FAQ_KEYS:
                    yield BidiText(self.tr(f"{key}.q"), bidi=self.bidi, rtl=rtl, classes="question")
                    yield BidiText(self.tr(f"{key}.a"), bidi=self.bidi, rtl=rtl, classes="answer")
            # A row of its own, so a mirrored help puts Close on the right, where Arabic starts.
            with Horizontal(id="help-actions"):
                yield Button(
                    display_line(self.tr("common.close"), self.bidi, rtl),
                    variant="primary",
                    id="close",
                )

    def on_mount(self) -> None:
        """Mark a mirrored help, so its style sheet can put Close on the right."""
        self.set_class(mirrors_layout(self.bidi, self.tr.rtl), "-rtl")

    def action_read(self, key: ReadingKey) -> None:
        """Scroll the questions and answers while Close keeps the focus."""
        self.query_one(ReadingPane).read(key)

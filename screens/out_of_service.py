"""Shown after an unexpected error: out of service, please see the counter (both languages)."""

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from kiosk.domain.text import display_line
from kiosk.services.i18n import translations
from widgets import BidiText

SHOWN_SECONDS = 15.0
"""How long the notice stays before the kiosk is back at Welcome by itself."""


class OutOfServiceScreen(ModalScreen[None]):
    """A notice in Arabic and English; never any detail of the error."""

    CSS_PATH = "out_of_service.tcss"

    def __init__(self, bidi: str) -> None:
        """The notice, shaped for the terminal's *bidi* setting."""
        super().__init__(id="out-of-service")
        self.bidi = bidi

    def compose(self) -> ComposeResult:
        """The two messages and OK."""
        ar, en = translations("ar"), translations("en")
        with Vertical(id="oos-box"):
            yield BidiText(ar("oos.message"), bidi=self.bidi, rtl=True)
            yield BidiText(en("oos.message"), bidi=self.bidi, rtl=False)
            yield Button(
                f"{en('common.ok')} · {display_line(ar('common.ok'), self.bidi, True)}",
                variant="primary",
                id="oos-ok",
            )

    def on_mount(self) -> None:
        """Focus OK, and go away by itself after a while."""
        self.query_one("#oos-ok", Button).focus()
        self.set_timer(SHOWN_SECONDS, self.dismiss)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Back to Welcome."""
        event.stop()
        self.dismiss()

"""Out of service, please see the counter (both languages): after an unexpected error, for a
while; while the data file is damaged or a check of ``tawasul doctor`` fails, until it is fixed,
with the reasons for staff."""

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.domain.languages import BidiMode, Language
from kiosk.domain.text import display_line
from kiosk.services.i18n import translations
from widgets import BidiText


class OutOfServiceScreen(ModalScreen[None]):
    """A notice in Arabic and English; never any detail of an unexpected error, and for a
    damaged file or a failed check, what staff must fix (one line each, in English).

    It has no id of its own: the kiosk may show a new notice while an old one is still being
    taken down.
    """

    CSS_PATH = "out_of_service.tcss"

    def __init__(
        self,
        bidi: BidiMode,
        seconds: float | None,
        reasons: Sequence[str] = (),
        *,
        also: Language | None = None,
    ) -> None:
        """The notice, shaped for the terminal's *bidi* setting.

        *also* is the language of the visit it ended: the notice is said in it too, when it is
        neither Arabic nor English.

        It goes away with OK or by itself after *seconds*; with None it has no OK and stays
        until the kiosk takes it away (a damaged data file: nobody can be served). *reasons*
        are the lines that tell staff what to fix.
        """
        super().__init__()
        self.bidi = bidi
        self.seconds = seconds
        self.reasons = list(reasons)
        self.also = also

    def compose(self) -> ComposeResult:
        """The two messages, and OK when the notice may be closed."""
        ar, en = translations(Language.ARABIC), translations(Language.ENGLISH)
        with Vertical(id="oos-box"):
            yield BidiText(ar("oos.message"), bidi=self.bidi, rtl=ar.rtl)
            yield BidiText(en("oos.message"), bidi=self.bidi, rtl=en.rtl)
            if self.also is not None and self.also not in (Language.ARABIC, Language.ENGLISH):
                own = translations(self.also)
                yield BidiText(own("oos.message"), bidi=self.bidi, rtl=own.rtl)
            # Markup off: a reason quotes a path or a check's words, never markup.
            reasons = Static("\n".join(self.reasons), id="oos-reasons", markup=False)
            reasons.display = bool(self.reasons)
            yield reasons
            if self.seconds is not None:
                yield Button(
                    f"{en('common.ok')} · {display_line(ar('common.ok'), self.bidi, ar.rtl)}",
                    variant="primary",
                    id="oos-ok",
                )

    def show_reasons(self, reasons: Sequence[str]) -> None:
        """Name what staff must fix now (some of it was fixed, or more failed)."""
        self.reasons = list(reasons)
        if self.is_mounted:
            shown = self.query_one("#oos-reasons", Static)
            shown.update("\n".join(self.reasons))
            shown.display = bool(self.reasons)

    def on_mount(self) -> None:
        """Focus OK, and go away by itself after a while."""
        if self.seconds is not None:
            self.query_one("#oos-ok", Button).focus()
            self.set_timer(self.seconds, self._time_up)

    def _time_up(self) -> None:
        # Not awaited: a screen cannot wait for its own dismissal from its own timer.
        self.dismiss()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Back to Welcome."""
        event.stop()
        self.dismiss()

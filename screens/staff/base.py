"""What every staff console screen shares: the session, background work, errors, live data."""

import logging
import unicodedata
from typing import Protocol, TypeVar, cast

from rich.text import Text
from textual import on
from textual.screen import ModalScreen, Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from kiosk.domain.text import BidiMode, display_line, has_rtl
from kiosk.domain.typed_text import NOTE_LIMIT, drawn_text
from kiosk.errors import TawasulError
from kiosk.services.staff import StaffSession
from widgets import BidiText

log = logging.getLogger("tawasul.staff")

Result = TypeVar("Result")


def starts_right_to_left(text: str) -> bool:
    """Whether the first letter with a direction in *text* is right-to-left (UAX #9, P2)."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def shaped(text: str, bidi: BidiMode) -> str:
    """*text* as one display line for the *bidi* setting, its direction from its first letter."""
    line = text.replace("\n", " ")
    return display_line(line, bidi, starts_right_to_left(line))


class StaffConsole(Protocol):
    """What a console screen asks of the app that shows it (kiosk.app.staff.StaffApp).

    Screens never import the app (the layers contract): they name what they use here, and
    mypy checks that StaffApp has it where the app is defined.
    """

    @property
    def data_version(self) -> int:
        """Goes up by one whenever a write to the data is heard."""
        ...


class StaffPane(Screen[Result]):
    """A screen or dialog of the console, whose blocking use cases run off the event loop.

    TinyDB writes wait for the file lock and argon2 is slow on purpose: neither may freeze the
    screen. Each screen runs them in Textual workers (``@work``, with ``exit_on_error=False``),
    awaiting the use case in a thread (``asyncio.to_thread``). A read is an exclusive worker of
    its group: a newer read cancels the older one at its await, so an older answer is never
    shown over a newer one. Errors are shown as one sentence, never as a traceback.
    """

    def stop_blinking(self) -> None:
        """No blinking cursors: a screen that repaints by itself keeps dead SSH links alive."""
        for field in self.query(Input):
            field.cursor_blink = False

    def report(self, error: Exception) -> None:
        """Show *error* to the member in one sentence."""
        if isinstance(error, TawasulError):
            self.notify(str(error), severity="error", markup=False, timeout=8)
        else:
            log.exception("unexpected error in the staff console", exc_info=error)
            self.notify(
                "An unexpected error stopped this action; nothing more was changed.",
                severity="error",
                timeout=8,
            )

    @on(Worker.StateChanged)
    def _report_failed_work(self, event: Worker.StateChanged) -> None:
        # The screens' workers run with exit_on_error=False: what one raised is told to the
        # member here in one sentence, and the console goes on.
        error = event.worker.error
        if event.state is WorkerState.ERROR and isinstance(error, Exception):
            self.report(error)

    def preview(self, field_id: str, bidi: BidiMode) -> BidiText:
        """A line under the field *field_id* that shows Arabic typed into it as it will read.

        Textual's Input draws typed text in stored order, unshaped: with ``bidi = "app"`` Arabic
        reads reversed while it is typed. The line shows it through the text layer (and the
        one safe path, as it will be stored); it is hidden while there is no Arabic to show.
        """
        line = BidiText("", bidi=bidi, rtl=True, id=f"{field_id}-preview", classes="preview")
        line.display = False
        return line

    @on(Input.Changed)
    def _show_preview(self, event: Input.Changed) -> None:
        found = self.query(f"#{event.input.id}-preview").results(BidiText)
        for line in found:
            typed = drawn_text(event.value)
            line.display = line.bidi == BidiMode.APP and has_rtl(typed)
            line.rtl = starts_right_to_left(typed)
            line.text = typed

    def on_mount(self) -> None:
        """Stop the cursors blinking.

        Textual runs this after a subclass's own on_mount (it calls every class's handler), so
        subclasses never call it with super(): that ran it, and the data reads, twice.
        """
        self.stop_blinking()


class StaffScreen(StaffPane[None]):
    """A full console screen over the member's session that follows the data file."""

    def __init__(self, session: StaffSession) -> None:
        """A screen for *session*."""
        super().__init__()
        self.session = session
        self._seen_version = -1

    def on_mount(self) -> None:
        """Show the data (after the subclass's own on_mount has set its tables up)."""
        self.show_latest()

    @property
    def console(self) -> StaffConsole:
        """The app that shows this screen, as the screen uses it."""
        return cast(StaffConsole, self.app)

    def on_screen_resume(self) -> None:
        """Coming back to this screen: show what changed meanwhile."""
        if self._seen_version != self.console.data_version:
            self.show_latest()

    def show_latest(self) -> None:
        """Show the data as the file holds it now; screens extend this to load their data."""
        self._seen_version = self.console.data_version

    def shown(self, text: str, limit: int = NOTE_LIMIT) -> Text:
        """One line of stored text (a note, a name, a table cell) through the one safe path,
        cut to *limit* characters, then through the text layer, never as markup.

        Staff type Arabic in logical order; the office's ``bidi`` setting says whether the
        program or the terminal shapes and reorders it (DESIGN §6).
        """
        return Text(shaped(drawn_text(text, limit), self.session.services.config.bidi), end="")

    def paragraph(self, id: str) -> BidiText:
        """An empty paragraph that wraps the way the kiosk's do: in logical order first, then
        each display line shaped and reordered, so a long Arabic sentence starts on row one."""
        return BidiText("", bidi=self.session.services.config.bidi, rtl=False, id=id)

    def show_paragraph(self, selector: str, text: str) -> None:
        """Put *text* (logical order, stored parts already through ``drawn_text``) in the
        paragraph *selector*, its base direction from its first letter with a direction."""
        paragraph = self.query_one(selector, BidiText)
        paragraph.rtl = starts_right_to_left(text)
        paragraph.text = text


class StaffDialog(ModalScreen[Result], StaffPane[Result]):
    """A dialog over a console screen that returns a *Result* (None when cancelled)."""

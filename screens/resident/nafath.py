"""Sign in with Nafath: the number to choose in the app, large, with the time left to choose it."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Digits

from kiosk.domain.calendar import format_time
from kiosk.domain.models import Applicant
from screens.resident.base import ResidentScreen
from screens.resident.context import KioskContext
from widgets import BidiText

if TYPE_CHECKING:
    from kiosk.services.nafath import NafathAnswer, NafathAttempt

ENDING_KEYS = {
    "invalid_id": "signin.hint.mistyped",
    "too_many": "nafath.too_many",
    "already_active": "nafath.already_active",
    "rejected": "nafath.rejected",
    "expired": "nafath.expired",
    "unavailable": "nafath.unavailable",
    "not_verified": "nafath.not_verified",
}
"""The one sentence for each way a Nafath sign-in can end without signing in (by outcome)."""


class NafathScreen(ResidentScreen):
    """Sends the Nafath request for the ID typed, shows the number and follows the answer.

    Once Nafath's signed statement is verified it closes and hands the applicant to the
    sign-in screen, which enters the visit as a password sign-in does. Back (or any way out:
    Finish, idle) cancels the attempt, so a late approval signs nobody in.
    """

    CSS_PATH = "nafath.tcss"

    def __init__(
        self, ctx: KioskContext, national_id: str, signed_in: Callable[[Applicant], None]
    ) -> None:
        """Sign in the person *national_id* (a valid ID, as typed on the sign-in screen);
        *signed_in* receives the applicant once this screen is gone."""
        super().__init__(ctx)
        self.national_id = national_id
        self._signed_in_as = signed_in
        self.attempt: NafathAttempt | None = None
        self._ticks: Timer | None = None
        self._polls: Timer | None = None

    def compose(self) -> ComposeResult:
        """The instruction, the number, the time left, the answer and the actions."""
        yield from self.compose_header("nafath.title")
        with VerticalScroll(classes="body", can_focus=False):
            yield self.paragraph(self.t("nafath.starting"), id="instruction")
            with Center():
                yield Digits("", id="number")
            yield self.paragraph("", id="countdown", classes="hint")
            yield self.paragraph("", id="message", classes="message")
        yield from self.compose_actions()

    def on_mount(self) -> None:
        """Send the request."""
        self.query_one("#back", Button).focus()
        self.start()

    def on_unmount(self) -> None:
        """Leaving the screen, however (Back, Finish, idle: a visit's screens are removed when
        it ends), cancels the attempt."""
        self.cancel()

    def cancel(self) -> None:
        """Stop following the attempt; whatever Nafath says about it later is not used."""
        self._stop_timers()
        if self.attempt is not None:
            self.attempt.cancel()

    @work(thread=True, exclusive=True, group="nafath")
    def start(self) -> None:
        """Ask Nafath for a request (HTTP and a write of the request count: a worker)."""
        answer = self.ctx.services.nafath.start(self.national_id, self.ctx.language)
        self.app.call_from_thread(self._started, answer)

    def _started(self, answer: "NafathAnswer") -> None:
        attempt = answer.attempt
        # The number is shown only for the ID typed on this screen, never for another.
        if (
            answer.outcome != "started"
            or attempt is None
            or attempt.national_id != self.national_id
        ):
            self._end(answer)
            return
        self.attempt = attempt
        self.query_one("#instruction", BidiText).text = self.t("nafath.instruction")
        self.query_one("#number", Digits).update(attempt.number)
        self._tick()
        self._ticks = self.set_interval(1.0, self._tick)
        self._polls = self.set_interval(self.ctx.services.config.nafath.poll_seconds, self.poll)

    def _tick(self) -> None:
        if self.attempt is not None:
            # As minutes and seconds (0:58): no plural forms to get wrong in Arabic.
            minutes, seconds = divmod(
                self.attempt.seconds_left(self.ctx.services.nafath.monotonic()), 60
            )
            countdown = self.query_one("#countdown", BidiText)
            countdown.text = self.t("nafath.time_left", time=f"{minutes}:{seconds:02d}")

    @work(thread=True, exclusive=True, group="nafath")
    def poll(self) -> None:
        """Ask once how the attempt stands (HTTP, and the keys when it completed: a worker)."""
        attempt = self.attempt
        if attempt is None or attempt.cancelled:
            return
        answer = self.ctx.services.nafath.poll(attempt)
        self.app.call_from_thread(self._polled, answer)

    def _polled(self, answer: "NafathAnswer") -> None:
        if answer.attempt is not self.attempt or answer.outcome in ("waiting", "cancelled"):
            return  # an answer about an attempt left behind, or nothing new
        if answer.outcome == "signed_in" and answer.applicant is not None:
            self._stop_timers()
            self._signed_in(answer.applicant)
            return
        self._end(answer)

    def _signed_in(self, applicant: Applicant) -> None:
        self.attempt = None  # done: leaving now cancels nothing
        self.dismiss()
        self._signed_in_as(applicant)

    def _end(self, answer: "NafathAnswer") -> None:
        """One sentence for how it ended, no number, and Back to the sign-in screen."""
        self.cancel()
        key = ENDING_KEYS.get(answer.outcome, "nafath.unavailable")
        until = format_time(answer.retry_at, self.ctx.language) if answer.retry_at else ""
        self.query_one("#number", Digits).update("")
        self.query_one("#instruction", BidiText).text = ""
        self.query_one("#countdown", BidiText).text = ""
        self.query_one("#message", BidiText).text = self.t(key, until=until)
        self.query_one("#back", Button).focus()

    def _stop_timers(self) -> None:
        for timer in (self._ticks, self._polls):
            if timer is not None:
                timer.stop()
        self._ticks = self._polls = None

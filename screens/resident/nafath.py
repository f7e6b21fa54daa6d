"""Sign in with Nafath: the number to choose in the app, large, with the time left to choose it."""

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Digits

from kiosk.domain.calendar import format_time
from kiosk.domain.models import Applicant
from kiosk.services.nafath import NafathAnswer, NafathAttempt, NafathOutcome
from screens.resident.base import ResidentScreen
from screens.resident.context import KioskContext
from widgets import BidiText

ENDING_KEYS = {
    NafathOutcome.INVALID_ID: "signin.hint.mistyped",
    NafathOutcome.TOO_MANY: "nafath.too_many",
    NafathOutcome.ALREADY_ACTIVE: "nafath.already_active",
    NafathOutcome.REJECTED: "nafath.rejected",
    NafathOutcome.EXPIRED: "nafath.expired",
    NafathOutcome.UNAVAILABLE: "nafath.unavailable",
    NafathOutcome.NOT_VERIFIED: "nafath.not_verified",
}
"""The one sentence for each way a Nafath sign-in can end without signing in (by outcome)."""


class NafathScreen(ResidentScreen):
    """Sends the Nafath request for the ID typed, shows the number and follows the answer.

    Once Nafath's signed statement is verified it closes and hands the applicant to the
    sign-in screen, which enters the visit as a password sign-in does (if Help or the idle
    countdown is over it then, once they are gone). Back (or any way out: Finish, idle)
    cancels the attempt, so a late approval signs nobody in.
    """

    CSS_PATH = "nafath.tcss"
    guidance_keys = ("nafath.starting",)

    def __init__(
        self, ctx: KioskContext, national_id: str, signed_in: Callable[[Applicant], None]
    ) -> None:
        """Sign in the person *national_id* (a valid ID, as typed on the sign-in screen);
        *signed_in* receives the applicant once this screen is gone."""
        super().__init__(ctx)
        self.national_id = national_id
        self._signed_in_as = signed_in
        self.attempt: NafathAttempt | None = None
        self._approved: Applicant | None = None
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
        """Send the request; the visit's end cancels it at once (its screens go a little
        later, and a poll answered meanwhile must sign nobody in)."""
        self.ctx.on_end(self.cancel)
        self.query_one("#back", Button).focus()
        self.start()

    def on_unmount(self) -> None:
        """Leaving the screen, however (Back too), cancels the attempt."""
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

    def _started(self, answer: NafathAnswer) -> None:
        attempt = answer.attempt
        # The number is shown only for the ID typed on this screen, never for another.
        if (
            answer.outcome is not NafathOutcome.STARTED
            or attempt is None
            or attempt.national_id != self.national_id
        ):
            self._end(answer)
            return
        self.attempt = attempt
        self.query_one("#instruction", BidiText).text = self.t("nafath.instruction")
        self.query_one("#number", Digits).update(attempt.number)
        self.announce(f"{self.t('nafath.instruction')} {attempt.number}")
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

    def _polled(self, answer: NafathAnswer) -> None:
        waiting = answer.outcome in (NafathOutcome.WAITING, NafathOutcome.CANCELLED)
        if answer.attempt is not self.attempt or waiting:
            return  # an answer about an attempt left behind, or nothing new
        if answer.outcome is NafathOutcome.SIGNED_IN and answer.applicant is not None:
            self._stop_timers()
            self.attempt = None  # done: leaving now cancels nothing
            self._approved = answer.applicant
            self._enter_visit()
            return
        self._end(answer)

    def on_screen_resume(self) -> None:
        """Help or the idle countdown closed: an approval that came meanwhile goes on."""
        self._enter_visit()

    def _enter_visit(self) -> None:
        # Only from the top: dismiss() takes down whatever screen is on top, and is_current
        # holds for a screen that a dialog (Help, the idle countdown) merely covers.
        applicant = self._approved
        if applicant is not None and self.app.screen is self:
            self._approved = None
            self.dismiss()
            self._signed_in_as(applicant)

    def _end(self, answer: NafathAnswer) -> None:
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

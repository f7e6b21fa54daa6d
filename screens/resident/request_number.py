"""Find a request by its number: signed in, or as a quick lookup with the ID's last 4 digits."""

import contextlib

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input

from kiosk.domain.digits import is_ascii_digits, normalise_digits
from kiosk.domain.models import TawasulRequest
from kiosk.domain.request_numbers import RequestNumberProblem, request_number_problem
from kiosk.errors import InvalidInput, NotFound
from kiosk.services.guards import LookupVerdict
from screens.resident.context import KioskContext
from screens.resident.keypad_form import DIGITS_ANY_SCRIPT, KeypadFormScreen
from screens.resident.status import StatusScreen
from widgets import BidiText, Keypad, TextField

# What the field says under a request number while it is typed, for each problem the domain
# finds (an unfinished number is still being typed).
_HINT_KEYS = {
    None: "number.hint.ok",
    RequestNumberProblem.EMPTY: "number.hint.empty",
    RequestNumberProblem.NOT_DIGITS: "number.hint.digits_only",
    RequestNumberProblem.BAD_FIRST_DIGIT: "number.hint.first_digit",
    RequestNumberProblem.TOO_SHORT: "number.hint.typing",
    RequestNumberProblem.TOO_LONG: "number.hint.too_long",
    RequestNumberProblem.CHECK_DIGIT: "number.hint.mistyped",
}


def request_number_hint_key(typed: str) -> str:
    """The message that says, while a request number is typed, how it looks."""
    return _HINT_KEYS[request_number_problem(typed)]


class RequestNumberScreen(KeypadFormScreen):
    """A request number, and for a quick lookup the last 4 digits of the owner's ID.

    A quick lookup shows the status screen only; failures count against this kiosk and this
    number, at every kiosk of the office.
    """

    CSS_PATH = "request_number.tcss"

    def __init__(self, ctx: KioskContext, *, quick: bool) -> None:
        """Ask for a number; *quick* when nobody signed in (then the ID's last 4 digits too)."""
        super().__init__(ctx)
        self.quick = quick
        self.guidance_keys = ("number.label", "number.last4_label") if quick else ("number.label",)
        self.looking_up = False
        """Whether a lookup is under way (Find stays enabled: disabling it would hand the
        focus to Back or Finish, where the next Enter leaves the screen or ends the visit)."""

    def compose(self) -> ComposeResult:
        """The number field (and last-4 field), the hints, the keypad and the actions."""
        yield from self.compose_header("number.title_quick" if self.quick else "number.title")
        # The body takes no focus, so a click on the keypad leaves it with the field.
        with VerticalScroll(classes="body", can_focus=False), Horizontal(id="form-row"):
            with Vertical(id="form"):
                yield self.paragraph(self.t("number.label"), classes="label")
                yield TextField(
                    placeholder="9XXXXXXXXX",
                    restrict=DIGITS_ANY_SCRIPT,
                    max_length=12,
                    id="request-number",
                    compact=True,
                )
                yield self.paragraph(self.t("number.hint.empty"), id="number-hint", classes="hint")
                if self.quick:
                    yield self.paragraph(self.t("number.last4_label"), classes="label")
                    yield TextField(
                        placeholder="XXXX",
                        restrict=DIGITS_ANY_SCRIPT,
                        max_length=4,
                        id="last4",
                        compact=True,
                    )
                yield self.paragraph("", id="message", classes="message")
            yield Keypad(id="keypad")
        yield from self.compose_actions(self.button("number.submit", "find", "primary"))

    def on_mount(self) -> None:
        """Start in the number field."""
        self.query_one("#request-number", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Say how the request number looks while it is typed."""
        if event.input.id == "request-number":
            typed = len(normalise_digits(event.value))
            key = request_number_hint_key(event.value)
            self.query_one("#number-hint", BidiText).text = self.t(key, typed=typed)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Look the number up."""
        if event.button.id == "find":
            event.stop()
            self.submit()

    def submit(self) -> None:
        """Check what was typed, then look it up (a quick lookup within the guessing budget)."""
        if self.looking_up:
            return  # a lookup is under way
        typed = self.query_one("#request-number", Input).value
        if request_number_hint_key(typed) != "number.hint.ok":
            key = request_number_hint_key(typed)
            self.say(self.t(key, typed=len(normalise_digits(typed))))
            return
        if self.quick:
            last4 = normalise_digits(self.query_one("#last4", Input).value)
            if len(last4) != 4 or not is_ascii_digits(last4):
                self.say(self.t("number.last4_missing"))
                self.query_one("#last4", Input).focus()
                return
        else:
            last4 = ""
        self.looking_up = True
        self.say(self.t("number.searching"), meanwhile=True)
        self.look_up(normalise_digits(typed), last4)

    @work(thread=True, exclusive=True, group="lookup")
    def look_up(self, number: str, last4: str) -> None:
        """Read the request off the event loop; only the owner (or the last 4 digits) sees it.

        A quick lookup goes through the office's guessing budget (this kiosk's and this
        number's failures, kept in the data file), which counts a miss against it.
        """
        services = self.ctx.services
        found: TawasulRequest | None = None
        verdict = LookupVerdict()
        if self.quick:
            lookup = services.quick_lookups.look_up(
                number, lambda: services.requests.quick_lookup(number, last4)
            )
            if lookup.refused:
                self.app.call_from_thread(self._refused, lookup.verdict)
                return
            found, verdict = lookup.request, lookup.verdict
        else:
            assert self.ctx.applicant is not None
            with contextlib.suppress(NotFound, InvalidInput):
                found = services.requests.request_for_owner(self.ctx.applicant.id_number, number)
        self.app.call_from_thread(self._found, found, verdict)

    def _refused(self, verdict: LookupVerdict) -> None:
        self.looking_up = False
        if verdict.to_counter:
            self.say(self.t("number.counter"))
        else:
            self.say(self.ctx.tr.plural("number.wait", verdict.wait_seconds))

    def _found(self, request: TawasulRequest | None, verdict: LookupVerdict) -> None:
        self.looking_up = False
        if request is None:
            self.say(self.t("number.counter" if verdict.to_counter else "number.not_found"))
            return
        self.say("")
        self.ctx.touched_ids.add(request.applicant_id)
        self.app.push_screen(StatusScreen(self.ctx, request, quick=self.quick))

"""Sign in with the ID or Iqama number, and Nafath or the Absher password (as the office chose)."""

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input

from kiosk.domain.calendar import format_time
from kiosk.domain.identity import IdCheck, IdKind, IdProblem, check_id, mask_id
from kiosk.domain.models import Applicant
from kiosk.domain.text import left_to_right
from kiosk.services import SignInOutcome, SignInResult
from screens.resident.keypad_form import DIGITS_ANY_SCRIPT, KeypadFormScreen
from screens.resident.nafath import NafathScreen
from screens.resident.request_number import RequestNumberScreen
from screens.resident.request_types import RequestTypeScreen
from widgets import BidiText, Keypad, TextField


def id_hint_key(checked: IdCheck) -> str:
    """The message that tells a person, while they type, what their number looks like."""
    if checked.problem is None:
        return {
            IdKind.CITIZEN: "signin.hint.citizen",
            IdKind.RESIDENT: "signin.hint.resident",
            IdKind.BORDER: "signin.hint.border",
        }[checked.kind or IdKind.RESIDENT]
    return {
        IdProblem.EMPTY: "signin.hint.empty",
        IdProblem.NOT_DIGITS: "signin.hint.digits_only",
        IdProblem.TOO_SHORT: "signin.hint.typing",
        IdProblem.TOO_LONG: "signin.hint.too_long",
        IdProblem.BAD_FIRST_DIGIT: "signin.hint.first_digit",
        IdProblem.CHECK_DIGIT: "signin.hint.mistyped",
    }[checked.problem]


class SignInScreen(KeypadFormScreen):
    """ID number, then Nafath or the password (the office's first method first), with live
    hints; or a request number without a password."""

    CSS_PATH = "sign_in.tcss"
    has_back = True
    guidance_keys = ("signin.hint.empty",)

    @property
    def methods(self) -> tuple[str, ...]:
        """The sign-in methods the office offers, the first one first."""
        return self.ctx.services.config.sign_in

    def compose(self) -> ComposeResult:
        """The ID field and its hint, each method's field or button, the keypad, the actions."""
        yield from self.compose_header("signin.title")
        # With Nafath offered, each method's button sits under what it needs (the ID, the
        # password): the bottom row has no room for two more buttons at 80 columns.
        in_form = "nafath" in self.methods
        # The body takes no focus, so a click on the keypad leaves it with the field.
        with VerticalScroll(classes="body", can_focus=False), Horizontal(id="form-row"):
            with Vertical(id="form"):
                yield self.paragraph(self.t("signin.id_label"), classes="label")
                yield TextField(
                    placeholder=self.shaped(self.t("signin.id_placeholder_digits")),
                    restrict=DIGITS_ANY_SCRIPT,
                    max_length=12,
                    id="id-number",
                    compact=True,
                )
                yield self.paragraph(self.t("signin.hint.empty"), id="id-hint", classes="hint")
                for method in self.methods:
                    if method == "nafath":
                        yield self._method_button(method, "signin.nafath", "nafath")
                        continue
                    yield self.paragraph(self.t("signin.password_label"), classes="label")
                    yield TextField(password=True, id="password", classes="-letters", compact=True)
                    if in_form:
                        yield self._method_button(method, "signin.submit_password", "sign-in")
                yield self.paragraph("", id="message", classes="message")
            yield Keypad(id="keypad")
        actions = [] if in_form else [self.button("signin.submit", "sign-in", "primary")]
        yield from self.compose_actions(*actions, self.button("signin.quick", "quick"))

    def _method_button(self, method: str, key: str, id: str) -> Button:
        """The button of sign-in *method*, in the form; the office's first is the primary."""
        button = self.button(key, id, "primary" if method == self.methods[0] else "default")
        button.add_class("method")
        return button

    def on_mount(self) -> None:
        """Start in the ID field."""
        self.query_one("#id-number", Input).focus()

    @on(Input.Changed, "#id-number")
    def _id_changed(self, event: Input.Changed) -> None:
        checked = check_id(event.value)
        hint = self.t(id_hint_key(checked), typed=len(checked.number))
        self.query_one("#id-hint", BidiText).text = hint

    @on(Input.Blurred, "#id-number")
    def _id_left(self, event: Input.Blurred) -> None:
        # After entry the number is shown masked: only its last four digits stay readable.
        checked = check_id(event.value)
        if checked.is_valid:
            event.input.password = True
            self.query_one("#id-hint", BidiText).text = self.t(
                "signin.hint.masked",
                masked=left_to_right(mask_id(checked.number)),
                kind=self.t(id_hint_key(checked)),
            )

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Unmask the ID while its owner edits it; set the keypad's layout."""
        super().on_descendant_focus(event)
        field = self.query_one("#id-number", Input)
        if field.has_focus:
            field.password = False

    def action_back(self) -> None:
        """Back from the first screen of a visit ends the visit (Welcome keeps nothing)."""
        self.post_message(self.Finished())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Sign in, or go to the quick lookup."""
        if event.button.id == "sign-in":
            event.stop()
            self.submit_password()
        elif event.button.id == "nafath":
            event.stop()
            self.submit_nafath()
        elif event.button.id == "quick":
            event.stop()
            self.app.push_screen(RequestNumberScreen(self.ctx, quick=True))

    def _advance(self, field: Input) -> None:
        # Enter after the ID goes to the office's first method: Nafath needs nothing more.
        if field.id == "id-number" and self.methods[0] == "nafath":
            self.submit()
        else:
            super()._advance(field)

    def submit(self) -> None:
        """Enter: the password sign-in if one was typed, else the office's first method."""
        typed_password = "password" in self.methods and self.query_one("#password", Input).value
        if typed_password or self.methods[0] == "password":
            self.submit_password()
        else:
            self.submit_nafath()

    def _checked_id(self) -> IdCheck | None:
        """The ID typed, if valid; else None, having said what is wrong with it."""
        checked = check_id(self.query_one("#id-number", Input).value)
        if checked.is_valid:
            return checked
        self.say(self.t(id_hint_key(checked), typed=len(checked.number)))
        self.query_one("#id-number", Input).focus()
        return None

    def submit_nafath(self) -> None:
        """Check the ID, then ask Nafath on the next screen (it shows the number to choose)."""
        checked = self._checked_id()
        if checked is not None:
            self.say("")
            self.app.push_screen(NafathScreen(self.ctx, checked.number, self._enter_visit))

    def submit_password(self) -> None:
        """Check the ID first, then the password in a worker (argon2 is slow on purpose)."""
        if self.query_one("#sign-in", Button).disabled:
            return  # one attempt at a time: a second Enter must not count as another try
        typed = self.query_one("#id-number", Input).value
        password = self.query_one("#password", Input).value
        if self._checked_id() is None:
            return
        if not password:
            self.say(self.t("signin.password_missing"))
            self.query_one("#password", Input).focus()
            return
        self.say(self.t("signin.checking"), meanwhile=True)
        self.query_one("#sign-in", Button).disabled = True
        self.sign_in(typed, password)

    @work(thread=True, exclusive=True, group="sign-in")
    def sign_in(self, typed: str, password: str) -> None:
        """Check the password off the event loop, then show the outcome."""
        result = self.ctx.services.accounts.sign_in(typed, password)
        self.app.call_from_thread(self._signed_in, result)

    def _signed_in(self, result: SignInResult) -> None:
        self.query_one("#sign-in", Button).disabled = False
        self.query_one("#password", Input).value = ""
        if result.outcome is SignInOutcome.SIGNED_IN and result.applicant is not None:
            self._enter_visit(result.applicant)
        elif result.outcome is SignInOutcome.LOCKED and result.locked_until is not None:
            self.say(
                self.t("signin.locked", until=format_time(result.locked_until, self.ctx.language))
            )
        elif result.outcome is SignInOutcome.INVALID_ID:
            self.say(self.t("signin.hint.mistyped"))
        else:
            self.say(self.t("signin.wrong"))
            self.query_one("#password", Input).focus()

    def _enter_visit(self, applicant: Applicant) -> None:
        """*applicant* signed in (by password or Nafath): on to their requests."""
        self.ctx.sign_in(applicant)
        self.query_one("#id-number", Input).value = ""
        self.say("")
        self.app.push_screen(RequestTypeScreen(self.ctx))

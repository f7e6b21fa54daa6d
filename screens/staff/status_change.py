"""The dialog that moves a request to one of the statuses its current one allows."""

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.domain.languages import BidiMode
from kiosk.domain.models import TawasulRequest
from kiosk.domain.statuses import RequestStatus, allowed_next, check_transition
from kiosk.domain.typed_text import clean_note
from kiosk.errors import InvalidInput, TransitionRefused
from kiosk.services.i18n import staff_label, staff_label_with_arabic
from screens.staff.base import StaffDialog, shaped
from widgets import ChoiceList, TextField


@dataclass(frozen=True)
class StatusChange:
    """The status a member chose, their note, (for returned) the resident's action, and the
    status they chose it from (a change made meanwhile by someone else is not overwritten)."""

    status: RequestStatus
    note: str
    required_action: str
    seen: RequestStatus


class StatusChangeDialog(StaffDialog[StatusChange | None]):
    """Offers only the allowed next statuses; says why before closing if the change is refused.

    Nothing is chosen until the member chooses, and a change is saved only once they have seen
    it from → to and confirmed it: a burst of keys never moves a request unseen.
    """

    CSS_PATH = "status_change.tcss"
    # Not a priority binding: it must wait behind the keys still queued for the text field.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, request: TawasulRequest, bidi: BidiMode) -> None:
        """A dialog to change the status of *request* as it was shown (Arabic per *bidi*)."""
        super().__init__()
        self.request = request
        self.bidi = bidi
        self.choices = allowed_next(request.status)
        self._asked: StatusChange | None = None

    def compose(self) -> ComposeResult:
        """The allowed statuses, the note, the resident's action, and the buttons."""
        with Vertical(id="dialog"):
            yield Label(
                f"Change request {self.request.number} (now {staff_label(self.request.status)})",
                markup=False,
            )
            yield ChoiceList(
                *(
                    Option(
                        shaped(staff_label_with_arabic(status), self.bidi),
                        id=status.value,
                    )
                    for status in self.choices
                ),
                id="next",
            )
            yield TextField(placeholder="Note (required for returned and rejected)", id="note")
            yield self.preview("note", self.bidi)
            yield TextField(placeholder="What the resident must do, and where", id="action")
            yield self.preview("action", self.bidi)
            yield Static(id="problem", markup=False)
            yield Static(id="confirm", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        """Nothing chosen yet; the action field shows only where it applies."""
        choices = self.query_one("#next", OptionList)
        choices.highlighted = None
        choices.focus()
        self._show_action_field()

    @property
    def chosen(self) -> RequestStatus | None:
        """The highlighted status, if any."""
        index = self.query_one("#next", OptionList).highlighted
        return self.choices[index] if index is not None else None

    @on(OptionList.OptionHighlighted, "#next")
    def _show_action_field(self) -> None:
        returned = self.chosen is not None and self.chosen.needs_action
        self.query_one("#action", Input).display = returned
        if not returned:
            self.query_one("#action-preview").display = False
        self.query_one("#problem", Static).update("")
        self._withdraw_question()

    @on(Input.Changed)
    def _withdraw_question(self) -> None:
        # The question was about the change as it stood: an edit asks again at the next save.
        self._asked = None
        self.query_one("#confirm", Static).update("")

    @on(OptionList.OptionSelected, "#next")
    def _go_to_note(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Ask to confirm the change from → to, then close with it once confirmed.

        A change the rules refuse is never asked about: the dialog says why and stays.
        """
        status = self.chosen
        if status is None:
            self.query_one("#problem", Static).update(
                "Choose the new status first: ↑/↓, then Enter."
            )
            return
        try:
            # The rule the service applies on the write: what is refused is said here, in place.
            note = clean_note(self.query_one("#note", Input).value)
            action = clean_note(self.query_one("#action", Input).value, "The required action")
            check_transition(self.request.status, status, note, action)
        except (InvalidInput, TransitionRefused) as refused:
            self.query_one("#problem", Static).update(str(refused))
            return
        change = StatusChange(status, note, action, self.request.status)
        if change == self._asked:
            self.dismiss(change)
            return
        self._asked = change
        self.query_one("#confirm", Static).update(
            f"{staff_label(self.request.status)} → {staff_label(status)}. "
            "Save? ctrl+s again / Enter to confirm"
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)

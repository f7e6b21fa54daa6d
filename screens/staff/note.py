"""The dialog that adds an internal note to a request (staff only; residents never see it)."""

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from kiosk.domain.languages import BidiMode
from kiosk.domain.typed_text import clean_note
from kiosk.errors import InvalidInput
from screens.staff.base import StaffDialog
from widgets import TextField


class InternalNoteDialog(StaffDialog[str | None]):
    """Asks for the note's text; returns it, or None when cancelled."""

    CSS_PATH = "note.tcss"
    # Not a priority binding: it must wait behind the keys still queued for the text field.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, number: str, bidi: BidiMode) -> None:
        """A dialog for a note on request *number* (Arabic shown per *bidi*)."""
        super().__init__()
        self.number = number
        self.bidi = bidi

    def compose(self) -> ComposeResult:
        """The text field and the buttons."""
        with Vertical(id="dialog"):
            yield Label(f"Internal note on request {self.number} (staff only)", markup=False)
            # No max_length: a field that swallows an over-long paste says nothing; the save does.
            yield TextField(placeholder="Note", id="text")
            yield self.preview("text", self.bidi)
            yield Static(id="problem", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        """Start in the text field."""
        self.query_one("#text", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Close with the note, unless it is empty or too long (then say so and stay)."""
        problem = self.query_one("#problem", Static)
        try:
            text = clean_note(self.query_one("#text", Input).value, "The internal note")
        except InvalidInput as refused:
            problem.update(str(refused))
            return
        if not text:
            problem.update("An internal note cannot be empty.")
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without a note."""
        self.dismiss(None)

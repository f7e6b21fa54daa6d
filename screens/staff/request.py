"""One request in full for staff: every field, the history, the internal notes, and changes."""

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Label

from kiosk.domain.calendar import riyadh_stamp
from kiosk.domain.models import TawasulRequest
from kiosk.domain.typed_text import NAME_LIMIT
from kiosk.services.i18n import staff_label, staff_words
from kiosk.services.requests import step_note
from kiosk.services.staff import StaffSession, request_summary
from screens.staff.base import StaffScreen
from screens.staff.note import InternalNoteDialog
from screens.staff.status_change import StatusChange, StatusChangeDialog
from widgets import KeyFooter, TitleHeader


class StaffRequestScreen(StaffScreen):
    """Request *number*: what it is, what happened to it, and what staff may do next."""

    CSS_PATH = "request.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "change_status", "Change status"),
        Binding("n", "add_note", "Internal note"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, session: StaffSession, number: str) -> None:
        """The view of request *number* for *session*."""
        super().__init__(session)
        self.number = number
        self.request: TawasulRequest | None = None

    def compose(self) -> ComposeResult:
        """Fields, history, notes, and the buttons."""
        yield TitleHeader()
        with VerticalScroll(id="body"):
            yield self.paragraph("fields")
            yield Label("History")
            yield DataTable(id="history", cursor_type="row", show_cursor=False)
            yield Label("Internal notes (staff only)")
            yield DataTable(id="notes", cursor_type="row", show_cursor=False)
        with Horizontal(id="actions"):
            yield Button("Change status (c)", variant="primary", id="change")
            yield Button("Internal note (n)", id="note")
            yield Button("Back (esc)", id="back")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set up the tables, then load the request."""
        self.query_one("#history", DataTable).add_columns("When (Riyadh)", "Status", "By", "Note")
        self.query_one("#notes", DataTable).add_columns("When (Riyadh)", "By", "Note")

    def show_latest(self) -> None:
        """Read the request as stored now."""
        super().show_latest()
        self.load()

    @work(exclusive=True, group="read", exit_on_error=False)
    async def load(self) -> None:
        """Read the request off the event loop and show it (a newer read cancels this one)."""
        self.show_request(await asyncio.to_thread(self.session.request, self.number))

    def show_request(self, request: TawasulRequest) -> None:
        """Fill the screen with *request*."""
        self.request = request
        lines = request_summary(self.session.services, request)
        self.show_paragraph("#fields", "\n".join(lines))
        history = self.query_one("#history", DataTable)
        history.clear()
        for entry in request.history:
            history.add_row(
                riyadh_stamp(entry.at),
                staff_label(entry.status),
                self.shown(entry.by, NAME_LIMIT),
                # A resident's answer in the staff's words, with what the resident wrote.
                self.shown(step_note(entry, staff_words())),
            )
        notes = self.query_one("#notes", DataTable)
        notes.clear()
        for note in request.internal_notes:
            notes.add_row(
                riyadh_stamp(note.at), self.shown(note.by, NAME_LIMIT), self.shown(note.text)
            )
        self.query_one("#change", Button).disabled = request.status.is_final
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A final status has no change to offer."""
        if action == "change_status":
            return self.request is not None and not self.request.status.is_final
        return True

    @on(Button.Pressed, "#change")
    def action_change_status(self) -> None:
        """Ask for the new status, then make the change."""
        if self.request is not None and not self.request.status.is_final:
            self.app.push_screen(
                StatusChangeDialog(self.request, self.session.services.config.bidi),
                self._change_chosen,
            )

    def _change_chosen(self, change: StatusChange | None) -> None:
        if change is not None:
            self.save_change(change)

    @work(group="write", exit_on_error=False)
    async def save_change(self, change: StatusChange) -> None:
        """Make the status *change* off the event loop, then show the request as changed."""
        request = await asyncio.to_thread(
            self.session.change_status,
            self.number,
            change.status,
            change.note,
            change.required_action,
            change.seen,
        )
        self.notify(f"Request {request.number} is now {staff_label(request.status)}.", markup=False)
        self.show_request(request)

    @on(Button.Pressed, "#note")
    def action_add_note(self) -> None:
        """Ask for an internal note, then add it."""
        dialog = InternalNoteDialog(self.number, self.session.services.config.bidi)
        self.app.push_screen(dialog, self._note_written)

    def _note_written(self, text: str | None) -> None:
        if text is not None:
            self.save_note(text)

    @work(group="write", exit_on_error=False)
    async def save_note(self, text: str) -> None:
        """Add the internal note *text* off the event loop, then show the request with it."""
        request = await asyncio.to_thread(self.session.add_note, self.number, text)
        self.notify("Internal note added.")
        self.show_request(request)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Back to the request table."""
        self.dismiss()

"""The staff archive search: finished requests moved to the yearly archives, found and read.

The archives are read only when asked: a search runs when the member presses Enter, never on
every key, and not again when the live file changes (only the archive run writes archives).
"""

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static

from kiosk.domain.calendar import riyadh_date
from kiosk.domain.identity import check_id
from kiosk.domain.request_numbers import is_request_number
from kiosk.errors import InvalidInput
from kiosk.services.i18n import staff_label
from kiosk.services.staff import ArchivedRequest, ArchiveSearch, StaffSession
from screens.staff.archived_request import ArchivedRequestScreen
from screens.staff.base import StaffScreen
from widgets import KeyFooter, TextField, TitleHeader

PROMPT = "Type an ID/Iqama or request number and press Enter to search the archives."
"""What the archive search says before the first search."""

# The widest column last, as in the request table, so narrow terminals cut only the type.
_COLUMNS = ("Number", "Status", "Submitted", "Updated", "Archive", "Type")


class StaffArchiveScreen(StaffScreen):
    """Search the archived requests by ID/Iqama or request number; Enter opens one, read only."""

    CSS_PATH = "archive.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "focus_search", "Search"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, session: StaffSession, typed: str = "") -> None:
        """The archive search of *session*; a complete ID or request number *typed* is searched."""
        super().__init__(session)
        self.typed = typed
        self.found: list[ArchivedRequest] = []

    def compose(self) -> ComposeResult:
        """The search field, what the last search said, and the requests it found."""
        yield TitleHeader()
        yield TextField(self.typed, placeholder="ID/Iqama or request number", id="archive-query")
        yield Static(PROMPT, id="archive-message", markup=False)
        yield DataTable(id="archived", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set up the columns; search at once when opened with a complete number."""
        self.query_one("#archived", DataTable).add_columns(*_COLUMNS)
        self.query_one("#archive-query", Input).focus()
        if is_request_number(self.typed) or check_id(self.typed).is_valid:
            self.search(self.typed)

    @work(exclusive=True, group="archive", exit_on_error=False)
    async def search(self, typed: str) -> None:
        """Search the archives for *typed* off the event loop and show what was found; a newer
        search cancels this one (the worker is exclusive)."""
        self._say("Searching the archive…")
        self._show(await asyncio.to_thread(self._search_or_mistake, typed))

    def _search_or_mistake(self, typed: str) -> ArchiveSearch | InvalidInput:
        # A mistyped number is an answer to show under the field, not an error to pop up.
        try:
            return self.session.search_archive(typed)
        except InvalidInput as mistake:
            return mistake

    def _show(self, outcome: ArchiveSearch | InvalidInput) -> None:
        if isinstance(outcome, InvalidInput):
            # One sentence; the requests found before stay as they were.
            self._say(str(outcome), problem=True)
            self.query_one("#archive-query", Input).focus()
            return
        self.found = outcome.found
        table = self.query_one("#archived", DataTable)
        table.clear()
        catalogue = self.session.services.catalogue
        for archived in outcome.found:
            request = archived.request
            # Every cell from the archive goes through the one safe path: it may be hand-edited.
            table.add_row(
                self.shown(request.number),
                staff_label(request.status),
                riyadh_date(request.created).isoformat(),
                riyadh_date(request.updated).isoformat(),
                str(archived.year),
                self.shown(catalogue.get(request.type_code).name_en),
                key=request.number,
            )
        count = len(outcome.found)
        if count:
            plural = "request" if count == 1 else "requests"
            self._say(
                f"{count} archived {plural} for {outcome.wanted}, newest first; Enter opens one."
            )
            table.focus()
        elif outcome.live:
            self._say(
                f"{outcome.wanted.capitalize()} is not archived: it is live, "
                "in the request table (Escape)."
            )
        else:
            self._say(f"Nothing in the archive for {outcome.wanted}.")

    def report(self, error: Exception) -> None:
        """Say under the field that the search stopped, then report *error* as every screen does."""
        self._say("The search did not finish.", problem=True)
        super().report(error)

    def _say(self, text: str, problem: bool = False) -> None:
        message = self.query_one("#archive-message", Static)
        message.update(text)
        message.set_class(problem, "-problem")

    @on(Input.Submitted, "#archive-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self.search(event.value)

    @on(DataTable.RowSelected, "#archived")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        chosen = next((a for a in self.found if a.request.number == event.row_key.value), None)
        if chosen is not None:
            self.app.push_screen(ArchivedRequestScreen(self.session, chosen))

    def action_focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.query_one("#archive-query", Input).focus()

    def action_back(self) -> None:
        """Back to the request table."""
        self.dismiss()

"""The staff request table: search, filters, sorting and paging over every request."""

import asyncio
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Input, Select, Static
from textual.worker import Worker

from kiosk.domain.calendar import parse_date, riyadh_date
from kiosk.domain.identity import mask_id
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import InvalidInput
from kiosk.services.i18n import staff_label
from kiosk.services.staff import RequestPage, RequestQuery, SortKey, StaffSession
from screens.staff.archive import StaffArchiveScreen
from screens.staff.base import StaffScreen
from screens.staff.request import StaffRequestScreen
from widgets import KeyFooter, TextField, TitleHeader

PAGE_SIZE = 50
"""Rows on one page of the table: only these are ever handed to the screen."""

# Column key → the sort it stands for (the applicant column does not sort).
_COLUMNS: tuple[tuple[str, str, SortKey | None], ...] = (
    ("number", "Number", SortKey.NUMBER),
    ("status", "Status", SortKey.STATUS),
    ("created", "Submitted", SortKey.CREATED),
    ("updated", "Updated", SortKey.UPDATED),
    ("expected", "Expected", SortKey.EXPECTED),
    ("late", "", None),
    ("applicant", "Applicant", None),
    ("type", "Type", SortKey.TYPE),
)
_SORT_ORDER = [key for _, _, key in _COLUMNS if key is not None]


def _count(total: int) -> str:
    return "1 request" if total == 1 else f"{total:,} requests"


class StaffRequestsScreen(StaffScreen):
    """Every request, one page at a time; Enter opens the highlighted one."""

    CSS_PATH = "requests.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", priority=True),
        Binding("pageup", "page(-1)", "Previous page", priority=True),
        Binding("ctrl+f", "focus_search", "Search"),
        Binding("s", "cycle_sort", "Sort by"),
        Binding("r", "reverse_sort", "Reverse"),
        Binding("f7", "open_archive", "Archive"),
    ]

    def __init__(self, session: StaffSession) -> None:
        """The request table of *session*."""
        super().__init__(session)
        self.page = 0
        self.sort = SortKey.CREATED
        self.descending = True
        self.current_page: RequestPage | None = None
        self._search: Worker[None] | None = None
        # Enter pressed while the search still ran: open its one match when it arrives.
        self._open_single_match = False

    def compose(self) -> ComposeResult:
        """Filters above the table, the page summary below it."""
        catalogue = self.session.services.catalogue
        yield TitleHeader()
        with Horizontal(id="filters"):
            yield TextField(placeholder="Number or ID", id="search")
            yield Select(
                [(staff_label(status), status.value) for status in RequestStatus],
                prompt="Any status",
                id="status",
            )
            yield Select(
                [(kind.name_en, kind.code) for kind in catalogue],
                prompt="Any type",
                id="type",
            )
            yield TextField(placeholder="From YYYY-MM-DD", id="from")
            yield TextField(placeholder="To YYYY-MM-DD", id="to")
            yield Checkbox("Overdue", id="overdue")
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield Static(id="summary", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set up the columns, then load the first page."""
        table = self.query_one("#requests", DataTable)
        for key, label, _ in _COLUMNS:
            table.add_column(label, key=key)
        self.query_one("#search", Input).focus()

    # --- the query -----------------------------------------------------------------------

    def query_from_filters(self) -> RequestQuery:
        """The query the filter fields describe (InvalidInput for a bad date)."""
        status = self.query_one("#status", Select).value
        kind = self.query_one("#type", Select).value
        return RequestQuery(
            text=self.query_one("#search", Input).value,
            status=RequestStatus(status) if isinstance(status, str) else None,
            type_code=kind if isinstance(kind, str) else None,
            submitted_from=self._date("#from"),
            submitted_to=self._date("#to"),
            overdue_only=self.query_one("#overdue", Checkbox).value,
            sort=self.sort,
            descending=self.descending,
        )

    def _date(self, selector: str) -> date | None:
        field = self.query_one(selector, Input)
        text = field.value.strip()
        field.remove_class("-invalid")
        if not text:
            return None
        try:
            return parse_date(text)
        except InvalidInput:
            field.add_class("-invalid")
            raise

    def show_latest(self) -> None:
        """Load the current page of the current query in the background."""
        super().show_latest()
        try:
            query = self.query_from_filters()
        except InvalidInput as error:
            self.report(error)
            return
        self._search = self.load_page(query, self.page)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def load_page(self, query: RequestQuery, page: int) -> None:
        """Read *page* of *query* off the event loop and show it; a newer search cancels this
        one (the worker is exclusive), so its answer is never drawn over the newer one's."""
        found = await asyncio.to_thread(self.session.search, query, page, PAGE_SIZE)
        self._show_page(found)

    def _show_page(self, found: RequestPage) -> None:
        table = self.query_one("#requests", DataTable)
        highlighted = table.cursor_row
        self.current_page = found
        self.page = found.page
        catalogue = self.session.services.catalogue
        table.clear()
        for row in found.rows:
            request = row.request
            # Every cell from the data file goes through the one safe path: it may be hand-edited.
            table.add_row(
                self.shown(request.number),
                staff_label(request.status),
                row.submitted.isoformat(),
                riyadh_date(request.updated).isoformat(),
                row.expected_by.isoformat(),
                "LATE" if row.overdue else "",
                self.shown(mask_id(request.applicant_id)),
                self.shown(catalogue.get(request.type_code).name_en),
                key=request.number,
            )
        if found.rows:
            table.move_cursor(row=min(highlighted, len(found.rows) - 1))
        direction = "newest first" if self.descending else "oldest first"
        if self.sort in (SortKey.NUMBER, SortKey.STATUS, SortKey.TYPE):
            direction = "Z to A" if self.descending else "A to Z"
        self.query_one("#summary", Static).update(
            f"Page {found.page + 1} of {found.pages} · {_count(found.total)} · "
            f"sorted by {self.sort.value}, {direction}"
        )
        if self._open_single_match:
            self._open_single_match = False
            self._open_or_focus(found)

    # --- events and actions --------------------------------------------------------------

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filters_changed(self) -> None:
        self.page = 0
        self.show_latest()

    @on(Input.Submitted, "#from, #to")
    @on(Input.Blurred, "#from, #to")
    def _dates_changed(self) -> None:
        self.page = 0
        self.show_latest()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self._search is not None and not self._search.is_finished:
            self._open_single_match = True  # the search still runs: answer when it is shown
            return
        self._open_or_focus(self.current_page)

    def _open_or_focus(self, shown: RequestPage | None) -> None:
        """Open the one request *shown*, or go to the table to choose among several."""
        if shown is not None and shown.total == 1:
            self.open_request(shown.rows[0].request.number)
        else:
            self.query_one("#requests", DataTable).focus()

    @on(DataTable.RowSelected, "#requests")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_request(event.row_key.value)

    @on(DataTable.HeaderSelected, "#requests")
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        sort = {key: sort for key, _, sort in _COLUMNS}.get(str(event.column_key.value))
        if sort is None:
            return
        self.descending = not self.descending if sort is self.sort else True
        self.sort = sort
        self.show_latest()

    def open_request(self, number: str) -> None:
        """Show request *number* in full."""
        self.app.push_screen(StaffRequestScreen(self.session, number))

    def action_open_archive(self) -> None:
        """Search the yearly archives, for what the search field holds if it is a whole number."""
        typed = self.query_one("#search", Input).value
        self.app.push_screen(StaffArchiveScreen(self.session, typed))

    def action_page(self, step: int) -> None:
        """Go *step* pages forward (or back)."""
        shown = self.current_page
        if shown is None:
            return
        target = min(max(self.page + step, 0), shown.pages - 1)
        if target != self.page:
            self.page = target
            self.show_latest()

    def action_focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.query_one("#search", Input).focus()

    def action_cycle_sort(self) -> None:
        """Sort by the next column."""
        self.sort = _SORT_ORDER[(_SORT_ORDER.index(self.sort) + 1) % len(_SORT_ORDER)]
        self.descending = self.sort in (SortKey.CREATED, SortKey.UPDATED)
        self.show_latest()

    def action_reverse_sort(self) -> None:
        """Reverse the order."""
        self.descending = not self.descending
        self.show_latest()

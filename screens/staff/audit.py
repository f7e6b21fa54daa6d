"""The audit log for staff: who changed what and from where, filtered by member and date."""

import asyncio
import json
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from kiosk.domain.calendar import parse_date, riyadh_stamp
from kiosk.domain.models import AuditEntry
from kiosk.domain.typed_text import NAME_LIMIT, drawn_text
from kiosk.errors import InvalidInput
from kiosk.services.staff import AuditQuery, StaffSession
from screens.staff.base import StaffScreen
from widgets import KeyFooter, TextField, TitleHeader

PAGE_SIZE = 100
"""Audit entries on one page of the table."""


class StaffAuditScreen(StaffScreen):
    """The audit log, newest first, one page at a time."""

    CSS_PATH = "audit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", priority=True),
        Binding("pageup", "page(-1)", "Previous page", priority=True),
    ]

    def __init__(self, session: StaffSession) -> None:
        """The audit log of *session*'s data file."""
        super().__init__(session)
        self.page = 0
        self.entries: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        """The filters, the table and the page summary."""
        yield TitleHeader()
        with Horizontal(id="filters"):
            yield Select[str]([], prompt="Every member", id="actor")
            yield TextField(placeholder="From YYYY-MM-DD", id="from")
            yield TextField(placeholder="To YYYY-MM-DD", id="to")
        yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield Static(id="summary", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set up the columns, then load the log."""
        self.query_one("#audit", DataTable).add_columns(
            "When (Riyadh)", "Who", "Action", "Target", "Details"
        )

    def _query(self) -> AuditQuery:
        actor = self.query_one("#actor", Select).value
        dates = []
        for selector in ("#from", "#to"):
            field = self.query_one(selector, Input)
            field.remove_class("-invalid")
            try:
                dates.append(parse_date(field.value) if field.value.strip() else None)
            except InvalidInput:
                field.add_class("-invalid")
                raise
        return AuditQuery(actor if isinstance(actor, str) else None, dates[0], dates[1])

    def show_latest(self) -> None:
        """Load the entries matching the filters in the background."""
        super().show_latest()
        try:
            query = self._query()
        except InvalidInput as error:
            self.report(error)
            return
        self.load(query)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def load(self, query: AuditQuery) -> None:
        """Read the entries of *query* and the members who wrote any, then show them; a newer
        read cancels this one (the worker is exclusive)."""
        entries = await asyncio.to_thread(self.session.audit, query)
        actors = await asyncio.to_thread(self.session.actors)
        self._show(entries, actors)

    def _show(self, entries: list[AuditEntry], actors: list[str]) -> None:
        self.entries = entries
        actor = self.query_one("#actor", Select)
        chosen = actor.value
        with self.prevent(Select.Changed):
            actor.set_options([(self.shown(name, NAME_LIMIT), name) for name in actors])
            if isinstance(chosen, str) and chosen in actors:
                actor.value = chosen
        self._show_page()

    def _show_page(self) -> None:
        pages = max(1, -(-len(self.entries) // PAGE_SIZE))
        self.page = min(max(self.page, 0), pages - 1)
        start = self.page * PAGE_SIZE
        table = self.query_one("#audit", DataTable)
        table.clear()
        for entry in self.entries[start : start + PAGE_SIZE]:
            table.add_row(
                riyadh_stamp(entry.at),
                self.shown(entry.actor, NAME_LIMIT),
                self.shown(entry.action, NAME_LIMIT),
                self.shown(entry.target, NAME_LIMIT),
                self.shown(_details_text(entry.details)),
            )
        self.query_one("#summary", Static).update(
            f"Page {self.page + 1} of {pages} · {len(self.entries):,} entries, newest first"
        )

    @on(Select.Changed, "#actor")
    @on(Input.Submitted)
    @on(Input.Blurred)
    def _filters_changed(self) -> None:
        self.page = 0
        self.show_latest()

    def action_page(self, step: int) -> None:
        """Go *step* pages forward (or back)."""
        self.page += step
        self._show_page()


def _details_text(details: dict[str, object]) -> str:
    """An entry's details as one line of JSON, empty when there are none.

    Keys and text values are stored text: they take the one safe path before json.dumps, which
    would spell a raw ESC out as ``\\u001b`` and leave the ``[2J`` after it on screen.
    """
    if not details:
        return ""
    safe = {
        drawn_text(key, NAME_LIMIT): drawn_text(value) if isinstance(value, str) else value
        for key, value in details.items()
    }
    return json.dumps(safe, ensure_ascii=False, sort_keys=True)

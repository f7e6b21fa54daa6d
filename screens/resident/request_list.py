"""Request list: the person's requests of one type, newest first."""

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kiosk.domain.calendar import riyadh_date
from kiosk.domain.models import TawasulRequest
from kiosk.domain.typed_text import NAME_LIMIT, drawn_text
from screens.resident.base import ResidentScreen
from screens.resident.context import KioskContext
from screens.resident.live import update_options
from screens.resident.status import StatusScreen
from widgets.status_badge import badge_style

DATE_WIDTH = 18
"""Cells of the date column: the longest Gregorian date, "30 September 2026", and a space."""


class RequestListScreen(ResidentScreen):
    """Number, date and status badge of each request of one type."""

    CSS_PATH = "request_list.tcss"
    guidance_keys = ("list.intro",)

    def __init__(self, ctx: KioskContext, type_code: str, requests: list[TawasulRequest]) -> None:
        """List *requests* of the type *type_code*."""
        super().__init__(ctx)
        self.type_code = type_code
        self.requests = sorted(requests, key=lambda r: r.created, reverse=True)

    def compose(self) -> ComposeResult:
        """The type's name, the rows and the actions."""
        kind = self.ctx.services.catalogue.get(self.type_code)
        yield from self.compose_header("list.title", type=kind.name(self.ctx.language))
        with Vertical(classes="body"):
            yield self.paragraph(self.t("list.intro"), classes="hint")
            yield OptionList(*[self._row(r) for r in self.requests], id="requests", markup=False)
        yield from self.compose_actions()

    def _row(self, request: TawasulRequest) -> Option:
        tr = self.ctx.tr
        day = self.shaped(tr.gregorian(riyadh_date(request.created)))
        # A fixed-width date column keeps the badges of the rows in one column.
        day = day.rjust(DATE_WIDTH) if self.ctx.mirrored else day.ljust(DATE_WIDTH)
        badge = (f" {self.shaped(tr.status_label(request.status))} ", badge_style(request.status))
        # The number comes from the data file: it takes the one safe path like any stored text.
        number = drawn_text(request.number, NAME_LIMIT)
        parts: list[str | tuple[str, str]] = [number, "   ", day, "   ", badge]
        if self.ctx.mirrored:
            parts.reverse()
        return Option(Content.assemble(*parts), id=request.number)

    def on_mount(self) -> None:
        """Focus the newest request."""
        self.query_one("#requests", OptionList).focus()

    def show_latest(self) -> None:
        """Show the statuses as stored now: staff may have changed one while it is shown."""
        self._read_latest()

    @work(thread=True, exclusive=True, group="latest")
    def _read_latest(self) -> None:
        assert self.ctx.applicant is not None
        grouped = self.ctx.services.requests.requests_by_type(self.ctx.applicant.id_number)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_requests, grouped.get(self.type_code, []))

    def _show_requests(self, requests: list[TawasulRequest]) -> None:
        if not self.is_attached:
            return  # the visit ended meanwhile
        self.requests = sorted(requests, key=lambda r: r.created, reverse=True)
        listing = self.query_one("#requests", OptionList)
        update_options(listing, [self._row(r) for r in self.requests])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Show the chosen request's status."""
        event.stop()
        chosen = next(r for r in self.requests if r.number == event.option.id)
        self.app.push_screen(StatusScreen(self.ctx, chosen, quick=False))

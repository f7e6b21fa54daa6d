"""Request type: the catalogue with the count of the person's requests in each type."""

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kiosk.domain.models import TawasulRequest
from screens.resident.base import ResidentScreen
from screens.resident.context import KioskContext
from screens.resident.live import update_options
from screens.resident.request_list import RequestListScreen
from screens.resident.request_number import RequestNumberScreen
from screens.resident.status import StatusScreen
from widgets import BidiText


class RequestTypeScreen(ResidentScreen):
    """Every request type, dimmed where the person has none, plus "I have a request number"."""

    CSS_PATH = "request_types.tcss"
    has_back = False
    guidance_keys = ("types.intro",)

    def __init__(self, ctx: KioskContext) -> None:
        """The types of the signed-in person in *ctx*."""
        super().__init__(ctx)
        self.by_type: dict[str, list[TawasulRequest]] = {}

    def compose(self) -> ComposeResult:
        """The greeting, the list of types and the actions."""
        applicant = self.ctx.applicant
        name = applicant.display_name(self.ctx.language) if applicant else ""
        yield from self.compose_header("types.title", name=name)
        with Vertical(classes="body"):
            yield self.paragraph(self.t("types.loading"), id="types-intro", classes="hint")
            yield OptionList(id="types", markup=False)
        yield from self.compose_actions(self.button("types.have_number", "have-number"))

    def on_mount(self) -> None:
        """Read the person's requests."""
        self.load()

    def show_latest(self) -> None:
        """Count the person's requests again: staff may have added or changed one."""
        self.load()

    @work(thread=True, exclusive=True, group="types")
    def load(self) -> None:
        """Group the person's requests by type, off the event loop."""
        assert self.ctx.applicant is not None
        grouped = self.ctx.services.requests.requests_by_type(self.ctx.applicant.id_number)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, grouped)

    def _show(self, grouped: dict[str, list[TawasulRequest]]) -> None:
        if not self.is_attached:
            return  # the visit ended meanwhile
        first = not self.by_type
        self.by_type = grouped
        catalogue = self.ctx.services.catalogue
        options = []
        for code, found in grouped.items():
            name = catalogue.get(code).name(self.ctx.language) if code in catalogue else code
            row = self.t("types.row", name=name, count=self.ctx.tr.number(len(found)))
            options.append(Option(self.shaped(row), id=code, disabled=not found))
        listing = self.query_one("#types", OptionList)
        total = sum(len(found) for found in grouped.values())
        key = "types.intro" if total else "types.none"
        self.query_one("#types-intro", BidiText).text = self.t(key)
        if first and not total:
            self.announce(self.t(key))  # spoken guidance said "types.intro" on arrival
        if not first:
            update_options(listing, options)  # the person's focus and highlight stay
            return
        listing.set_options(options)
        listing.focus()
        if total:
            listing.highlighted = next(
                index for index, option in enumerate(options) if not option.disabled
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """One request: its status; several: the list of them."""
        event.stop()
        found = self.by_type.get(event.option.id or "", [])
        if len(found) == 1:
            self.app.push_screen(StatusScreen(self.ctx, found[0], quick=False))
        elif found:
            self.app.push_screen(RequestListScreen(self.ctx, event.option.id or "", found))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Type a request number instead."""
        if event.button.id == "have-number":
            event.stop()
            self.app.push_screen(RequestNumberScreen(self.ctx, quick=False))

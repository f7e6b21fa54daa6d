"""The banner line that the kiosks show on their welcome screen, as staff set it."""

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from kiosk.domain.typed_text import BANNER_LIMIT, drawn_text
from kiosk.services.staff import BANNER_MAX_LENGTH
from screens.staff.base import StaffScreen
from widgets import KeyFooter, TextField, TitleHeader


class StaffBannerScreen(StaffScreen):
    """Shows the current banner and lets any staff member change or clear it (audited)."""

    CSS_PATH = "banner.tcss"

    def compose(self) -> ComposeResult:
        """The current banner, the new text and the buttons."""
        yield TitleHeader()
        with Vertical(id="body"):
            yield Label("The kiosks show this line on their welcome screen:")
            yield self.paragraph("current")
            # No max_length, which would swallow a longer paste in silence: the save says why.
            yield TextField(
                placeholder=f"New banner (Arabic, English or both; at most {BANNER_MAX_LENGTH})",
                id="text",
            )
            yield self.preview("text", self.session.services.config.bidi)
            with Horizontal(id="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Clear the banner", id="clear")
        yield KeyFooter()

    def show_latest(self) -> None:
        """Read the banner as stored now."""
        super().show_latest()
        self.load()

    @work(exclusive=True, group="read", exit_on_error=False)
    async def load(self) -> None:
        """Read the stored banner off the event loop and show it."""
        self._show(await asyncio.to_thread(self.session.banner))

    def _show(self, banner: str) -> None:
        self.show_paragraph("#current", drawn_text(banner, BANNER_LIMIT) or "(no banner)")

    @on(Input.Submitted, "#text")
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        """Store the typed banner."""
        self.save_banner(self.query_one("#text", Input).value)

    @on(Button.Pressed, "#clear")
    def clear(self) -> None:
        """Remove the banner from the kiosks."""
        self.save_banner("")

    @work(group="write", exit_on_error=False)
    async def save_banner(self, text: str) -> None:
        """Store *text* as the banner off the event loop ("" removes it), then show it."""
        banner = await asyncio.to_thread(self.session.set_banner, text)
        self.query_one("#text", Input).value = ""
        self._show(banner)
        self.notify("The banner is saved." if banner else "The banner is cleared.")

"""The resident kiosk app."""

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from kiosk.services import Services


class KioskApp(App[None]):
    """The resident kiosk (a first screen until the kiosk screens land)."""

    # Residents get no quit key, no command palette and no text selection.
    BINDINGS: ClassVar[list[BindingType]] = []
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False

    def __init__(self, services: Services, language: str) -> None:
        """Show the kiosk over *services* in *language*."""
        super().__init__()
        self.services = services
        self.language = language

    def compose(self) -> ComposeResult:
        """The welcome line."""
        config = self.services.config
        yield Static(f"{config.office_name('en')}\n{config.office_name('ar')}\nTawasul")

"""The staff console app."""

from textual.app import App, ComposeResult
from textual.widgets import Static

from kiosk.services import Services


class StaffApp(App[None]):
    """The staff console (a first screen until the console lands)."""

    ENABLE_COMMAND_PALETTE = False

    def __init__(self, services: Services) -> None:
        """Show the console over *services*."""
        super().__init__()
        self.services = services

    def compose(self) -> ComposeResult:
        """The request counts."""
        counts = self.services.requests.counts()
        yield Static("\n".join(f"{k}: {v}" for k, v in counts.items()))

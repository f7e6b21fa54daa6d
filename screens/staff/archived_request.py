"""An archived request in full, read only: the staff request view without its changes."""

from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.services.staff import ArchivedRequest, StaffSession
from screens.staff.request import StaffRequestScreen


class ArchivedRequestScreen(StaffRequestScreen):
    """An archived request in full, read only: the request view without its changes.

    The service refuses changes to archived requests anyway; here none is offered.
    """

    _READ_ONLY_ACTIONS = frozenset({"change_status", "add_note"})

    def __init__(self, session: StaffSession, archived: ArchivedRequest) -> None:
        """The view of *archived* for *session*."""
        super().__init__(session, archived.request.number)
        self.year = archived.year
        # The request view's stylesheet (CSS_PATH, inherited), then what this view changes in it.
        self.css_path = [*self.css_path, Path(__file__).with_name("archived_request.tcss")]

    def compose(self) -> ComposeResult:
        """A line saying where the request is kept, then the request view."""
        yield Static(
            f"From the {self.year} archive: read only; archived requests cannot be changed.",
            id="archived-note",
            markup=False,
        )
        yield from super().compose()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No status change and no note: they are left out of the footer too."""
        if action in self._READ_ONLY_ACTIONS:
            return False
        return super().check_action(action, parameters)

"""Fixtures of the staff console tests: consoles built by the app factory, settled pilots."""

from collections.abc import Callable

import pytest
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot

from kiosk.app import make_staff_app
from kiosk.app.staff import StaffApp
from kiosk.services import Services

CLIENT = "192.0.2.7 port 50022"
"""The client address every Pilot console pretends to come from."""

ConsoleFactory = Callable[..., StaffApp]


@pytest.fixture
def console(services: Services) -> ConsoleFactory:
    """Build a staff console over the demo file for a login name (default the supervisor).

    Signals stay pytest's; the idle clock is the test's to move through ``monotonic``.
    """

    def build(username: str = "supervisor", **options: object) -> StaffApp:
        options.setdefault("handle_signals", False)
        return make_staff_app(services, username, CLIENT, **options)

    return build


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the console's background reads and writes are done and shown."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class Notices:
    """The notifications an app shows, heard as messages (``run_test(message_hook=…)``).

    Textual posts a Notify message for each one; listening for it reads no private state.
    """

    def __init__(self) -> None:
        """Nothing heard yet."""
        self.heard: list[str] = []

    def hear(self, message: Message) -> None:
        """The message hook: keep the text of each notification."""
        if isinstance(message, Notify):
            self.heard.append(message.notification.message)

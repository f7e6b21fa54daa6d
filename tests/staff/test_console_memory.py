"""A console open all day keeps nothing of the requests it opened and closed (issue 19).

Counted, not timed: the widgets still alive that no screen shows. Textual drops a watcher of a
removed widget only when the watched value changes; the app's title and the footer's compact
never change, so each opening left its header and a footer's worth of keys behind.
"""

import gc

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable

from screens.staff.request import StaffRequestScreen
from screens.staff.requests import StaffRequestsScreen
from tests.staff.conftest import ConsoleFactory, settle

SIZE = (140, 44)


def widgets_no_screen_shows() -> list[Widget]:
    """The widgets still alive after a full collection that are not on any screen."""
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached]


async def open_and_close(pilot: Pilot[None], times: int) -> None:
    """Open the highlighted request from the table *times*, each the next row down, and go back."""
    listing = pilot.app.screen
    assert isinstance(listing, StaffRequestsScreen)
    table = listing.query_one("#requests", DataTable)
    table.focus()
    for row in range(times):
        table.move_cursor(row=row % table.row_count)
        await pilot.press("enter")
        await settle(pilot)
        opened = pilot.app.screen
        assert isinstance(opened, StaffRequestScreen) and opened.request is not None
        del opened  # the test must not be what keeps it alive
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is listing


async def test_requests_opened_and_closed_leave_no_widgets_behind(
    console: ConsoleFactory,
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_and_close(pilot, 2)  # the warm-up: whatever is made once is made
        before = len(widgets_no_screen_shows())
        await open_and_close(pilot, 6)
        left = widgets_no_screen_shows()
        # Before the fix: +4 widgets (a header) and +2 footers of keys for every opening.
        assert len(left) <= before, sorted({type(widget).__name__ for widget in left})
        gc.collect()
        assert not [o for o in gc.get_objects() if isinstance(o, StaffRequestScreen)]

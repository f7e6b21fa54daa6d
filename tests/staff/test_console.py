"""The staff console driven through Textual's Pilot: every flow a member goes through."""

import asyncio
import threading
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList, Select, Static

from kiosk.app import make_staff_app, start_staff_console
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import BidiMode
from kiosk.domain.models import StaffMember, StaffRole
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.text import display_line
from kiosk.errors import DataFileError, NotAllowed
from kiosk.services import Services
from kiosk.services.i18n import staff_label
from kiosk.services.staff import RequestPage, RequestQuery, StaffDirectory, StaffSession
from kiosk.store import TawasulStore
from screens.staff.audit import StaffAuditScreen
from screens.staff.banner import StaffBannerScreen
from screens.staff.base import StaffScreen
from screens.staff.note import InternalNoteDialog
from screens.staff.request import StaffRequestScreen
from screens.staff.requests import PAGE_SIZE, StaffRequestsScreen
from screens.staff.status_change import StatusChangeDialog
from screens.staff.supervisor import StaffSupervisorScreen
from tests.conftest import file_store, frozen_clock, make_demo_file, type_ahead
from tests.staff.conftest import CLIENT, ConsoleFactory, Notices, settle

UNDER_REVIEW = "9000000100"
CLOSED = "9000000407"
ACCEPTED = "9000000308"
SIZE = (140, 44)


def text_of(app: App[None], selector: str) -> str:
    """The text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


async def open_request(pilot: Pilot[None], number: str) -> StaffRequestScreen:
    """Put *number* in the search field and press Enter: the request opens."""
    await settle(pilot)
    pilot.app.screen.query_one("#search", Input).value = number
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StaffRequestScreen)
    return screen


async def test_the_console_starts_on_a_page_of_the_request_table(
    console: ConsoleFactory, services: Services
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestsScreen)
        table = app.screen.query_one("#requests", DataTable)
        total = len(list(services.store.all_requests()))
        assert table.row_count == min(PAGE_SIZE, total)
        assert text_of(app, "#summary").startswith(f"Page 1 of {-(-total // PAGE_SIZE)} ")
        assert "Noura Al-Harbi (supervisor, supervisor)" in app.sub_title
        assert CLIENT in app.sub_title
        await pilot.press("pagedown")
        await settle(pilot)
        assert text_of(app, "#summary").startswith("Page 2 of")
        await pilot.press(*"9000000100")
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestScreen)


async def test_an_answered_request_is_never_shown_late(console: ConsoleFactory) -> None:
    """9000000308 was accepted 30 days ago: past its target date, but the office has answered."""
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"9000000308", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestScreen)
        fields = text_of(app, "#fields")
        assert "answered, or waiting for the resident" in fields and "late" not in fields


@pytest.mark.parametrize("screen", [StaffRequestsScreen, StaffRequestScreen, StaffAuditScreen])
async def test_a_staff_screen_reads_its_data_once_when_it_opens(
    console: ConsoleFactory, monkeypatch: pytest.MonkeyPatch, screen: type[StaffScreen]
) -> None:
    """Textual runs every class's on_mount itself: a screen that also called its base's read
    the data file twice each time it opened."""
    reads: list[str] = []
    real = screen.show_latest

    def counted(self: StaffScreen) -> None:
        reads.append(type(self).__name__)
        real(self)

    monkeypatch.setattr(screen, "show_latest", counted)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if screen is StaffAuditScreen:
            await pilot.press("f3")
        elif screen is StaffRequestScreen:
            await pilot.press(*"9000000100", "enter")
        await settle(pilot)
        assert isinstance(app.screen, screen)
        assert reads == [screen.__name__]


async def test_no_cursor_blinks_anywhere_in_the_console(console: ConsoleFactory) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_request(pilot, UNDER_REVIEW)
        await pilot.press("c")
        await settle(pilot)
        fields = [*screen.app.screen.query(Input), *app.screen_stack[0].query(Input)]
        for mode in ("audit", "banner", "supervisor"):
            await app.switch_mode(mode)
            await settle(pilot)
            fields.extend(app.screen.query(Input))
        assert len(fields) > 8
        assert not any(field.cursor_blink for field in fields)


async def test_filters_narrow_the_table(console: ConsoleFactory) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#status", Select).value = RequestStatus.CLOSED.value
        await settle(pilot)
        table = app.screen.query_one("#requests", DataTable)
        assert table.row_count > 0
        statuses = {table.get_row_at(i)[1] for i in range(table.row_count)}
        assert statuses == {staff_label(RequestStatus.CLOSED)}
        app.screen.query_one("#from", Input).value = "2026-13-01"
        app.screen.query_one("#from", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#from", Input).has_class("-invalid")


async def open_status_change(pilot: Pilot[None]) -> StatusChangeDialog:
    """Press c on the open request: the status change dialog."""
    await pilot.press("c")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, StatusChangeDialog)
    return dialog


async def test_change_a_status_from_the_request_view(
    console: ConsoleFactory, services: Services
) -> None:
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_request(pilot, UNDER_REVIEW)
        assert "Under review" in text_of(app, "#fields")
        dialog = await open_status_change(pilot)
        offered = dialog.query_one("#next", OptionList)
        assert [offered.get_option_at_index(i).id for i in range(offered.option_count)] == [
            "returned",
            "accepted",
            "rejected",
        ]
        await pilot.press("down", "down", "enter", *"Ready", "ctrl+s", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Accepted" in text_of(app, "#fields")
    stored = services.store.request(UNDER_REVIEW)
    assert stored is not None and stored.status is RequestStatus.ACCEPTED
    assert stored.history[-1].by == "staff" and stored.history[-1].note == "Ready"
    audit = services.store.audit_entries()[-1]
    assert (audit.actor, audit.details["to"], audit.details["client"]) == (
        "staff",
        "accepted",
        CLIENT,
    )


async def test_keys_typed_ahead_of_tab_go_to_the_next_field(console: ConsoleFactory) -> None:
    """Over a lagging SSH connection keys arrive together: the note, Tab and the resident's
    action must each land in their own field (a screen-level Tab put both into the note)."""
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        dialog = await open_status_change(pilot)
        await pilot.press("down", "enter")  # Returned, the first choice: the note field is next
        await settle(pilot)
        type_ahead(app, "Photo too dark\tBring a new photo")
        await settle(pilot)
        assert dialog.query_one("#note", Input).value == "Photo too dark"
        assert dialog.query_one("#action", Input).value == "Bring a new photo"


async def test_a_choice_typed_ahead_of_tab_still_reaches_the_list(
    console: ConsoleFactory,
) -> None:
    """Down and Tab arriving together: Down still moves the list, then Tab goes to the note (a
    Tab resolved ahead of the keys before it would have left Down to the note field)."""
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        dialog = await open_status_change(pilot)
        app.post_message(events.Key("down", None))
        app.post_message(events.Key("down", None))
        app.post_message(events.Key("tab", "\t"))
        await settle(pilot)
        assert dialog.chosen is RequestStatus.ACCEPTED
        assert app.focused is dialog.query_one("#note", Input)


async def test_a_refused_transition_says_why_and_changes_nothing(
    console: ConsoleFactory, services: Services
) -> None:
    before = services.store.request(UNDER_REVIEW)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        dialog = await open_status_change(pilot)
        # Rejected (third) with no note: the rules want a reason.
        await pilot.press("down", "down", "down", "ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "a note is required" in text_of(app, "#problem")
        # Returned with a note but no action for the resident.
        await pilot.press("up", "up")
        assert dialog.query_one("#action", Input).display
        dialog.query_one("#note", Input).value = "photo too dark"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "action is required" in text_of(app, "#problem")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestScreen)
    assert services.store.request(UNDER_REVIEW) == before


async def test_a_change_refused_by_the_stored_state_is_reported(
    console: ConsoleFactory, services: Services
) -> None:
    app = console()
    notices = Notices()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices.hear) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        await pilot.press("c")
        await settle(pilot)
        # Meanwhile another console accepts the request.
        other = StaffSession(open_services(file_store(services).path, KioskConfig()), "staff", "x")
        other.change_status(UNDER_REVIEW, RequestStatus.ACCEPTED, "done elsewhere")
        await pilot.press("down", "down", "down", "enter", *"no", "ctrl+s", "ctrl+s")
        await settle(pilot)
        assert notices.heard[-1] == (
            f"staff changed request {UNDER_REVIEW} meanwhile: it is now Accepted. "
            "Nothing was saved; look at it again."
        )
    stored = services.store.request(UNDER_REVIEW)
    assert stored is not None and stored.status is RequestStatus.ACCEPTED


async def test_a_closed_request_offers_no_change(console: ConsoleFactory) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_request(pilot, CLOSED)
        assert screen.query_one("#change", Button).disabled
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is screen


async def test_add_an_internal_note(console: ConsoleFactory, services: Services) -> None:
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_request(pilot, UNDER_REVIEW)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, InternalNoteDialog)
        await pilot.press("enter")
        assert "cannot be empty" in text_of(app, "#problem")
        await pilot.press(*"[sponsor]", "enter")
        await settle(pilot)
        assert app.screen_stack[-1] is screen
        notes = screen.query_one("#notes", DataTable)
        assert notes.row_count == 1
        assert str(notes.get_row_at(0)[2]) == "[sponsor]"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestsScreen)
    stored = services.store.request(UNDER_REVIEW)
    assert stored is not None and stored.internal_notes[-1].by == "staff"


async def test_the_audit_log_filters_by_member_and_date(
    console: ConsoleFactory, services: Services
) -> None:
    StaffSession(services, "staff", CLIENT).add_note(UNDER_REVIEW, "by staff")
    StaffSession(services, "supervisor", CLIENT).set_banner("Welcome")
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StaffAuditScreen)
        table = screen.query_one("#audit", DataTable)
        assert str(table.get_row_at(0)[2]) == "banner.set"
        screen.query_one("#actor", Select).value = "staff"
        await settle(pilot)
        assert {str(table.get_row_at(i)[1]) for i in range(table.row_count)} == {"staff"}
        screen.query_one("#from", Input).value = "2026-11-26"
        screen.query_one("#from", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert table.row_count == 0
        assert "0 entries" in text_of(app, "#summary")


async def test_set_and_clear_the_banner(console: ConsoleFactory, services: Services) -> None:
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, StaffBannerScreen)
        assert text_of(app, "#current") == "(no banner)"
        app.screen.query_one("#text", Input).focus()
        await pilot.press(*"مغلق الخميس", "enter")
        await settle(pilot)
        # Stored in logical order; shown shaped and reordered (bidi = "app", the default).
        assert services.store.setting("banner") == "مغلق الخميس"
        assert text_of(app, "#current") == display_line("مغلق الخميس", BidiMode.APP, rtl=True)
        assert text_of(app, "#current") != "مغلق الخميس"
        await pilot.click("#clear")
        await settle(pilot)
        assert services.store.setting("banner") == ""


async def test_supervisors_unlock_reset_and_manage_staff(
    console: ConsoleFactory, services: Services
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StaffSupervisorScreen)
        screen.query_one("#applicant", Input).value = "2109876546"
        screen.query_one("#password", Input).value = "brand-new-pass"
        await pilot.click("#reset")
        await settle(pilot)
        assert screen.query_one("#password", Input).value == ""
        assert services.accounts.sign_in("2109876546", "brand-new-pass").applicant is not None
        await pilot.click("#unlock")
        await settle(pilot)
        screen.query_one("#username", Input).value = "m.aldosari"
        screen.query_one("#name", Input).value = "Mohammed Al-Dosari"
        await pilot.click("#put")
        await settle(pilot)
        assert screen.query_one("#staff", DataTable).row_count == 3
    # The resident's sign-in with the new password is audited too, between the two.
    actions = [e.action for e in services.store.audit_entries()[-4:]]
    assert actions == ["applicant.reset_password", "sign_in", "applicant.unlock", "staff.put"]
    member = services.store.staff_member("m.aldosari")
    assert member is not None and member.role is StaffRole.STAFF


async def test_staff_have_no_supervisor_screen_and_f5_says_why(console: ConsoleFactory) -> None:
    app = console("staff")
    notices = Notices()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices.hear) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestsScreen)
        assert notices.heard == [
            "The supervisor screen is for supervisors only; your role is staff."
        ]


async def test_a_demoted_supervisor_leaves_the_supervisor_screen(
    console: ConsoleFactory, services: Services
) -> None:
    app = console("supervisor")
    notices = Notices()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices.hear) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, StaffSupervisorScreen)
        # Another supervisor demotes her from their own console meanwhile.
        StaffDirectory(TawasulStore(file_store(services).path), frozen_clock).put(
            StaffMember("supervisor", "Noura Al-Harbi", StaffRole.STAFF), "h.alotaibi", ""
        )
        app.check_for_changes()
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestsScreen)
        assert "supervisor screen closed" in notices.heard[-1]
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestsScreen)


def test_a_user_not_in_the_staff_table_gets_no_console(console: ConsoleFactory) -> None:
    with pytest.raises(NotAllowed, match="'visitor' is not in the staff table"):
        console("visitor")


async def test_another_process_s_change_shows_without_reopening(
    console: ConsoleFactory, services: Services
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_request(pilot, UNDER_REVIEW)
        other = open_services(file_store(services).path, KioskConfig(), clock=frozen_clock)
        StaffSession(other, "staff", "x").add_note(UNDER_REVIEW, "from the other console")
        notes = screen.query_one("#notes", DataTable)
        for _ in range(100):  # heard through the data file's change signal, within ms
            if notes.row_count:
                break
            await pilot.pause(0.1)
        await settle(pilot)
        assert notes.row_count == 1
        assert app.data_version == 1


async def test_a_screen_shown_again_reads_the_data_only_if_it_changed_meanwhile(
    console: ConsoleFactory, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """StaffScreen asks its app (a StaffConsole) for the data version when it is shown again."""
    reads: list[str] = []
    real = StaffBannerScreen.show_latest

    def counted(self: StaffBannerScreen) -> None:
        reads.append(self.session.banner())
        real(self)

    monkeypatch.setattr(StaffBannerScreen, "show_latest", counted)
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        for key in ("f4", "f2", "f4", "f2"):
            await pilot.press(key)
            await settle(pilot)
        assert reads == [""]  # nothing was written between: shown again as it was
        StaffSession(services, "supervisor", CLIENT).set_banner("Closed on Thursday")
        for _ in range(100):  # heard through the data file's change signal, within ms
            if app.data_version:
                break
            await pilot.pause(0.1)
        await pilot.press("f4")
        await settle(pilot)
        assert reads[-1] == "Closed on Thursday"
        assert text_of(app, "#current") == "Closed on Thursday"


async def test_a_member_removed_by_a_supervisor_is_signed_out(
    console: ConsoleFactory, services: Services
) -> None:
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        StaffSession(services, "supervisor", CLIENT).remove_staff("staff")
        app.check_for_changes()
        await pilot.pause()
    assert app.return_code == 1


async def test_an_idle_session_ends_by_itself(console: ConsoleFactory) -> None:
    now = [0.0]
    app = console(monotonic=lambda: now[0], idle_minutes=30)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        now[0] = 29 * 60
        app.end_if_idle()
        await pilot.press("down")  # a key: the half hour starts again
        now[0] = 58 * 60
        app.end_if_idle()
        await pilot.pause()
        assert app.is_running
        now[0] = 60 * 60
        app.end_if_idle()
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


@pytest.mark.parametrize("bidi", list(BidiMode))
async def test_arabic_notes_go_through_the_text_layer(services: Services, bidi: BidiMode) -> None:
    note = "اتصل الكفيل [مرتين]"
    StaffSession(services, "staff", CLIENT).add_note(UNDER_REVIEW, note)
    configured = open_services(
        file_store(services).path, KioskConfig(bidi=bidi), clock=frozen_clock
    )
    app = make_staff_app(configured, "staff", CLIENT, handle_signals=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_request(pilot, UNDER_REVIEW)
        shown = str(screen.query_one("#notes", DataTable).get_row_at(0)[2])
    assert shown == (display_line(note, BidiMode.APP, rtl=True) if bidi == BidiMode.APP else note)


async def test_choosing_a_staff_row_fills_the_form(console: ConsoleFactory) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        table = app.screen.query_one("#staff", DataTable)
        table.focus()
        await pilot.press("down", "enter")  # the rows are by login: supervisor, then staff
        await settle(pilot)
        assert app.screen.query_one("#username", Input).value == "supervisor"
        assert app.screen.query_one("#role", Select).value == "supervisor"


def test_the_idle_time_comes_from_the_configuration(services: Services) -> None:
    configured = open_services(
        file_store(services).path, KioskConfig(staff_session_idle_minutes=5), clock=frozen_clock
    )
    assert make_staff_app(configured, "staff", CLIENT).idle_seconds == 300


@pytest.mark.slow
async def test_only_one_page_of_many_requests_reaches_the_screen(db_path: Path) -> None:
    make_demo_file(db_path, count=3000)
    services = open_services(db_path, KioskConfig(), clock=frozen_clock)
    app = make_staff_app(services, "staff", CLIENT, handle_signals=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#requests", DataTable)
        assert table.row_count == PAGE_SIZE
        total = len(list(services.store.all_requests()))
        pages = -(-total // PAGE_SIZE)
        assert text_of(app, "#summary").startswith(f"Page 1 of {pages} · {total:,} requests")
        table.focus()
        await pilot.press("pagedown", "pagedown", "pagedown", "pageup")
        await settle(pilot)
        assert text_of(app, "#summary").startswith(f"Page 3 of {pages}")
        requests = app.screen
        assert isinstance(requests, StaffRequestsScreen)
        requests.action_page(10_000)  # far past the end: the last page
        await settle(pilot)
        assert text_of(app, "#summary").startswith(f"Page {pages} of {pages}")
        assert table.row_count == total - (pages - 1) * PAGE_SIZE


async def test_a_note_typed_right_after_enter_lands_in_the_note(console: ConsoleFactory) -> None:
    """Keys arriving with the Enter that chooses a status (a lagging SSH link, a fast typist)
    belong to the note field Enter moves to: none is lost, none is reordered."""
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        dialog = await open_status_change(pilot)
        for key in ("down", "down", "enter"):
            app.post_message(events.Key(key, None))
        type_ahead(app, "Ready at counter 3")
        await settle(pilot)
        assert dialog.query_one("#note", Input).value == "Ready at counter 3"
        assert dialog.chosen is RequestStatus.ACCEPTED


async def test_a_burst_of_keys_changes_no_status(
    console: ConsoleFactory, services: Services
) -> None:
    """c Esc c Esc c ctrl+s arriving together: nothing is chosen, so nothing is saved (the first
    choice was preselected: an accepted request was closed without a look)."""
    before = services.store.request(ACCEPTED)
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, ACCEPTED)
        for key in ("c", "escape", "c", "escape", "c", "ctrl+s"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StatusChangeDialog)
        assert dialog.chosen is None
        assert "Choose the new status" in text_of(app, "#problem")
    assert services.store.request(ACCEPTED) == before


async def test_a_change_is_saved_only_once_confirmed_from_and_to(
    console: ConsoleFactory, services: Services
) -> None:
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        dialog = await open_status_change(pilot)
        await pilot.press("down", "down", "enter", *"Ready", "ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "Under review → Accepted. Save?" in text_of(app, "#confirm")
        stored = services.store.request(UNDER_REVIEW)
        assert stored is not None and stored.status is RequestStatus.UNDER_REVIEW
        await pilot.press("backspace")  # an edit after the question asks again
        await settle(pilot)
        assert text_of(app, "#confirm") == ""
        await pilot.press("y", "enter")
        await settle(pilot)
        assert app.screen is dialog and "Save?" in text_of(app, "#confirm")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestScreen)
    stored = services.store.request(UNDER_REVIEW)
    assert stored is not None and stored.status is RequestStatus.ACCEPTED
    assert stored.history[-1].note == "Ready"


async def test_staff_read_staff_wording_for_a_returned_request(console: ConsoleFactory) -> None:
    """The resident reads "Returned to you: action needed"; staff read the office's view."""
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        dialog = await open_status_change(pilot)
        offered = dialog.query_one("#next", OptionList)
        first = str(offered.get_option_at_index(0).prompt)
        assert first.startswith("Returned to the applicant — ")
        await pilot.press("down", "enter", *"Dark photo", "tab", *"New photo", "ctrl+s")
        await settle(pilot)
        assert "Under review → Returned to the applicant. Save?" in text_of(app, "#confirm")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Status     Returned to the applicant" in text_of(app, "#fields")
        assert "you" not in text_of(app, "#fields").split("Status")[1].split("\n")[0]


def test_the_audit_entry_records_the_required_action(services: Services) -> None:
    session = StaffSession(services, "staff", CLIENT)
    session.change_status(UNDER_REVIEW, RequestStatus.RETURNED, "Dark photo", "Bring a new photo")
    entry = services.store.audit_entries()[-1]
    assert entry.details["required_action"] == "Bring a new photo"
    assert entry.details["note"] == "Dark photo"


@pytest.mark.parametrize("width", [100, 120])
async def test_the_filter_bar_fits_on_one_line(console: ConsoleFactory, width: int) -> None:
    """Every filter on one line inside the screen, each placeholder and prompt whole."""
    app = console("staff")
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        filters = app.screen.query_one("#filters").children
        assert len(filters) == 6
        for widget in filters:
            assert widget.region.right <= width, widget.id
            assert widget.region.height == 3, widget.id  # a prompt that wraps grows taller
            if isinstance(widget, Input):
                assert widget.content_region.width >= len(widget.placeholder), widget.id


async def test_an_older_search_never_shows_over_a_newer_one(
    console: ConsoleFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The member types a number, then clears it before that search is back: the table shows
    what the cleared field asks for when both are done (the older worker was cancelled).

    The older search is held until the newer one is shown, then let go and waited for: the
    order is the test's, not the machine's speed."""
    search = StaffSession.search
    let_go = threading.Event()
    older_done = threading.Event()

    def held_for_the_number(
        session: StaffSession, query: RequestQuery, page: int, size: int
    ) -> RequestPage:
        if query.text != UNDER_REVIEW:
            return search(session, query, page, size)
        try:
            assert let_go.wait(10), "the test never let the older search go"
            return search(session, query, page, size)
        finally:
            older_done.set()

    monkeypatch.setattr(StaffSession, "search", held_for_the_number)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#search", Input)
        field.value = CLOSED  # one row: the newer search's answer is told apart from it
        await settle(pilot)
        table = app.screen.query_one("#requests", DataTable)
        assert table.row_count == 1
        field.value = UNDER_REVIEW
        await pilot.pause()
        field.value = ""
        for _ in range(200):  # until the newer answer shows: settle would wait for the held one
            if table.row_count == PAGE_SIZE:
                break
            await pilot.pause(0.02)
        assert table.row_count == PAGE_SIZE
        let_go.set()
        assert await asyncio.to_thread(older_done.wait, 10)
        await settle(pilot)
        assert table.row_count == PAGE_SIZE
        assert not text_of(app, "#summary").startswith("Page 1 of 1 · 1 request")


def _damage_an_applicant(path: Path) -> None:
    # Damage that the frame check cannot see and the request table never reads.
    text = path.read_text(encoding="utf-8")
    assert '"failed_attempts":0' in text
    path.write_text(text.replace('"failed_attempts":0', '"failed_attempts":"many"', 1), "utf-8")


async def test_the_console_verifies_the_data_once_its_first_list_is_up(demo_db: Path) -> None:
    """Issue 19: the documents are checked after the first list, not before the console starts;
    damage found then ends the console with the sentence `tawasul staff` says for it."""
    _damage_an_applicant(demo_db)
    services = open_services(demo_db, KioskConfig(), clock=frozen_clock)
    app = start_staff_console(services, username="supervisor", client=CLIENT, handle_signals=False)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#requests", DataTable)
        for _ in range(400):
            if not app.is_running:
                break
            await pilot.pause(0.01)
        assert table.row_count > 0  # the list was shown first
    assert app.is_running is False and app.return_code == 1
    assert isinstance(app.data_error, DataFileError)
    assert "document ******" in str(app.data_error)


async def test_an_undamaged_file_is_verified_and_the_console_goes_on(demo_db: Path) -> None:
    services = open_services(demo_db, KioskConfig(), clock=frozen_clock)
    app = start_staff_console(services, username="supervisor", client=CLIENT, handle_signals=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        verified = [w for w in app.workers if w.group == "verify-data"]
        for worker in verified:
            await worker.wait()
        await pilot.pause()
        assert app.is_running and app.data_error is None
        assert app.screen.query_one("#requests", DataTable).row_count > 0


async def test_a_search_that_replaces_the_first_still_leaves_the_data_verified(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check waits for the first page's search; a newer search cancels that one, and the
    check must run all the same. The first search is held until the newer one has replaced it."""
    search = StaffSession.search
    let_go = threading.Event()
    first: list[RequestQuery] = []

    def first_held(session: StaffSession, query: RequestQuery, page: int, size: int) -> RequestPage:
        if not first:
            first.append(query)
            assert let_go.wait(10), "the test never let the first search go"
        return search(session, query, page, size)

    monkeypatch.setattr(StaffSession, "search", first_held)
    _damage_an_applicant(demo_db)
    services = open_services(demo_db, KioskConfig(), clock=frozen_clock)
    app = start_staff_console(services, username="supervisor", client=CLIENT, handle_signals=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(200):  # until the check waits for the held search
                if first and any(w.group == "verify-data" for w in app.workers):
                    break
                await pilot.pause(0.01)
            await pilot.pause(0.05)
            app.screen.query_one("#search", Input).value = "9000000100"
            for _ in range(400):
                if not app.is_running:
                    break
                await pilot.pause(0.01)
    finally:
        let_go.set()
    assert isinstance(app.data_error, DataFileError)

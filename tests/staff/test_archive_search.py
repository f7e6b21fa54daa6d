"""Staff search the yearly archives from the console: a real demo file, really archived."""

from datetime import UTC, datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from kiosk.app.staff import StaffApp
from kiosk.domain.digits import luhn_check_digit
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import InvalidInput, NotAllowed
from kiosk.services import Services
from kiosk.services.archive import ArchiveService
from kiosk.services.i18n import staff_label
from kiosk.services.requests import RequestService
from kiosk.services.staff import StaffSession
from screens.staff.archive import PROMPT, StaffArchiveScreen
from screens.staff.archived_request import ArchivedRequestScreen
from screens.staff.note import InternalNoteDialog
from screens.staff.requests import StaffRequestsScreen
from screens.staff.status_change import StatusChangeDialog
from tests.conftest import FROZEN_NOW, file_store
from tests.staff.conftest import CLIENT, ConsoleFactory, settle

AHMED = "2109876546"
"""A demo resident: 9000000308 accepted and 9000000407 closed are his finished requests."""

SIZE = (140, 44)
LATER = FROZEN_NOW + timedelta(days=200)
"""When the archive run happens: every demo request finished by the frozen moment is old."""

IN_2025 = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
NOBODY = "100000000" + str(luhn_check_digit("100000000"))
"""A well-formed citizen ID that nobody in the demo holds."""
UNHELD = "912345678" + str(luhn_check_digit("912345678"))
"""A well-formed request number that no request has, live or archived."""


@pytest.fixture
def archived_2025(services: Services) -> str:
    """Ahmed gets a request in 2025 that was closed then; an archive run 200 days on moves it
    and every demo request finished by the frozen moment. Returns the 2025 request's number."""
    then = RequestService(
        services.store, services.catalogue, services.calendar, clock=lambda: IN_2025
    )
    number = then.add_request(AHMED, "passport", "staff").number
    then.change_status(number, RequestStatus.ACCEPTED, "staff", "Collect at counter 2.")
    then.change_status(number, RequestStatus.CLOSED, "staff", "Collected.")
    report = ArchiveService(services.store, lambda: LATER).archive(days=90)
    assert report.requests_by_year.keys() == {2025, 2026}
    assert services.store.is_archived(number) and services.store.is_archived("9000000407")
    return number


def rows(app: StaffApp) -> list[list[str]]:
    """The cells of the archive table, top to bottom."""
    table = app.screen.query_one("#archived", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def message(app: StaffApp) -> str:
    """What the archive search says under its field."""
    return str(app.screen.query_one("#archive-message", Static).render())


def footer_keys(app: StaffApp) -> dict[str, str]:
    """Key → description of every binding the footer shows (what the Footer reads)."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


async def open_archive(pilot: Pilot[None]) -> StaffArchiveScreen:
    """From the request table, F7."""
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StaffArchiveScreen)
    return screen


async def search(pilot: Pilot[None], typed: str) -> None:
    """Type *typed* over whatever the field holds and press Enter."""
    field = pilot.app.screen.query_one("#archive-query", Input)
    field.value = ""
    field.focus()
    await pilot.press(*typed, "enter")
    await settle(pilot)


async def test_f7_opens_the_archive_search_and_escape_goes_back(
    console: ConsoleFactory, archived_2025: str
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert footer_keys(app).get("f7") == "Archive"
        screen = await open_archive(pilot)
        assert message(app) == PROMPT
        assert rows(app) == []
        assert screen.query_one("#archive-query", Input).has_focus
        assert footer_keys(app).get("escape") == "Back"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestsScreen)


async def test_an_id_finds_the_archived_requests_newest_first_with_their_year(
    console: ConsoleFactory, services: Services, archived_2025: str
) -> None:
    before = file_store(services).identity()
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await open_archive(pilot)
        await search(pilot, AHMED)
        passport = services.catalogue.get("passport").name_en
        iqama = services.catalogue.get("iqama_inside").name_en
        assert rows(app) == [
            ["9000000308", "Accepted", "2026-10-26", "2026-11-08", "2026", passport],
            ["9000000407", "Closed", "2026-05-09", "2026-09-06", "2026", iqama],
            [archived_2025, "Closed", "2025-03-10", "2025-03-10", "2025", passport],
        ]
        assert message(app) == (
            "3 archived requests for ID ******6546, newest first; Enter opens one."
        )
        # His live requests stay in the request table; searching wrote nothing.
        assert "9000000100" not in [row[0] for row in rows(app)]
    assert file_store(services).identity() == before


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("٢١٠٩٨٧٦٥٤٦", ["9000000308", "9000000407"]),  # Arabic-Indic
        ("۲۱۰۹ ۸۷۶ ۵۴۶", ["9000000308", "9000000407"]),  # Eastern Arabic-Indic, grouped
        ("٩٠٠٠٠٠٠٤٠٧", ["9000000407"]),
        ("9000000407", ["9000000407"]),
    ],
)
async def test_an_id_or_a_number_in_any_digits_finds_them(
    console: ConsoleFactory, archived_2025: str, typed: str, found: list[str]
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await open_archive(pilot)
        await search(pilot, typed)
        numbers = [row[0] for row in rows(app)]
        assert numbers[: len(found)] == found
        if len(found) == 1:
            assert numbers == found
            assert message(app).startswith("1 archived request for request 9000000407,")
            assert rows(app)[0][4] == "2026"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "9000000408",
            "Not a valid request number: the check digit does not match: "
            "the number is probably mistyped.",
        ),
        (
            "2109876547",
            "Not a valid ID number: the check digit does not match: "
            "the number is probably mistyped.",
        ),
        ("21098", "Not a valid ID number: an ID number has 10 digits; this one is shorter."),
        (
            "5109876546",
            "Search the archive by an ID or Iqama number (it starts with 1, 2, 3 or 4) "
            "or a request number (it starts with 9).",
        ),
        (
            "",
            "Search the archive by an ID or Iqama number (it starts with 1, 2, 3 or 4) "
            "or a request number (it starts with 9).",
        ),
    ],
)
async def test_wrong_input_is_one_sentence_and_changes_nothing(
    console: ConsoleFactory, services: Services, archived_2025: str, typed: str, said: str
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await open_archive(pilot)
        await search(pilot, AHMED)
        shown = rows(app)
        before = file_store(services).identity()
        await search(pilot, typed)
        assert message(app) == said
        assert app.screen.query_one("#archive-message", Static).has_class("-problem")
        assert app.screen.query_one("#archive-query", Input).has_focus
        assert rows(app) == shown
        assert file_store(services).identity() == before
        # The next good search clears the problem.
        await search(pilot, "9000000407")
        assert not app.screen.query_one("#archive-message", Static).has_class("-problem")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (NOBODY, f"Nothing in the archive for ID ******{NOBODY[-4:]}."),
        (
            "9000000100",
            "Request 9000000100 is not archived: it is live, in the request table (Escape).",
        ),
        (UNHELD, f"Nothing in the archive for request {UNHELD}."),
    ],
)
async def test_nothing_found_is_said_clearly(
    console: ConsoleFactory, archived_2025: str, typed: str, said: str
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await open_archive(pilot)
        await search(pilot, AHMED)
        await search(pilot, typed)
        assert message(app) == said
        assert rows(app) == []


@pytest.mark.parametrize("row", [0, 2], ids=["accepted-2026", "closed-2025"])
async def test_an_archived_request_opens_read_only_with_its_history(
    console: ConsoleFactory, services: Services, archived_2025: str, row: int
) -> None:
    """An accepted request could still be closed if it were live: archived, nothing is offered."""
    number = ["9000000308", "9000000407", archived_2025][row]
    stored = services.store.request(number)
    assert stored is not None
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await open_archive(pilot)
        await search(pilot, AHMED)
        await pilot.press(*["down"] * row, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ArchivedRequestScreen)
        assert screen.request == stored
        note = str(screen.query_one("#archived-note", Static).render())
        year = stored.created.year
        assert note == f"From the {year} archive: read only; archived requests cannot be changed."
        assert f"Request    {number}" in str(screen.query_one("#fields", Static).render())
        history = screen.query_one("#history", DataTable)
        assert [str(history.get_row_at(i)[1]) for i in range(history.row_count)] == [
            staff_label(entry.status) for entry in stored.history
        ]
        if number == archived_2025:
            assert [entry.status for entry in stored.history] == [
                RequestStatus.UNDER_REVIEW,
                RequestStatus.ACCEPTED,
                RequestStatus.CLOSED,
            ]
        # No change is offered: not in the footer, no button, and the keys do nothing.
        assert footer_keys(app).get("escape") == "Back"
        assert not {"Change status", "Internal note"} & set(footer_keys(app).values())
        assert not screen.query_one("#change", Button).display
        assert not screen.query_one("#note", Button).display
        before = file_store(services).identity()
        await pilot.press("c", "n")
        await settle(pilot)
        assert app.screen is screen
        assert not any(
            isinstance(s, StatusChangeDialog | InternalNoteDialog) for s in app.screen_stack
        )
        assert file_store(services).identity() == before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffArchiveScreen)
        assert len(rows(app)) == 3


async def test_a_live_request_keeps_its_changes_in_the_ordinary_view(
    console: ConsoleFactory, archived_2025: str
) -> None:
    """The read-only view is the archive's: the request table still offers changes."""
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#search", Input).value = "9000000100"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Change status" in footer_keys(app).values()
        assert app.screen.query_one("#change", Button).display


async def test_f7_searches_a_whole_number_typed_in_the_request_table(
    console: ConsoleFactory, archived_2025: str
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#search", Input).value = "9000000407"
        await settle(pilot)
        assert app.screen.query_one("#requests", DataTable).row_count == 0
        await open_archive(pilot)
        assert app.screen.query_one("#archive-query", Input).value == "9000000407"
        assert [row[0] for row in rows(app)] == ["9000000407"]


async def test_f7_with_part_of_a_number_only_fills_the_field(
    console: ConsoleFactory, archived_2025: str
) -> None:
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#search", Input).value = "90000004"
        await open_archive(pilot)
        assert app.screen.query_one("#archive-query", Input).value == "90000004"
        assert message(app) == PROMPT
        assert rows(app) == []


def test_the_session_search_reads_only_and_needs_a_current_member(
    services: Services, archived_2025: str
) -> None:
    session = StaffSession(services, "staff", CLIENT)
    audit_before = len(services.store.audit_entries())
    found = session.search_archive("٩٠٠٠٠٠٠٤٠٧")
    assert [(a.request.number, a.year) for a in found.found] == [("9000000407", 2026)]
    assert found.wanted == "request 9000000407" and not found.live
    assert len(services.store.audit_entries()) == audit_before
    with pytest.raises(InvalidInput):
        session.search_archive("not a number")
    StaffSession(services, "supervisor", CLIENT).remove_staff("staff")
    with pytest.raises(NotAllowed, match="not in the staff table"):
        session.search_archive(AHMED)

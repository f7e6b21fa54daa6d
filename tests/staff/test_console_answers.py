"""The staff console shows a resident's answer: the choice in the staff's words, the text safe."""

from dataclasses import replace

from textual.widgets import DataTable, Static

from kiosk.domain.statuses import RequestStatus
from kiosk.services import Services
from screens.staff.request import StaffRequestScreen
from tests.staff.conftest import ConsoleFactory, settle

SIZE = (140, 44)
RETURNED = "9000000209"  # Ahmed's exit/re-entry request, returned to him
AHMED = "2109876546"


async def open_request(console: ConsoleFactory, number: str) -> tuple[list[str], str]:
    """The last history row and the fields of request *number*, as the console draws them."""
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*number, "enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestScreen)
        history = app.screen.query_one("#history", DataTable)
        row = [str(cell) for cell in history.get_row_at(history.row_count - 1)]
        return row, str(app.screen.query_one("#fields", Static).render())


async def test_the_console_shows_the_answer_in_the_history(
    console: ConsoleFactory, services: Services
) -> None:
    services.requests.answer_returned(AHMED, RETURNED, "documents_at_counter", "Copy at desk 3")
    row, fields = await open_request(console, RETURNED)
    _, status, by, note = row
    assert status == "Resubmitted"
    assert by == f"kiosk {services.config.kiosk_id} for ******6546"
    assert note == "I brought the documents to the counter — “Copy at desk 3”"
    assert "Resident says  I brought the documents to the counter — “Copy at desk 3”" in fields


async def test_a_hand_edited_answer_is_drawn_safely(
    console: ConsoleFactory, services: Services
) -> None:
    """A data file edited by hand: escapes and overrides in the text never reach the terminal."""
    services.requests.answer_returned(AHMED, RETURNED, "fee_paid")
    with services.store.transaction() as tx:
        request = tx.request(RETURNED)
        assert request is not None and request.status is RequestStatus.RESUBMITTED
        last = replace(request.history[-1], note="paid\x1b]52;c;aGk=\x07 \u202etoday\x1b[2J")
        tx.put_request(replace(request, history=(*request.history[:-1], last)))
    row, _ = await open_request(console, RETURNED)
    assert row[3] == "I paid the fee through SADAD — “paid today”"

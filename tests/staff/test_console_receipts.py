"""The console's receipts screen: reprint, verify a QR payload, retry and drop spooled jobs."""

import socket
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from kiosk.app import make_staff_app
from kiosk.cli.receipts import report_outcome
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig, PrinterConfig
from kiosk.domain.languages import Language
from kiosk.services import Services
from kiosk.services.i18n import staff_words
from kiosk.services.receipts_port import PrintOutcome, Problem, problem_sentence
from screens.staff.receipts import StaffReceiptsScreen, outcome_text
from tests.conftest import file_store, frozen_clock
from tests.staff.conftest import CLIENT, ConsoleFactory, settle

UNDER_REVIEW = "9000000100"
SIZE = (140, 44)


async def test_reprint_and_verify_a_receipt(console: ConsoleFactory, services: Services) -> None:
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StaffReceiptsScreen)
        screen.query_one("#number", Input).value = UNDER_REVIEW
        await pilot.click("#print")
        await settle(pilot)
        printed = list((file_store(services).path.parent / "receipts").iterdir())
        assert len(printed) == 1
        entry = services.store.audit_entries()[-1]
        assert (entry.actor, entry.action, entry.target) == (
            "staff",
            "receipt.reprint",
            UNDER_REVIEW,
        )
        assert entry.details["printed"] is True and entry.details["client"] == CLIENT

        request = services.requests.find(UNDER_REVIEW)
        payload = app.session.receipts.issue(request, Language.ENGLISH).payload
        screen.query_one("#payload", Input).value = payload
        screen.query_one("#payload", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        verdict = str(screen.query_one("#verdict", Static).render())
        assert verdict.startswith("AUTHENTIC")
        assert "unchanged since issue" in verdict
        screen.query_one("#payload", Input).value = payload.replace(UNDER_REVIEW, "9000000209")
        await pilot.press("enter")
        await settle(pilot)
        assert str(screen.query_one("#verdict", Static).render()).startswith("TAMPERED")


async def test_a_receipt_the_printer_refused_waits_in_the_queue_until_dropped(
    demo_db: Path,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on: the printer is "off"
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout=1.0)
    services = open_services(demo_db, KioskConfig(printer=printer), clock=frozen_clock)
    app = make_staff_app(services, "staff", CLIENT, handle_signals=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#number", Input).value = UNDER_REVIEW
        await pilot.click("#print")
        await settle(pilot)
        queue = screen.query_one("#queue", DataTable)
        assert queue.row_count == 1
        assert str(queue.get_row_at(0)[1]) == UNDER_REVIEW
        await pilot.click("#retry")
        await settle(pilot)
        assert queue.row_count == 1
        assert queue.get_row_at(0)[4] == "2"
        # The queue names the problem with the sentence `tawasul spool list` prints for it.
        assert queue.get_row_at(0)[5] == problem_sentence(Problem.PRINTER_OFF, staff_words())
        await pilot.click("#drop")
        await settle(pilot)
        assert queue.row_count == 0
    actions = [e.action for e in services.store.audit_entries()[-3:]]
    assert actions == ["receipt.reprint", "receipt.retry", "receipt.drop"]


def test_the_console_says_a_failed_print_as_the_command_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One catalogue sentence for a printer problem: the console's notice and `tawasul receipt`'s
    report (kiosk.cli.receipts) both carry it."""
    outcome = PrintOutcome(False, "TW1/payload", "000007", Problem.PAPER_OUT)
    sentence = problem_sentence(Problem.PAPER_OUT, staff_words())
    assert sentence in outcome_text(outcome)
    assert report_outcome(outcome) == 1
    assert sentence in capsys.readouterr().out

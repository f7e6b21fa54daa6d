"""One rule for a return: the resident must be told what to do. The console, the staff
service, the requests service and ``tawasul request set-status`` refuse a return without an
action alike, in the same words, and store nothing."""

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.cli import main
from kiosk.domain.statuses import RequestStatus, check_transition
from kiosk.errors import TransitionRefused
from kiosk.services import Services
from kiosk.services.staff import StaffSession
from tests.conftest import file_store
from tests.staff.conftest import CLIENT, ConsoleFactory, settle
from tests.staff.test_console import SIZE, open_request, open_status_change

UNDER_REVIEW = "9000000100"


def the_rule_says() -> str:
    """The domain's sentence for a return without an action."""
    with pytest.raises(TransitionRefused) as refused:
        check_transition(RequestStatus.UNDER_REVIEW, RequestStatus.RETURNED, "Photo too dark")
    return str(refused.value)


def test_every_service_refuses_a_return_without_an_action(services: Services) -> None:
    before = file_store(services).path.read_bytes()
    desk = StaffSession(services, "staff", CLIENT)
    changes: list[Callable[[], object]] = [
        lambda: desk.change_status(UNDER_REVIEW, RequestStatus.RETURNED, "Photo too dark"),
        lambda: desk.change_status(UNDER_REVIEW, RequestStatus.RETURNED, "Dark", "  \n "),
        lambda: services.requests.change_status(
            UNDER_REVIEW, RequestStatus.RETURNED, "amal", "Photo too dark"
        ),
    ]
    for change in changes:
        with pytest.raises(TransitionRefused) as refused:
            change()
        assert str(refused.value) == the_rule_says()
    assert file_store(services).path.read_bytes() == before


def test_the_command_refuses_it_in_the_same_words(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Path(file_store(services).path)
    before = db.read_bytes()
    argv = ["request", "set-status", UNDER_REVIEW, "returned", "--by", "amal"]
    status = main([*argv, "--note", "Photo too dark", "--db", str(db)])
    error = capsys.readouterr().err
    assert status == 2
    assert error.count("\n") == 1 and the_rule_says() in error
    assert db.read_bytes() == before


async def test_the_console_says_it_in_the_dialog(
    console: ConsoleFactory, services: Services
) -> None:
    before = file_store(services).path.read_bytes()
    app = console("staff")
    async with app.run_test(size=SIZE) as pilot:
        await open_request(pilot, UNDER_REVIEW)
        dialog = await open_status_change(pilot)
        await pilot.press("down", "enter", *"Photo too dark", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert str(dialog.query_one("#problem", Static).render()) == the_rule_says()
    assert file_store(services).path.read_bytes() == before

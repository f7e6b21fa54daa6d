"""One definition of where a request stands: the staff table, the command line and the
request service give every request the same expected date and the same lateness."""

from kiosk.cli.commands import request_as_json
from kiosk.services import Services
from kiosk.services.staff import RequestIndex


def test_the_staff_table_and_the_command_agree_with_the_service(services: Services) -> None:
    rows = {row.request.number: row for row in RequestIndex(services).rows()}
    requests = services.requests.list()
    assert len(rows) == len(requests) and any(
        services.requests.progress(r).is_late for r in requests
    )
    for request in requests:
        progress = services.requests.progress(request)
        row = rows[request.number]
        assert (row.submitted, row.expected_by, row.overdue) == (
            progress.submitted,
            progress.expected_by,
            progress.is_late,
        )
        shown = request_as_json(services, request)
        assert shown["expected_by"] == progress.expected_by.isoformat()
        assert (shown["working_days_left"], shown["late"]) == (
            progress.working_days_left,
            progress.is_late,
        )

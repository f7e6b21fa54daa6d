"""Staff see in the audit log how each resident signed in: with the password or with Nafath."""

from textual.widgets import DataTable

from kiosk.services import Services
from kiosk.services.accounts import SignInMethod
from screens.staff.audit import StaffAuditScreen
from tests.staff.conftest import ConsoleFactory, settle

AHMED, ABDULLAH = ("2109876546", "ahmed-2026"), "1234567897"


async def test_the_audit_screen_shows_each_sign_in_and_its_method(
    console: ConsoleFactory, services: Services
) -> None:
    assert services.accounts.sign_in(*AHMED).applicant is not None
    services.accounts.record_sign_in(ABDULLAH, SignInMethod.NAFATH)  # what a Nafath sign-in audits
    app = console()
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StaffAuditScreen)
        table = screen.query_one("#audit", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    signed_in = [(row[2], row[3], row[4]) for row in rows if row[2] == "sign_in"]
    assert signed_in == [
        ("sign_in", "******7897", '{"kiosk": "KIOSK-01", "method": "nafath"}'),
        ("sign_in", "******6546", '{"kiosk": "KIOSK-01", "method": "password"}'),
    ]

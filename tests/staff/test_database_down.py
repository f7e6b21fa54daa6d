"""The console on PostgreSQL when the server stops and starts again: the banner names the
server, the console stays open with what it last read, and reads again once it answers."""

import pytest

from kiosk.app import make_staff_app
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.store.postgres.location import OfficeDatabase
from tests.conftest import frozen_clock
from tests.postgres_cluster import PostgresCluster
from tests.staff.conftest import CLIENT, Notices, settle
from tests.staff.test_write_problem import SIZE, header_says

pytestmark = pytest.mark.slow


async def test_the_console_says_the_server_is_gone_and_goes_on(
    postgres_to_stop: PostgresCluster, demo_office: str
) -> None:
    services = open_services(OfficeDatabase.parse(demo_office), KioskConfig(), clock=frozen_clock)
    app = make_staff_app(services, "supervisor", CLIENT, handle_signals=False)
    notices = Notices()
    server = f"{postgres_to_stop.socket_dir}:{postgres_to_stop.port}"
    banner = f"CANNOT READ OR SAVE: The database server at {server} cannot be reached."
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices.hear) as pilot:
        await settle(pilot)
        postgres_to_stop.pause()
        try:
            await header_says(pilot, banner)
            assert app.is_running
            await pilot.press("f3")  # another screen: its read meets the server's absence
            await settle(pilot)
            assert app.is_running and banner in app.sub_title
        finally:
            postgres_to_stop.resume()
        await header_says(pilot, "CANNOT", present=False)
        assert "The database server answers again." in notices.heard
        await pilot.press("f2")
        await settle(pilot)
        assert app.is_running
    services.store.close()

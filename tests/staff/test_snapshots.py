"""Pictures of the staff console: the request table, a request, its status change, the audit
log and the supervisor's tools, at the size staff terminals have.

The console's own words are English; the data it shows is in both languages. The Arabic
pictures show a request whose action, note and banner staff typed in Arabic, drawn through the
text layer with ``bidi = "app"`` (shaped, reordered, right-aligned). The clock is frozen, the
demo data made at the frozen moment, and cursors stop blinking, so a picture changes only when
the console does.
"""

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app import make_staff_app
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.statuses import RequestStatus
from kiosk.services import Services
from kiosk.services.staff import StaffSession
from tests.conftest import frozen_clock, make_demo_file
from tests.kiosk.test_snapshots import SnapCompare
from tests.staff.conftest import CLIENT, settle

SIZE = (120, 36)
RETURNED = "9000000100"
"""A demo request under review that each picture's data returns to its applicant first."""

ACTION = {
    "en": "Bring your passport and a new photo to counter 4",
    "ar": "أحضر جواز سفرك وصورة حديثة إلى الشباك رقم ٤",
}
NOTE = {
    "en": "Sponsor called; documents expected Sunday.",
    "ar": "اتصل الكفيل؛ المستندات متوقعة يوم الأحد.",
}

Scene = Callable[[Pilot[None]], Awaitable[None]]


async def still(pilot: Pilot[None]) -> None:
    """Background reads done and shown, no cursor blinking."""
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def request_table(pilot: Pilot[None]) -> None:
    """The first page of the request table, as the console opens."""
    await still(pilot)


async def open_request(pilot: Pilot[None]) -> None:
    """The returned request in full: its action, history and internal note."""
    await settle(pilot)
    pilot.app.screen.query_one("#search", Input).value = RETURNED
    await settle(pilot)
    await pilot.press("enter")
    await still(pilot)


async def status_change(pilot: Pilot[None]) -> None:
    """The status change dialog over that request, a new status chosen."""
    await open_request(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("down", "enter")
    await still(pilot)


async def audit_log(pilot: Pilot[None]) -> None:
    """The audit log, with the change and the note just made."""
    await settle(pilot)
    await pilot.press("f3")
    await still(pilot)


async def supervisor_tools(pilot: Pilot[None]) -> None:
    """The supervisor's tools: staff members, residents' accounts."""
    await settle(pilot)
    await pilot.press("f5")
    await still(pilot)


SCENES: dict[str, Scene] = {
    "request_table": request_table,
    "request": open_request,
    "status_change": status_change,
    "audit_log": audit_log,
    "supervisor": supervisor_tools,
}


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The demo office in a file named the same in every run: the audit log shows its name."""
    monkeypatch.chdir(tmp_path)
    bundle = open_services(make_demo_file(Path("tawasul.json")), KioskConfig(), clock=frozen_clock)
    yield bundle
    bundle.store.close()


def staff_wrote(services: Services, language: str) -> None:
    """Staff returned the request with an action, noted it and set a banner, in *language*."""
    session = StaffSession(services, "supervisor", CLIENT)
    session.change_status(RETURNED, RequestStatus.RETURNED, NOTE[language], ACTION[language])
    session.add_note(RETURNED, NOTE[language])


# The supervisor's tools show no typed text: one picture is enough.
PICTURES = [(s, lang) for s in SCENES for lang in ("en", "ar") if (s, lang) != ("supervisor", "ar")]


@pytest.mark.parametrize(("scene", "language"), PICTURES)
def test_staff_console(
    scene: str,
    language: str,
    office: Services,
    snap_compare: SnapCompare,
) -> None:
    """Each console screen, over data staff typed in English and in Arabic."""
    staff_wrote(office, language)
    app = make_staff_app(office, "supervisor", CLIENT, handle_signals=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=SCENES[scene])

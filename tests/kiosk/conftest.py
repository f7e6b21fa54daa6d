"""Fixtures of the resident kiosk tests: apps from the factory, a fake printer, settled pilots."""

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app import make_kiosk_app
from kiosk.app.kiosk import KioskApp
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig, SpeechConfig
from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest
from kiosk.services.clock import Clock
from kiosk.services.receipts_port import PrintOutcome, Problem
from tests.conftest import frozen_clock, make_demo_file

AHMED = ("2109876546", "ahmed-2026")
"""A demo resident who reads English (his requests: 9000000100, 9000000209, 9000000308, …)."""

ABDULLAH = ("1234567897", "abdullah-2026")
"""A demo resident who reads Arabic (9000000506 rejected, 9000000605 resubmitted)."""


class FakeMonotonic:
    """A monotonic clock the test moves by hand (the idle clock, the lookup throttle)."""

    def __init__(self) -> None:
        """Start at an arbitrary moment."""
        self.now = 1000.0

    def __call__(self) -> float:
        """The current reading."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Let *seconds* pass."""
        self.now += seconds


@dataclass
class FakeReceipts:
    """A ReceiptPrinting that prints, or fails with *problem*, and remembers what it was asked."""

    problem: Problem | None = None
    printed: list[str] = field(default_factory=list)
    visits_ended: list[str] = field(default_factory=list)

    def print_receipt(self, request: TawasulRequest, language: str) -> PrintOutcome:
        """Print (or fail to print) *request*'s receipt."""
        self.printed.append(request.number)
        # The shape of the real payload (kiosk.printing.payload), so the QR has its real size.
        payload = f"TW1/{request.number}/RT/20261125T070000Z/000042/KIOSK-01/ABCD/K7Q2M4XW9P3R5T6Y"
        return PrintOutcome(self.problem is None, payload, "000042", self.problem)

    def visit_ended(self, applicant_id: str) -> None:
        """Note that the visit of *applicant_id* ended."""
        self.visits_ended.append(applicant_id)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo data file made once for the session (argon2 hashing is the slow part)."""
    return make_demo_file(tmp_path_factory.mktemp("kiosk-demo") / "demo.json", count=20)


KioskFactory = Callable[..., KioskApp]


@pytest.fixture
def kiosk(demo_template: Path, tmp_path: Path) -> KioskFactory:
    """Build a kiosk over a fresh copy of the demo file with the frozen clock.

    ``kiosk(language, receipts=…, monotonic=…, clock=…, **config changes)``; signals stay
    pytest's. Apps built by one test share its data file, as the kiosks of one office do.
    """

    def build(
        language: Language = Language.ENGLISH,
        receipts: Any = None,
        monotonic: FakeMonotonic | None = None,
        clock: Clock = frozen_clock,
        **config: Any,
    ) -> KioskApp:
        db = tmp_path / "tawasul.json"
        if not db.exists():
            shutil.copy(demo_template, db)
        # No tones unless a test asks: the machine's own aplay would play them on every key.
        config.setdefault("speech", SpeechConfig(tones=False))
        services = open_services(db, replace(KioskConfig(), **config), clock=clock)
        return make_kiosk_app(
            services,
            language,
            receipts if receipts is not None else FakeReceipts(),
            monotonic=monotonic or FakeMonotonic(),
            handle_signals=False,
        )

    return build


BANNER = "Friday 27 November: the office opens at 16:00"
"""A banner as staff set it (the welcome screen shows it)."""


def set_banner(app: KioskApp, text: str) -> None:
    """Set the welcome banner in the app's data file, as the staff console does."""
    with app.services.store.transaction() as tx:
        tx.set_setting("banner", text)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until background work (sign-in, lookups, printing) is done and shown."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10.0
) -> None:
    """Let the app run until *condition* holds, for up to *seconds* of real time.

    For what real timers bring about (the idle check, the countdown's ticks): a fixed pause
    would be too short on a busy machine or long enough to miss a screen that comes and goes.
    """
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the app did not get there in time"
        await pilot.pause(0.05)


async def freeze_cursors(pilot: Pilot[None]) -> None:
    """Stop the blinking cursors, so pictures of the screen do not depend on the moment."""
    await pilot.pause()
    for field_ in pilot.app.screen.query(Input):
        field_.cursor_blink = False
    await pilot.pause()


async def sign_in(pilot: Pilot[None], id_number: str, password: str) -> None:
    """From Welcome, start in the app's language and sign in with the keyboard."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*id_number, "tab")
    await pilot.press(*password, "enter")
    await settle(pilot)

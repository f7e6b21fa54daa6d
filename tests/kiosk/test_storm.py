"""Random keys and clicks on the sign-in and status screens never end in an unhandled error."""

import asyncio
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from kiosk.app import make_kiosk_app
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import Language
from kiosk.services.receipts_port import Problem
from screens.resident import SignInScreen, StatusScreen
from tests.conftest import frozen_clock
from tests.kiosk.conftest import FakeMonotonic, FakeReceipts, settle

KEYS = [
    *"az7-.",
    "٣",
    "tab",
    "shift+tab",
    "enter",
    "escape",
    "backspace",
    "delete",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "space",
    "f1",
    "ctrl+alt+x",
    "ctrl+q",
    "ctrl+c",
]


@dataclass(frozen=True)
class Click:
    """A click at a cell of the 80×24 screen (offset by the screen's padding)."""

    x: int
    y: int


ACTIONS = st.lists(
    st.one_of(
        st.sampled_from(KEYS),
        # Pilot places offsets inside the screen's one-cell side padding: 78 columns reach.
        st.builds(Click, st.integers(0, 77), st.integers(0, 23)),
    ),
    max_size=20,
)


async def on_sign_in(pilot: Pilot[None]) -> None:
    """Start a visit: the sign-in screen."""
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SignInScreen)


async def on_status(pilot: Pilot[None]) -> None:
    """A returned request, found by quick lookup: the status screen."""
    await on_sign_in(pilot)
    await pilot.click("#quick")
    await pilot.pause()
    await pilot.press(*"9000000209", "tab", *"6546", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatusScreen)


def storm(
    template: Path, reach: Callable[[Pilot[None]], Awaitable[None]], actions: list[str | Click]
) -> None:
    """Reach a screen, then play *actions*; the kiosk must still run with no error caught."""

    async def run() -> None:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "tawasul.json"
            shutil.copy(template, db)
            services = open_services(db, KioskConfig(), clock=frozen_clock)
            app = make_kiosk_app(
                services,
                Language.ENGLISH,
                FakeReceipts(problem=Problem.TIMEOUT),
                monotonic=FakeMonotonic(),
                handle_signals=False,
            )
            async with app.run_test(size=(80, 24)) as pilot:
                await reach(pilot)
                for action in actions:
                    if isinstance(action, Click):
                        await pilot.click(offset=(action.x, action.y))
                    else:
                        await pilot.press(action)
                await settle(pilot)
                assert app.is_running
                assert app.unexpected_errors == 0

    asyncio.run(run())


def storm_settings(examples: int) -> settings:
    """Few examples (each starts a kiosk), no deadline, and the session's demo file allowed."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


@storm_settings(8)
@given(actions=ACTIONS)
def test_storm_on_sign_in(demo_template: Path, actions: list[str | Click]) -> None:
    """Keys and clicks anywhere, starting on sign-in."""
    storm(demo_template, on_sign_in, actions)


@storm_settings(5)
@given(actions=ACTIONS)
def test_storm_on_status(demo_template: Path, actions: list[str | Click]) -> None:
    """Keys and clicks anywhere, starting on a status screen with a failing printer."""
    storm(demo_template, on_status, actions)

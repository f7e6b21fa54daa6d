"""A real kiosk process meets each kind of unexpected error and is back at Welcome by itself."""

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.kiosk.terminal import (
    AHMED_KEYS,
    KioskTerminal,
    kiosk_log,
    kiosk_terminal,
    needs_tmux,
    wait_until,
)

__all__ = ["kiosk_terminal"]  # the fixture, used by name

OUT_OF_SERVICE = "This kiosk is out of service"
WELCOME = "Choose your language to start."
NOTICE_SECONDS = 1.0
"""How long the notice stays in these tests (``out_of_service_seconds``)."""


def sign_in(terminal: KioskTerminal) -> None:
    """From Welcome, sign in as Ahmed with the keyboard."""
    terminal.wait_for(WELCOME)
    terminal.press("Enter")
    terminal.wait_for("Sign in with your ID")
    terminal.type(AHMED_KEYS[0])
    terminal.wait_for("Looks like a resident")  # the whole number is in before the Tab
    terminal.press("Tab")
    terminal.type(AHMED_KEYS[1])
    terminal.press("Enter")


def to_types(terminal: KioskTerminal) -> None:
    """Sign in and wait for the request types."""
    sign_in(terminal)
    terminal.wait_for("Welcome, Ahmed K.")


def to_status(terminal: KioskTerminal) -> None:
    """Sign in and open 9000000100 (Iqama inside the Kingdom, the first in its list)."""
    to_types(terminal)
    terminal.press("Down", "Enter")
    terminal.wait_for("Your requests")
    terminal.press("Enter")
    terminal.wait_for("Request 9000000100")


def print_receipt(terminal: KioskTerminal) -> None:
    """Open 9000000100 and press Print (it has the focus)."""
    to_status(terminal)
    terminal.press("Enter")


def open_a_type(terminal: KioskTerminal) -> None:
    """Sign in and choose the second request type."""
    to_types(terminal)
    terminal.press("Down", "Enter")


def start_and_wait(terminal: KioskTerminal) -> None:
    """Start a visit and touch nothing: the idle countdown comes up and ticks."""
    terminal.wait_for(WELCOME)
    terminal.press("Enter")


ROUTES: dict[str, tuple[Callable[[KioskTerminal], None], str]] = {
    "sign-in": (sign_in, ""),
    "worker": (sign_in, ""),
    "screen-handler": (open_a_type, ""),
    "printing": (print_receipt, ""),
    "timer": (start_and_wait, "idle_seconds = 10.0\ncountdown_seconds = 5.0\n"),
}
"""For each planted fault: the keys that lead to it, and the settings it needs."""


@needs_tmux
@pytest.mark.slow
@pytest.mark.parametrize("fault", list(ROUTES))
def test_an_unexpected_error_leaves_a_working_kiosk_at_welcome(
    fault: str,
    kiosk_terminal: Callable[..., KioskTerminal],
    demo_template: Path,
    tmp_path: Path,
) -> None:
    """Out of service, then Welcome by itself once the notice is over; still running after."""
    db = tmp_path / "tawasul.json"
    shutil.copy(demo_template, db)
    route, settings = ROUTES[fault]
    terminal = kiosk_terminal(
        db,
        f"out_of_service_seconds = {NOTICE_SECONDS}\n{settings}",
        launcher=("tests.kiosk.faulty_kiosk", fault, "--"),
    )
    route(terminal)
    terminal.wait_for(OUT_OF_SERVICE)
    # Left untouched: the notice goes away by itself and Welcome is back.
    wait_until(
        lambda: WELCOME in terminal.screen() and OUT_OF_SERVICE not in terminal.screen(),
        NOTICE_SECONDS + 10,
        "Welcome coming back",
    )
    # Some time after the notice, the kiosk still runs, at Welcome, and serves the next person.
    time.sleep(2 * NOTICE_SECONDS)
    assert WELCOME in terminal.screen()
    assert terminal.exit_status() is None, terminal.screen()
    terminal.press("Enter")
    terminal.wait_for("Sign in with your ID")
    assert terminal.stop() == 0
    log = kiosk_log(tmp_path)
    assert f"planted fault: {fault}" in log
    assert "could not recover" not in log
    assert AHMED_KEYS[0] not in log

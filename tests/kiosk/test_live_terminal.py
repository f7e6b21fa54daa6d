"""The kiosk as a real process in a terminal (tmux) shows changes made by other processes:
``tawasul request set-status``, and a staff member in the console over a real sshd."""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import make_demo_file
from tests.staff.test_ssh import SSHD, TAWASUL, SshServer, Terminal, sshd, terminal

__all__ = ["sshd", "terminal"]  # the fixtures, shared with the SSH tests

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux (./dev test installs it)"),
]

MARIA = ("2456789011", "maria-2026")
SOON = 10.0
"""Seconds allowed for a change to show: generous for a loaded machine (it takes under one)."""


def kiosk_in_terminal(open_terminal: Callable[[list[str]], Terminal], db: Path) -> Terminal:
    """The kiosk over *db* in English, in a terminal of the documented minimum size, 80×24."""
    screen = open_terminal([str(TAWASUL), "kiosk", "--db", str(db), "--lang", "en"])
    screen.resize(80, 24)
    screen.wait_for("· Help")
    return screen


def test_a_status_set_from_the_command_line_shows_on_the_open_status(
    tmp_path: Path, terminal: Callable[[list[str]], Terminal]
) -> None:
    db = make_demo_file(tmp_path / "tawasul.json", count=20)
    screen = kiosk_in_terminal(terminal, db)
    screen.type("e")
    screen.wait_for("ID or Iqama number")
    screen.type(MARIA[0])
    screen.press("Tab")
    screen.type(MARIA[1])
    screen.press("Enter")
    screen.wait_for("Visit visas and visit extension: 1")
    screen.press("Down", "Enter")  # from dependants (the first with a request) to visit visas
    screen.wait_for("Request 9000000704")
    assert "Under review" in screen.screen()

    subprocess.run(
        [TAWASUL, "request", "set-status", "--db", str(db), "9000000704", "accepted",
         "--by", "staff", "--note", "Collect at counter 3"],
        check=True, capture_output=True,
    )  # fmt: skip
    screen.wait_for("Collect at counter 3", SOON)
    shown = screen.screen()
    assert "Accepted" in shown and "Updated just now" in shown
    assert "Under review" not in shown.split("History")[0]


@pytest.mark.skipif(not SSHD.exists(), reason="needs openssh-server (./dev test installs it)")
def test_a_banner_set_in_the_console_over_ssh_shows_on_welcome(
    sshd: SshServer, terminal: Callable[[list[str]], Terminal]
) -> None:
    sshd.fresh_data()
    kiosk = kiosk_in_terminal(terminal, sshd.db)
    console = terminal(sshd.command("-tt"))
    console.wait_for("Page 1 of")
    console.press("F4")
    console.wait_for("banner")
    console.type("The office closes at 13:00 today")
    console.press("Enter")
    console.wait_for("The banner is saved.")
    kiosk.wait_for("The office closes at 13:00 today", SOON)

"""A real kiosk process in a real terminal (tmux): type into it, read its screen, see it end."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).parents[2]
"""The repository's top folder: the kiosk runs from here, so ``tests`` can be imported."""

AHMED_KEYS = ("2109876546", "ahmed-2026")
"""The demo resident the real-process tests sign in as."""


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll *condition* until it holds; AssertionError naming *what* after *seconds*."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds:g} s")
        time.sleep(0.1)


RUN_AND_RECORD = """
import subprocess, sys
pid_file, status_file, *command = sys.argv[1:]
child = subprocess.Popen(command)
open(pid_file, "w").write(str(child.pid))
open(status_file, "w").write(str(child.wait()))
"""
"""Runs a command in the foreground of the terminal and writes its pid and exit status down
(tmux does not always reap a pane's process, so it cannot be asked for the status)."""


class KioskTerminal:
    """A detached 80×24 tmux session on its own server, running one command."""

    def __init__(self, folder: Path, command: list[str], env: dict[str, str]) -> None:
        """Run *command* with *env* in a new terminal; tmux's files live in *folder*."""
        self.socket = str(folder / "tmux.sock")
        self._pid_file = folder / "pid"
        self._status_file = folder / "status"
        config = folder / "tmux.conf"
        config.write_text("set -g remain-on-exit on\nset -g status off\n", encoding="utf-8")
        recorded = [sys.executable, "-c", RUN_AND_RECORD, str(self._pid_file),
                    str(self._status_file), *command]  # fmt: skip
        self._tmux("-f", str(config), "new-session", "-d", "-s", "k", "-x", "80", "-y", "24",
                   "-c", str(REPOSITORY), *recorded, env=env)  # fmt: skip
        wait_until(self._pid_file.exists, 10, "the command starting")

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["tmux", "-S", self.socket, *args],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        return done.stdout

    def screen(self) -> str:
        """The visible text of the terminal."""
        return self._tmux("capture-pane", "-p", "-t", "k")

    def wait_for(self, text: str, seconds: float = 20) -> None:
        """Wait until *text* shows, then a moment for the focus to settle on the new screen."""
        try:
            wait_until(lambda: text in self.screen(), seconds, f"{text!r} showing")
        except AssertionError:
            raise AssertionError(f"{text!r} never showed; the screen:\n{self.screen()}") from None
        time.sleep(0.3)

    def type(self, text: str) -> None:
        """Type *text* literally."""
        self._tmux("send-keys", "-t", "k", "-l", text)

    def press(self, *keys: str) -> None:
        """Press tmux key names (Enter, Down, Tab)."""
        self._tmux("send-keys", "-t", "k", *keys)

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended, else None."""
        try:
            return int(self._status_file.read_text(encoding="ascii"))
        except (FileNotFoundError, ValueError):
            return None

    def pid(self) -> int:
        """The command's process id."""
        return int(self._pid_file.read_text(encoding="ascii"))

    def stop(self) -> int | None:
        """SIGTERM the command (if it still runs), wait for it, and return its exit status."""
        if self.exit_status() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid(), signal.SIGTERM)
            try:
                wait_until(lambda: self.exit_status() is not None, 10, "the kiosk ending")
            except AssertionError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid(), signal.SIGKILL)
        return self.exit_status()

    def close(self) -> None:
        """End the terminal and whatever still runs in it."""
        self._tmux("kill-server")


needs_tmux = pytest.mark.skipif(
    not shutil.which("tmux"), reason="needs tmux (./dev test installs it)"
)
"""Skip a test where tmux is missing."""


@pytest.fixture
def kiosk_terminal(tmp_path: Path) -> Iterator[Callable[..., KioskTerminal]]:
    """Start ``tawasul kiosk`` (or a test launcher of it) in terminals closed after the test.

    ``kiosk_terminal(db, config_text, launcher=[...])``: *launcher* is the module to run with
    ``python -m`` and its arguments before the tawasul arguments (default: ``kiosk``).
    """
    opened: list[KioskTerminal] = []

    def start(
        db: Path, config_text: str = "", launcher: tuple[str, ...] = ("kiosk",)
    ) -> KioskTerminal:
        config = tmp_path / "config.toml"
        config.write_text(config_text, encoding="utf-8")
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "XDG_STATE_HOME": str(tmp_path / "state"),
        }
        command = [sys.executable, "-m", *launcher, "kiosk", "--db", str(db),
                   "--config", str(config), "--lang", "en"]  # fmt: skip
        folder = tmp_path / f"terminal-{len(opened)}"
        folder.mkdir()
        terminal = KioskTerminal(folder, command, env)
        opened.append(terminal)
        return terminal

    yield start
    for terminal in opened:
        terminal.stop()
        terminal.close()


def kiosk_log(tmp_path: Path) -> str:
    """What the kiosks of the test logged (their state folder is under *tmp_path*)."""
    log = tmp_path / "state" / "tawasul" / "tawasul.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""

"""SIGTERM and SIGHUP end a real kiosk process cleanly, in a real terminal (a pty)."""

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest


def read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    """Read the terminal's output until *wanted* shows up or *seconds* pass."""
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def wait_exit(pid: int, fd: int, seconds: float) -> int | None:
    """The exit code of *pid*, or None if it is still running after *seconds*."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        read_until(fd, b"\x00never", 0.05)  # keep the terminal drained
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
    return None


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_ends_the_kiosk_cleanly(
    stop: signal.Signals, demo_template: Path, tmp_path: Path
) -> None:
    """The kiosk leaves the terminal and exits 0 within seconds of the signal."""
    db = tmp_path / "tawasul.json"
    db.write_bytes(demo_template.read_bytes())
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "COLUMNS": "80"}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command in the pty
        os.execve(
            sys.executable,
            [sys.executable, "-m", "kiosk", "kiosk", "--db", str(db), "--lang", "en"],
            env,
        )
    code: int | None = None
    try:
        shown = read_until(fd, b"Choose your language to start.", 20)
        assert b"Choose your language to start." in shown
        os.kill(pid, stop)
        code = wait_exit(pid, fd, 10)
        assert code == 0
    finally:
        if code is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)

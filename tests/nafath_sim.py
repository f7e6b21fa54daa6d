"""The Nafath simulator as a real process on a free port, for the tests that sign in with it."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kiosk.nafath.api import APP_ID_VARIABLE, APP_KEY_VARIABLE
from kiosk.nafath.simulator import answer_on_phone

APP_ID, APP_KEY = "tawasul-tests", "a-test-key"
"""The credentials the simulators of the tests accept (set in the tests' environment too)."""

CREDENTIALS = {APP_ID_VARIABLE: APP_ID, APP_KEY_VARIABLE: APP_KEY}


@dataclass
class RunningSimulator:
    """A ``tawasul nafath-sim`` process and where it listens."""

    process: "subprocess.Popen[str]"
    port: int

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def phone(self, national_id: str, number: str, approve: bool = True) -> str:
        """Answer on the resident's phone, as ``tawasul nafath-sim approve|reject`` does."""
        return answer_on_phone(self.url, national_id, number, approve)

    def stop(self) -> None:
        """End the process (the provider goes down)."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@contextmanager
def running_simulator(window_seconds: float = 60.0) -> Iterator[RunningSimulator]:
    """A simulator on a free port with the tests' credentials, stopped afterwards."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "nafath-sim",
            "--port",
            "0",
            "--window",
            f"{window_seconds}",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **CREDENTIALS},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    found = re.search(r"127\.0\.0\.1:(\d+)", first)
    assert found, f"the simulator did not start: {first!r}"
    simulator = RunningSimulator(process, int(found.group(1)))
    try:
        yield simulator
    finally:
        simulator.stop()
        process.stdout.close()

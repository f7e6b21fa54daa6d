"""Issue 19's guards from the benchmark's side: each in its own process (bench.worker), over
our store's copy of the data, reported as Figures with a baseline to divide by."""

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.guards import STAFF_LOGIN
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.models import StaffMember, StaffRole

PYTHON = sys.executable

PASSWORD = "bench password"
"""The password the benchmark gives the people who sign in at its kiosks."""


@dataclass(frozen=True)
class GuardCounts:
    """How many visits and console openings the memory guards run: the warm-up, then the last
    (bench.__main__.GUARDS says why these)."""

    visits: tuple[int, int] = (25, 150)
    openings: tuple[int, int] = (25, 200)


def give_passwords(path: Path, people: list[str]) -> list[tuple[str, str]]:
    """Give *people* the benchmark's password, hashed by the policy in force, and put the
    console's staff member in the staff table; returns (ID, password) for each person."""
    from kiosk.services.passwords import password_policy

    services = open_services(path, KioskConfig())
    try:
        hashed = password_policy().hash(PASSWORD)
        with services.store.transaction() as tx:
            for id_number in people:
                applicant = tx.applicant(id_number)
                if applicant is None:
                    raise RuntimeError(f"the bench data has no applicant {id_number}")
                tx.put_applicant(replace(applicant, password_hash=hashed))
            tx.put_staff(StaffMember(STAFF_LOGIN, "Bench Staff", StaffRole.STAFF))
    finally:
        services.store.close()
    return [(id_number, PASSWORD) for id_number in people]


def _resident_mb(arguments: list[str]) -> tuple[float, float]:
    """Run the memory guard *arguments*; its RSS after the warm-up and after the last round."""
    output = subprocess.run(
        [PYTHON, "-m", "bench.worker", *arguments],
        check=True,
        stdout=subprocess.PIPE,  # its errors go straight to the benchmark's stderr
        text=True,
        timeout=3600,
    ).stdout
    found = [float(line.split()[2]) for line in output.splitlines() if line.startswith("rss ")]
    if len(found) != 2:
        raise RuntimeError(f"the {arguments[0]} guard reported {output!r}")
    return found[0], found[1]


def kiosk_visits_mb(
    path: Path, counts: tuple[int, int], people: list[tuple[str, str]]
) -> tuple[float, float]:
    """The kiosk's RSS after the warm-up's visits and after the last (MB)."""
    signing_in = [part for person in people for part in person]
    return _resident_mb(["visits", str(path), *map(str, counts), *signing_in])


def console_openings_mb(path: Path, counts: tuple[int, int]) -> tuple[float, float]:
    """The staff console's RSS after the warm-up's request openings and after the last (MB)."""
    return _resident_mb(["openings", str(path), *map(str, counts)])


@dataclass(frozen=True)
class ConsoleTimes:
    """Medians, in ms: the console's start to its first list, a filter, a find."""

    start: float
    filter: float
    find: float


def console_run(path: Path, numbers: list[str], rounds: int = 3) -> tuple[float, float, float]:
    """One console process: seconds from its start to its first list drawn, then the median ms
    of *rounds* filters and finds (of *numbers*) as it reports them."""
    command = [PYTHON, "-m", "bench.worker", "console", str(path), str(rounds), *numbers]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    ready = process.stdout.readline()
    elapsed = time.perf_counter() - started
    rest = process.stdout.read()
    if process.wait(timeout=120) != 0 or ready.strip() != "ready":
        raise RuntimeError("the staff console did not start")
    times = dict(line.split() for line in rest.splitlines())
    return elapsed, float(times["filter"]), float(times["find"])


def median_console(runs: list[tuple[float, float, float]]) -> ConsoleTimes:
    """The medians of several console runs."""
    starts, filters, finds = zip(*runs, strict=True)
    return ConsoleTimes(
        statistics.median(starts) * 1000, statistics.median(filters), statistics.median(finds)
    )

"""Running the measurements: one size at a time, each backend in turn, helpers in subprocesses."""

import compileall
import contextlib
import importlib.util
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench import guard_runs
from bench.backends import BACKENDS, Backend, build, open_backend
from bench.dataset import Dataset, make_dataset
from bench.guard_runs import GuardCounts
from kiosk.cli.wiring import open_services
from kiosk.domain.languages import Language
from kiosk.domain.request_numbers import make_request_number

PYTHON = sys.executable


@dataclass
class Figure:
    """One measured quantity at one size: the median of each backend (None: not applicable)."""

    size: int
    metric: str
    unit: str
    values: dict[str, float | None] = field(default_factory=dict)
    note: str = ""
    baseline: float | None = None
    """What a ratio target divides by: for the kiosk's start, a bare Textual app's median,
    started in turn with the kiosk; for a number held nowhere, a found one's."""
    baseline_name: str = "bare Textual app, started in turn with it"

    def ratio(self, other: str) -> float | None:
        """Ours divided by *other*'s (below 1: ours is faster or smaller)."""
        ours, theirs = self.values.get("tawasul"), self.values.get(other)
        if ours is None or not theirs:
            return None
        return ours / theirs


@dataclass(frozen=True)
class Budget:
    """How long each measurement may take: enough repetitions for a median, bounded in time."""

    seconds: float = 2.0
    most: int = 200
    least: int = 3


def median_ms(operation: Callable[[int], float], budget: Budget) -> float:
    """The median of the seconds *operation(i)* reports, in ms, repeated within *budget*."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < budget.most and (
        len(times) < budget.least or time.perf_counter() - started < budget.seconds
    ):
        times.append(operation(len(times)))
    return statistics.median(times) * 1000


def timed(action: Callable[[], object]) -> float:
    """The seconds *action* takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure_size(
    size: int, budget: Budget, startup_runs: int, guards: GuardCounts | None = None
) -> tuple[dict[str, int], list[Figure]]:
    """What the data at *size* holds, and every figure, each backend on its own copy of it;
    with *guards*, the memory guards too (kiosk visits, console openings: minutes, not seconds).
    """
    data = make_dataset(size)
    rng = random.Random(size)
    numbers = data.live_numbers()
    rng.shuffle(numbers)
    people = data.applicants_with_requests()
    rng.shuffle(people)
    old = data.archived_numbers()
    rng.shuffle(old)
    # Valid request numbers (check digit and all) that no backend holds: a resident's typo.
    nowhere = _unknown_numbers(rng, {r.number for r in data.requests}, 50)
    movable = data.movable_numbers()
    rng.shuffle(movable)
    # The writer process and this one change different requests, so neither waits on the other.
    ours, theirs = movable[::2], movable[1::2]
    figures = {
        key: Figure(size, label, unit)
        for key, label, unit in (
            ("lookup", "lookup by number, warm", "ms"),
            ("old", "lookup of an archived request", "ms"),
            ("nowhere", "lookup of a number held nowhere", "ms"),
            ("after_write", "lookup after another process wrote", "ms"),
            ("person", "a person's requests by ID", "ms"),
            ("change", "durable status change", "ms"),
            ("change_after_write", "status change after another process wrote", "ms"),
            ("memory", "peak memory, process holding the data", "MB"),
        )
    }
    first_screen: FirstScreens | None = None
    memory: list[Figure] = []
    receipt: float | None = None
    sign_in: tuple[float, float] | None = None
    live: float | None = None
    with tempfile.TemporaryDirectory(prefix="tawasul-bench-") as folder:
        for name in BACKENDS:
            path = build(name, Path(folder), data)
            backend = open_backend(name, path)
            try:
                backend.lookup(numbers[0])  # ours loads the file here; the others have no state
                samples = Samples(numbers, old, nowhere, people, ours, theirs)
                values, notes = _measure_backend(name, path, backend, samples, budget)
            finally:
                backend.close()
            # A kiosk's day in miniature: current requests, a person's list, an old request.
            values["memory"] = _peak_memory(name, path, numbers[:5] + old[:2], people[:2])
            for key, value in values.items():
                figures[key].values[name] = value
            for key, note in notes.items():
                figures[key].note = f"{name}: {note}"
            if name == "tawasul":
                signing_in = guard_runs.give_passwords(path, people[:4])
                first_screen = first_screens_ms(path, startup_runs, numbers[:20])
                if guards is not None:
                    memory = _memory_guards(size, path, guards, signing_in)
                receipt = _receipt_ms(path, numbers[0], budget)
                sign_in = _sign_in_ms(path, [id_number for id_number, _ in signing_in])
                live = staff_change_to_screen_ms(path, theirs[0])
    result = list(figures.values())
    nowhere_ms, found_ms = (figures[key].values.get("tawasul") for key in ("nowhere", "lookup"))
    result.append(
        Figure(
            size,
            "lookup held nowhere ÷ found",
            "ms",
            {"tawasul": nowhere_ms},
            baseline=found_ms,
            baseline_name="lookup by number, warm (found)",
        )
    )
    assert first_screen is not None
    bare_ms = first_screen.bare
    result.append(
        Figure(
            size, "kiosk start to first screen", "ms", {"tawasul": first_screen.kiosk},
            baseline=bare_ms,
        )
    )  # fmt: skip
    console = first_screen.console
    live_note = f"{len(numbers):,} live requests in the console's table"
    for metric, value in (
        ("staff console start to first list", console.start),
        ("staff console filter by status", console.filter),
        ("staff console find by number", console.find),
    ):
        result.append(Figure(size, metric, "ms", {"tawasul": value}, live_note, baseline=bare_ms))
        live_note = ""
    result.append(
        Figure(
            size,
            "receipt rendering",
            "ms",
            {"tawasul": receipt},
            "" if receipt is not None else "kiosk.services.receipts not available",
        )
    )
    assert sign_in is not None
    unknown_ms, known_ms = sign_in
    result.append(
        Figure(
            size, "sign-in, unknown ID, wrong password", "ms", {"tawasul": unknown_ms},
            baseline=known_ms, baseline_name="sign-in, known ID, wrong password, in turn",
        )
    )  # fmt: skip
    result.append(Figure(size, "staff change to the kiosk's screen", "ms", {"tawasul": live}))
    return data_summary(data), result + memory


def _memory_guards(
    size: int, path: Path, counts: GuardCounts, people: list[tuple[str, str]]
) -> list[Figure]:
    """Issue 19's memory guards: the kiosk's RSS over scripted visits and the console's over
    requests opened from its table, the last round's against the warm-up's.

    The two run side by side, the console over its own copy of the data (the kiosk's sign-ins
    write): they measure memory, not time, and one after the other they took most of the run.
    """
    with tempfile.TemporaryDirectory(prefix="tawasul-bench-console-") as spare:
        # Ours is built first: the folder holds its live file, archives and number sets alone.
        for part in path.parent.iterdir():
            if part.is_file():
                shutil.copy2(part, Path(spare) / part.name)
        with ThreadPoolExecutor(max_workers=2) as pool:
            visits = pool.submit(guard_runs.kiosk_visits_mb, path, counts.visits, people)
            openings = pool.submit(
                guard_runs.console_openings_mb, Path(spare) / path.name, counts.openings
            )
            measured = (visits.result(), openings.result())
    figures = []
    for metric, (warm, last), what, (warm_mb, last_mb) in zip(
        ("kiosk memory over visits", "staff console memory over openings"),
        (counts.visits, counts.openings),
        ("scripted visits", "requests opened"),
        measured,
        strict=True,
    ):
        figures.append(
            Figure(
                size, metric, "MB", {"tawasul": last_mb},
                f"resident memory after {last:,} {what}, divided by the one after {warm:,}",
                baseline=warm_mb, baseline_name=f"after the warm-up's {warm:,} {what}",
            )
        )  # fmt: skip
    return figures


@dataclass(frozen=True)
class Samples:
    """What the measurements ask for, the same for every backend."""

    live: list[str]
    old: list[str]
    nowhere: list[str]
    people: list[str]
    to_change: list[str]
    for_the_writer: list[str]


def _measure_backend(
    name: str, path: Path, backend: Backend, samples: Samples, budget: Budget
) -> tuple[dict[str, float | None], dict[str, str]]:
    """The figures of one backend, and a note for any it could not measure."""
    numbers, people, theirs = samples.live, samples.people, samples.for_the_writer
    values: dict[str, float | None] = {}
    notes: dict[str, str] = {}

    def lookups(wanted: list[str]) -> float | None:
        if not wanted:
            return None
        return median_ms(lambda i: timed(lambda: backend.lookup(wanted[i % len(wanted)])), budget)

    values["lookup"] = lookups(numbers)
    values["old"] = lookups(samples.old)
    values["nowhere"] = lookups(samples.nowhere)
    values["person"] = median_ms(
        lambda i: timed(lambda: backend.requests_of(people[i % len(people)])), budget
    )
    writer = subprocess.Popen(
        [PYTHON, "-m", "bench.worker", "writer", name, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None and writer.stderr is not None
    stdin, stdout, stderr = writer.stdin, writer.stdout, writer.stderr

    def other_process_writes(i: int) -> None:
        stdin.write(f"advance {theirs[i % len(theirs)]}\n")
        stdin.flush()
        if stdout.readline().strip() != "ok":
            error = stderr.read().strip().splitlines()
            raise WriterFailed(error[-1] if error else "the writer process stopped")

    def after_write(i: int) -> float:
        other_process_writes(i)
        return timed(lambda: backend.lookup(numbers[(i * 7 + 1) % len(numbers)]))

    ours = samples.to_change

    def change(i: int) -> float:
        return timed(lambda: backend.advance(ours[i % len(ours)], "bench"))

    def change_after_write(i: int) -> float:
        other_process_writes(i + 1000)
        return change(i + 1000)

    # Fewer repetitions where each waits for the other process's durable write.
    slow = Budget(budget.seconds * 2, 30, budget.least)
    try:
        values["after_write"] = median_ms(after_write, slow)
        values["change"] = median_ms(change, Budget(budget.seconds, 50, budget.least))
        # Staff consoles take turns: this is the usual case in an office, not the one above.
        # Plain TinyDB rereads and rewrites everything either way, and at 100,000 one round
        # takes half a minute, so it is not repeated where a change takes more than a second.
        values["change_after_write"] = None
        if (values["change"] or 0) > 1000:
            notes["change_after_write"] = "not repeated: every change rereads and rewrites it all"
        else:
            try:
                values["change_after_write"] = median_ms(change_after_write, slow)
            except WriterFailed as failure:
                notes["change_after_write"] = f"failed in the other process: {failure}"
    finally:
        with contextlib.suppress(BrokenPipeError):
            stdin.close()
        writer.wait(timeout=60)
    return values, notes


class WriterFailed(RuntimeError):
    """The other process stopped with an error instead of making its change."""


def _unknown_numbers(rng: random.Random, taken: set[str], count: int) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        number = make_request_number(rng)
        if number not in taken:
            found.append(number)
    return found


def _peak_memory(name: str, path: Path, numbers: list[str], people: list[str]) -> float:
    # A fresh process, so the figure is what a kiosk holding this data needs, nothing of ours.
    output = subprocess.run(
        [PYTHON, "-m", "bench.worker", "memory", name, str(path), *numbers, "--", *people],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output.strip().splitlines()[-1])


def compile_bytecode() -> None:
    """Compile our modules as an installed kiosk has them: pip compiles a wheel's modules when
    it installs them, but a checkout run with PYTHONDONTWRITEBYTECODE (CI, containers) would
    compile every module again at each start and time that instead."""
    for package in ("kiosk", "screens", "widgets", "bench"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


@dataclass(frozen=True)
class FirstScreens:
    """Medians in ms: the kiosk's start, a bare Textual app's, and the staff console's."""

    kiosk: float
    bare: float
    console: guard_runs.ConsoleTimes


def first_screens_ms(path: Path, runs: int, numbers: list[str]) -> FirstScreens:
    """Median ms from starting a Python process to the first screen being drawn: the kiosk's
    on the data at *path*, a bare Textual app's (one Static), and the staff console's (to its
    first list of requests, then its filters and finds of *numbers*), started in turn so all
    three meet the same load on a shared machine."""
    kiosk: list[float] = []
    bare: list[float] = []
    console: list[tuple[float, float, float]] = []
    for _ in range(runs):
        bare.append(_first_screen_seconds(["bare"]))
        kiosk.append(_first_screen_seconds(["kiosk", str(path)]))
        console.append(guard_runs.console_run(path, numbers))
    return FirstScreens(
        statistics.median(kiosk) * 1000,
        statistics.median(bare) * 1000,
        guard_runs.median_console(console),
    )


def _first_screen_seconds(arguments: list[str]) -> float:
    command = [PYTHON, "-m", "bench.worker", "startup", *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.wait(timeout=60)
    if line.strip() != "ready":
        raise RuntimeError(f"the {arguments[0]} app did not start")
    return elapsed


def staff_change_to_screen_ms(path: Path, number: str, rounds: int = 5) -> float:
    """Median ms from another process starting a status change of *number* to a headless
    kiosk (its own process, showing *number*) drawing the new status."""
    kiosk = subprocess.Popen(
        [PYTHON, "-m", "bench.worker", "live", str(path), number, str(rounds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    writer = subprocess.Popen(
        [PYTHON, "-m", "bench.worker", "writer", "tawasul", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert kiosk.stdout is not None and writer.stdin is not None and writer.stdout is not None
    times: list[float] = []
    try:
        if kiosk.stdout.readline().strip() != "ready":
            raise RuntimeError("the kiosk did not start")
        for _ in range(rounds):
            started = time.perf_counter()
            writer.stdin.write(f"advance {number}\n")
            writer.stdin.flush()
            if writer.stdout.readline().strip() != "ok" or kiosk.stdout.readline() != "shown\n":
                raise RuntimeError("the change was not made or not shown")
            times.append(time.perf_counter() - started)
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
        kiosk.wait(timeout=60)
    return statistics.median(times) * 1000


def _receipt_ms(path: Path, number: str, budget: Budget) -> float | None:
    """Median ms to issue one receipt (picture and printer bytes), or None if not available yet."""
    try:
        from kiosk.services.receipts import ReceiptService
    except ImportError:
        return None
    from kiosk.config import KioskConfig

    services = open_services(path, KioskConfig())
    try:
        receipts = ReceiptService.open(services)
        request = services.requests.find(number)
        receipts.issue(request, Language.ARABIC)  # the first one loads the fonts and makes the key
        return median_ms(lambda i: timed(lambda: receipts.issue(request, Language.ARABIC)), budget)
    finally:
        services.store.close()


def _sign_in_ms(path: Path, known: list[str], tries: int = 3) -> tuple[float, float]:
    """Median ms of a wrong password for an unknown ID and for a known one, tried in turn.

    The *known* IDs have the benchmark's password, hashed by the policy in force
    (guard_runs.give_passwords); *tries* each stays under the lockout, which would answer
    without hashing.
    """
    from kiosk.config import KioskConfig
    from kiosk.domain.digits import luhn_check_digit

    services = open_services(path, KioskConfig())
    try:
        bodies = (f"2{n:08d}" for n in range(10_000_000, 99_999_999))
        unknown = (
            number
            for body in bodies
            if services.store.applicant(number := body + str(luhn_check_digit(body))) is None
        )
        times: dict[bool, list[float]] = {True: [], False: []}
        for id_number in known * tries:
            for is_known, tried in ((True, id_number), (False, next(unknown))):
                started = time.perf_counter()
                services.accounts.sign_in(tried, "a wrong guess")
                times[is_known].append(time.perf_counter() - started)
        return statistics.median(times[False]) * 1000, statistics.median(times[True]) * 1000
    finally:
        services.store.close()


def data_summary(data: Dataset) -> dict[str, int]:
    """How many of each thing a data set holds (live: left in our live file by the archive)."""
    return {
        "requests": len(data.requests),
        "live": len(data.live_numbers()),
        "applicants": len(data.applicants),
        "audit_entries": len(data.audit),
    }

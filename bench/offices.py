"""Many offices: the file store beside PostgreSQL (``python -m bench --backend postgresql``).

The same synthetic data (bench.dataset) is dealt out to the offices, a request to each in turn,
with its applicant and its audit entries. The file store keeps an office a data file, built as
the benchmark builds ours and archived as the office archives it; PostgreSQL gets every office
in one database by ``tawasul db migrate``'s own copy (kiosk.store.postgres.copy). The server is
a throw-away cluster this run starts (tests/postgres_cluster.py, the tests' code) and deletes,
durable as an office's is: fsync, full page writes and synchronous commit on.

Measured for each backend, in this order:

- lookup by number: a live request of a random office, the store already open (warm);
- durable status change: RequestService.change_status on a random office;
- a change reaching another process's subscriber: a process subscribed to an office's change
  signal (inotify on the file's folder; LISTEN/NOTIFY) prints when it is told, and the time runs
  from before this process's transaction begins until then (one clock, CLOCK_MONOTONIC);
- load: N kiosk and M staff processes (bench.worker ``load``), each an office's in turn, for T
  seconds; a kiosk looks requests up and opens one every fourth operation, a staff member
  changes statuses; each waits a think time between operations, as people do. Every write a
  process saw committed is looked for afterwards: a missing one is a lost write.
"""

import json
import os
import random
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.backends import build
from bench.dataset import NEXT_IN_CYCLE, Dataset, make_dataset
from bench.run import Budget, median_ms, timed
from kiosk.cli.wiring import open_store
from kiosk.domain.calendar import WorkingDayCalendar
from kiosk.resources import request_types
from kiosk.services.requests import RequestService
from kiosk.store.port import Store
from kiosk.store.postgres.copy import copy_office
from kiosk.store.postgres.location import OfficeDatabase, is_database_url

BACKENDS = ("file", "postgresql")
"""The columns: an office a data file, and every office in one PostgreSQL database."""

DATABASE = "bench"
"""The database the benchmark's offices are copied into."""

PYTHON = sys.executable

_READY_SECONDS = 300.0
"""How long the load's processes may take to start (many Pythons on a couple of cores)."""


@dataclass(frozen=True)
class Load:
    """What the benchmark puts on the offices."""

    requests: int = 100_000
    offices: int = 20
    kiosks: int = 50
    staff: int = 10
    seconds: float = 60.0
    think_ms: float = 200.0
    """What a process waits between two operations (a person at a kiosk or a desk)."""
    rounds: int = 20
    """How many changes the subscriber is timed on."""


FULL = Load()
"""The issue's sizes: the targets are judged only there."""


@dataclass
class Column:
    """One backend's figures (None: not measured)."""

    lookup_ms: float | None = None
    change_ms: float | None = None
    subscriber_ms: float | None = None
    subscriber_max_ms: float | None = None
    operations: int = 0
    writes: int = 0
    lost: int = 0
    failed: int = 0
    p99_ms: float | None = None
    p99_write_ms: float | None = None
    notes: list[str] = field(default_factory=list)


def office_code(index: int) -> str:
    """The code of the benchmark's office *index*."""
    return f"BR{index + 1:02d}"


def deal(data: Dataset, offices: int) -> list[Dataset]:
    """*data* dealt out to *offices*: each request in turn, with its applicant and audit."""
    shares: list[Dataset] = [Dataset([], [], []) for _ in range(offices)]
    office_of: dict[str, int] = {}
    for index, request in enumerate(data.requests):
        office_of[request.number] = index % offices
        shares[index % offices].requests.append(request)
    people = {a.id_number: a for a in data.applicants}
    for share in shares:
        wanted = sorted({r.applicant_id for r in share.requests})
        share.applicants.extend(people[id_number] for id_number in wanted)
    for entry in data.audit:
        shares[office_of[entry.target]].audit.append(entry)
    return shares


def build_files(folder: Path, shares: list[Dataset]) -> list[str]:
    """An office's data file for each share (archived as the office archives); their paths."""
    paths = []
    for index, share in enumerate(shares):
        office = folder / office_code(index)
        office.mkdir()
        paths.append(str(build("tawasul", office, share)))
    return paths


def build_database(url: str, files: list[str]) -> list[str]:
    """Each office's data file copied into the database at *url*; the offices' URLs."""
    locations = []
    for index, path in enumerate(files):
        target = OfficeDatabase.parse(url, office_code(index))
        copy_office(Path(path), target)
        locations.append(target.url)
    return locations


def open_location(location: str) -> Store:
    """The store at *location* (a data file's path or an office's URL)."""
    if is_database_url(location):
        return open_store(OfficeDatabase.parse(location))
    return open_store(Path(location))


def service(store: Store) -> RequestService:
    """The request use cases over *store*, as the kiosk and the console have them."""
    return RequestService(store, request_types(), WorkingDayCalendar.with_closures(frozenset()))


@dataclass(frozen=True)
class Office:
    """An office's numbers the measurements ask for: live ones, and ones a change can move."""

    live: list[str]
    movable: list[str]


def office_numbers(shares: list[Dataset], seed: int = 20) -> list[Office]:
    """Each office's live and movable numbers, shuffled."""
    rng = random.Random(seed)
    offices = []
    for share in shares:
        live, movable = share.live_numbers(), share.movable_numbers()
        rng.shuffle(live)
        rng.shuffle(movable)
        offices.append(Office(live, movable))
    return offices


def measure_backend(
    locations: list[str], offices: list[Office], load: Load, budget: Budget
) -> Column:
    """Every figure of one backend whose offices are at *locations*."""
    column = Column()
    rng = random.Random(len(locations))
    with ExitStack() as stack:
        stores = [stack.enter_context(closing(open_location(at))) for at in locations]
        for store, office in zip(stores, offices, strict=True):
            store.request(office.live[0])  # the file store reads its file here; PG connects
        picks = [rng.randrange(len(stores)) for _ in range(budget.most)]

        def lookup(i: int) -> float:
            o = picks[i % len(picks)]
            wanted = offices[o].live[i % len(offices[o].live)]
            return timed(lambda: stores[o].request(wanted))

        column.lookup_ms = median_ms(lookup, budget)
        # The measurement's own requests: the first movable ones (the load's are after them).
        services = [service(store) for store in stores]

        def change(i: int) -> float:
            o = picks[i % len(picks)]
            number = offices[o].movable[i % 8]
            return timed(lambda: advance(services[o], number, "bench"))

        column.change_ms = median_ms(change, budget)
        times = subscriber_ms(locations[0], services[0], offices[0].movable[8:12], load.rounds)
        column.subscriber_ms = statistics.median(times)
        column.subscriber_max_ms = max(times)
    run_load(locations, offices, load, column)
    return column


def advance(requests: RequestService, number: str, by: str, note: str = "Next step.") -> None:
    """One durable status change of *number* along the benchmark's cycle."""
    current = requests.find(number)
    requests.change_status(number, NEXT_IN_CYCLE[current.status], by, note, note)


class Helper:
    """A bench.worker process, read a line at a time straight from its pipe (a buffered
    reader would hold lines back from select, and the subscriber's timing needs each one as
    it comes)."""

    def __init__(self, *arguments: str) -> None:
        """Start ``python -m bench.worker *arguments``."""
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.worker", *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        assert self.process.stdout is not None
        self._fd = self.process.stdout.fileno()
        self._buffer = b""
        self.ended = False
        """Whether its output has ended (it closed its standard output, or exited)."""

    def line(self, seconds: float) -> str:
        """The next line it prints, or '' if none comes within *seconds* (or it ended)."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self._fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return ""
            chunk = os.read(self._fd, 65536)
            if not chunk:
                self.ended = True
                return ""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def send(self, line: str) -> None:
        """Write *line* to its standard input."""
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def last_line(self, seconds: float) -> str:
        """Its last line, once it ends (within *seconds*, or it is killed)."""
        deadline = time.monotonic() + seconds
        last = ""
        while not self.ended and time.monotonic() < deadline:
            last = self.line(deadline - time.monotonic()) or last
        return last

    def stop(self) -> None:
        """Kill it if it still runs, and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


@contextmanager
def helper(*arguments: str) -> Iterator[Helper]:
    """A bench.worker process, killed if it still runs when the block ends."""
    process = Helper(*arguments)
    try:
        yield process
    finally:
        process.stop()


def subscriber_ms(
    location: str, requests: RequestService, numbers: list[str], rounds: int
) -> list[float]:
    """How long each of *rounds* changes took to reach another process's subscriber, in ms."""
    times: list[float] = []
    with helper("subscribe", location) as process:
        if process.line(_READY_SECONDS).strip() != "ready":
            raise RuntimeError("the subscriber process did not start")
        for i in range(rounds):
            time.sleep(0.2)
            # Whatever the last change still stirred (a file store hears a rename and a write).
            while process.line(0.0):
                pass
            started = time.monotonic()
            advance(requests, numbers[i % len(numbers)], "bench.subscriber")
            heard = process.line(5.0).split()
            if not heard:
                raise RuntimeError("the subscriber was not told of a change within 5 s")
            times.append((float(heard[1]) - started) * 1000)
    return times


def run_load(locations: list[str], offices: list[Office], load: Load, column: Column) -> None:
    """*load*'s kiosk and staff processes on the offices at once; what they did and lost."""
    # Staff share their office's movable requests out, so no two change the same one.
    staff_of: dict[int, list[int]] = {}
    for s in range(load.staff):
        staff_of.setdefault(s % len(locations), []).append(s)
    plans: list[tuple[str, int, list[str]]] = []
    for k in range(load.kiosks):
        o = k % len(locations)
        plans.append(("kiosk", o, offices[o].live[:200]))
    for s in range(load.staff):
        o = s % len(locations)
        mine = offices[o].movable[12:][staff_of[o].index(s) :: len(staff_of[o])]
        plans.append(("staff", o, mine[:200]))
    with ExitStack() as stack:
        processes = []
        for i, (role, o, numbers) in enumerate(plans):
            arguments = [role, locations[o], f"{role}-{i}", str(load.seconds), str(load.think_ms)]
            processes.append(stack.enter_context(helper("load", *arguments, *numbers)))
        for process in processes:
            if process.line(_READY_SECONDS).strip() != "ready":
                raise RuntimeError("a load process did not start")
        for process in processes:  # all at once: the load is the same for every backend
            process.send("go")
        reports = []
        for process in processes:
            last = process.last_line(load.seconds + 120)
            if not last.startswith("{"):
                raise RuntimeError("a load process ended without its report")
            reports.append(json.loads(last))
    every: list[float] = []
    writes: list[float] = []
    for report in reports:
        every.extend(report["read_ms"])
        every.extend(report["write_ms"])
        writes.extend(report["write_ms"])
        column.failed += report["failed"]
    column.operations = len(every)
    column.writes = len(writes)
    column.p99_ms = _p99(every)
    column.p99_write_ms = _p99(writes)
    column.lost = count_lost(locations, plans, reports)
    if column.failed:
        column.notes.append(f"{column.failed} operations failed: {reports[0]['first_error']}")


def _p99(values: list[float]) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def count_lost(
    locations: list[str], plans: list[tuple[str, int, list[str]]], reports: list[dict[str, object]]
) -> int:
    """How many writes the processes saw committed are not in their office now."""
    lost = 0
    stores: dict[int, Store] = {}
    try:
        for (_, o, _), report in zip(plans, reports, strict=True):
            store = stores.setdefault(o, open_location(locations[o]))
            acknowledged = report["acknowledged"]
            assert isinstance(acknowledged, list)
            for number, note in acknowledged:
                request = store.request(number)
                if request is None or not any(e.note == note for e in request.history):
                    lost += 1
    finally:
        for store in stores.values():
            store.close()
    return lost


def measure(load: Load, budget: Budget, progress: Callable[[str], None]) -> dict[str, Column]:
    """Every figure of both backends at *load*'s sizes, each on the same offices' data."""
    from tests.postgres_cluster import PostgresCluster

    progress(f"making {load.requests:,} requests for {load.offices} offices…")
    shares = deal(make_dataset(load.requests), load.offices)
    offices = office_numbers(shares)
    columns: dict[str, Column] = {}
    with tempfile.TemporaryDirectory(prefix="tawasul-bench-offices-") as folder:
        progress("building the offices' data files…")
        files = build_files(Path(folder), shares)
        progress("measuring the file store…")
        columns["file"] = measure_backend(files, offices, load, budget)
        progress("starting a durable PostgreSQL and copying the offices into it…")
        cluster = PostgresCluster.start(durable=True)
        try:
            cluster.psql(f"CREATE DATABASE {DATABASE}")
            urls = build_database(cluster.url(DATABASE), files)
            cluster.psql("VACUUM ANALYZE", database=DATABASE)
            progress("measuring PostgreSQL…")
            columns["postgresql"] = measure_backend(urls, offices, load, budget)
            columns["postgresql"].notes.append(
                "server: " + cluster.psql("SHOW server_version").strip()
                + ", fsync " + cluster.psql("SHOW fsync").strip()
                + ", synchronous_commit " + cluster.psql("SHOW synchronous_commit").strip()
            )  # fmt: skip
        finally:
            cluster.stop()
    return columns


TARGETS: dict[str, tuple[float, str]] = {
    "lookup by number, warm": (1, "ms"),
    "durable status change": (5, "ms"),
    "lost writes": (0, "writes"),
    "p99 of every operation": (50, "ms"),
    "change to another process's subscriber": (200, "ms"),
}
"""Issue 15's targets for PostgreSQL, at FULL's sizes."""


def rows(columns: dict[str, Column], load: Load) -> list[tuple[str, str, list[float | None]]]:
    """The table's rows: measure, unit, and each backend's value."""

    def each(get: Callable[[Column], float | None]) -> list[float | None]:
        return [get(columns[name]) if name in columns else None for name in BACKENDS]

    people = f"{load.kiosks} kiosks + {load.staff} staff, {load.seconds:g} s"
    return [
        ("lookup by number, warm", "ms", each(lambda c: c.lookup_ms)),
        ("durable status change", "ms", each(lambda c: c.change_ms)),
        ("change to another process's subscriber", "ms", each(lambda c: c.subscriber_ms)),
        ("  slowest of them", "ms", each(lambda c: c.subscriber_max_ms)),
        (f"{people}: operations", "ops", each(lambda c: float(c.operations))),
        ("  of them writes", "ops", each(lambda c: float(c.writes))),
        ("  operations that failed", "ops", each(lambda c: float(c.failed))),
        ("lost writes", "ops", each(lambda c: float(c.lost))),
        ("p99 of every operation", "ms", each(lambda c: c.p99_ms)),
        ("p99 of the writes", "ms", each(lambda c: c.p99_write_ms)),
    ]


def verdict(measure: str, value: float | None, load: Load) -> str:
    """PostgreSQL's *value* against the issue's target ('' off the full sizes, or none)."""
    if measure not in TARGETS or load != FULL:
        return ""
    limit, unit = TARGETS[measure]
    if value is None:
        return f"≤ {limit:g} {unit}: n/a"
    return f"≤ {limit:g} {unit}: {value:.3g} {'met' if value <= limit else 'NOT met'}"


def _shown(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"


def table(columns: dict[str, Column], load: Load) -> str:
    """The figures as one plain-text table, file store and PostgreSQL side by side."""
    head = f"{'measure':<44} {'unit':<4} {'file':>9} {'postgres':>9}  target (PostgreSQL)"
    lines = [
        f"{load.requests:,} requests in {load.offices} offices; think time {load.think_ms:g} ms",
        head,
        "-" * len(head),
    ]
    for measure, unit, values in rows(columns, load):
        lines.append(
            f"{measure:<44} {unit:<4} {_shown(values[0]):>9} {_shown(values[1]):>9}"
            f"  {verdict(measure.strip(), values[1], load)}".rstrip()
        )
    for name, column in columns.items():
        lines += [f"{name}: {note}" for note in column.notes]
    return "\n".join(lines)

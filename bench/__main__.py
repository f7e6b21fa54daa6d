"""``python -m bench [--json] [--sizes N ...]``: print the comparison table (or the same as JSON).

Exits with status 1 when one of issue 19's guards (GUARDED) is not met, 2 for bad options.

Bounded to a few minutes at the default sizes: every repeated measurement stops after its time
budget once it has three samples, so plain TinyDB at 100,000 requests is timed three times.

``python -m bench --backend postgresql [--requests N --offices N --kiosks N --staff N
--load-seconds S]``: many offices instead, the file store beside PostgreSQL (bench/offices.py).
"""

import argparse
import json
import os
import platform
import sys
from dataclasses import asdict, dataclass
from typing import Any

from bench import offices
from bench.guard_runs import GuardCounts
from bench.run import Budget, Figure, compile_bytecode, measure_size

TARGET_SIZE = 100_000
# metric → (limit, what the limit is on): issue 6's targets at 100,000 requests.
TARGETS: dict[str, tuple[float, str]] = {
    "lookup by number, warm": (0.1, "ms"),
    # Issue 19's: a mistyped number (or a guess) costs no more than a found one.
    "lookup of a number held nowhere": (1, "ms"),
    "lookup held nowhere ÷ found": (2, "× found"),
    "lookup after another process wrote": (40, "ms"),
    "durable status change": (30, "ms"),
    # The one target for a status change, held to the case of staff taking turns too.
    "status change after another process wrote": (30, "ms"),
    "peak memory, process holding the data": (200, "MB"),
    "receipt rendering": (100, "ms"),
    "kiosk start to first screen": (1.3, "× bare Textual"),
    # Issue 10.6: the answer's time must not tell whether an ID exists.
    "sign-in, unknown ID, wrong password": (2, "× a known ID"),
    # Issue 11: a staff save shows on an open kiosk's status screen within a second.
    "staff change to the kiosk's screen": (1000, "ms"),
    # Issue 19: memory stays flat over a day of visits and of console work (÷ the warm-up's).
    "kiosk memory over visits": (1.1, "× warm-up"),
    "staff console memory over openings": (1.1, "× warm-up"),
    # Issue 19 sets ≤ 0.5 s for the console's start and ≤ 0.2 s for a filter or a find, with the
    # 10,000 live requests an office has at 100,000 stored. As ratios: those seconds divided by
    # the bare Textual app's start on the development machine, 0.30 s (the median of 9 starts
    # with `python -m bench`'s own helper, 4 December 2026), so 0.5 / 0.30 and 0.2 / 0.30.
    "staff console start to first list": (1.65, "× bare Textual"),
    "staff console filter by status": (0.65, "× bare Textual"),
    "staff console find by number": (0.65, "× bare Textual"),
}

GUARDED = frozenset(
    {
        "kiosk memory over visits",
        "staff console memory over openings",
        "staff console start to first list",
        "staff console filter by status",
        "staff console find by number",
    }
)
"""Issue 19's guards: the run exits with status 1 when one of them is not met where it is
judged. The other targets are reported beside their figures and do not change the status."""

JUDGED_AT_ANY_SIZE = frozenset({"kiosk memory over visits", "staff console memory over openings"})
"""Targets that do not depend on how much is stored: judged wherever they were measured."""

GUARDS = GuardCounts()
"""The memory guards' default rounds: 25 visits or openings to warm up, then 150 visits (the
window of issue 19's own measurement) and 200 openings. Issue 19's 500 visits take ~9 minutes
on the shared development machine, not the few minutes the whole run is kept to: pass
``--visits 25 500`` for them."""


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
    }


@dataclass(frozen=True)
class Judgement:
    """A figure held to its target: what was measured (a ratio for the "×" units), the limit."""

    metric: str
    limit: float
    unit: str
    measured: float | None
    """None when it could not be measured (no figure of ours, or no baseline to divide by)."""

    @property
    def met(self) -> bool:
        """Whether ours is within the limit; a figure that could not be measured is not."""
        return self.measured is not None and self.measured <= self.limit

    def __str__(self) -> str:
        head = f"≤ {self.limit:g} {self.unit}"
        if self.measured is None:
            return f"{head}: n/a"
        shown = f"{self.measured:.2f}×" if self.unit.startswith("×") else f"{self.measured:.3g}"
        return f"{head}: {shown} {'met' if self.met else 'NOT met'}"


def judge(figure: Figure) -> Judgement | None:
    """*figure* held to its target, or None when it has none at this size."""
    if figure.metric not in TARGETS:
        return None
    if figure.size != TARGET_SIZE and figure.metric not in JUDGED_AT_ANY_SIZE:
        return None
    limit, unit = TARGETS[figure.metric]
    measured = figure.values.get("tawasul")
    if measured is not None and unit.startswith("×"):
        measured = measured / figure.baseline if figure.baseline else None
    return Judgement(figure.metric, limit, unit, measured)


def verdict(figure: Figure) -> str:
    """The target of *figure* and whether ours meets it ('' when it has none at this size)."""
    judgement = judge(figure)
    return "" if judgement is None else str(judgement)


def exceeded_guards(figures: list[Figure]) -> list[Judgement]:
    """The guards (GUARDED) among *figures* that are not met: each makes the run fail."""
    judged = (judge(figure) for figure in figures if figure.metric in GUARDED)
    return [judgement for judgement in judged if judgement is not None and not judgement.met]


def _value(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3g}" if value < 100 else f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2g}"


def table(summaries: dict[int, dict[str, int]], figures: list[Figure]) -> str:
    """The figures as one plain-text table."""
    head = (
        f"{'size':>8}  {'measure':<42} {'unit':<4} {'tawasul':>9} {'tinydb':>9} {'sqlite':>9}"
        f" {'÷tinydb':>8} {'÷sqlite':>8}  target at 100,000"
    )
    lines = [head, "-" * len(head)]
    for figure in figures:
        lines.append(
            f"{figure.size:>8,}  {figure.metric:<42} {figure.unit:<4}"
            f" {_value(figure.values.get('tawasul')):>9} {_value(figure.values.get('tinydb')):>9}"
            f" {_value(figure.values.get('sqlite')):>9} {_ratio(figure.ratio('tinydb')):>8}"
            f" {_ratio(figure.ratio('sqlite')):>8}  {verdict(figure)}".rstrip()
        )
        if figure.baseline is not None:
            lines.append(
                f"{figure.size:>8,}  {figure.baseline_name:<42} {figure.unit:<4}"
                f" {_value(figure.baseline):>9}"
            )
    lines.append("")
    lines += [f"{f.size:,}, {f.metric}: {f.note}" for f in figures if f.note]
    for size, summary in summaries.items():
        parts = ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in summary.items())
        lines.append(f"{size:,}: {parts}")
    return "\n".join(lines)


def many_offices(args: argparse.Namespace, budget: Budget) -> int:
    """Measure many offices on both backends and print the table (or JSON)."""
    if min(args.requests, args.offices, args.kiosks + args.staff, args.rounds) < 1 or (
        args.requests < args.offices * 20
    ):
        print(
            "Give at least one office, process and round, and 20 requests an office.",
            file=sys.stderr,
        )
        return 2
    load = offices.Load(
        args.requests, args.offices, args.kiosks, args.staff, args.load_seconds, args.think_ms,
        args.rounds,
    )  # fmt: skip
    try:
        columns = offices.measure(
            load, budget, lambda text: print(text, file=sys.stderr, flush=True)
        )
    except RuntimeError as error:  # no server installed, a helper process that did not start
        print(f"python -m bench: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    if args.json:
        report = {
            "machine": machine(),
            "load": asdict(load),
            "backends": {name: asdict(column) for name, column in columns.items()},
            "figures": [
                {"metric": measure.strip(), "unit": unit,
                 "values": dict(zip(offices.BACKENDS, values, strict=True)),
                 "target": offices.verdict(measure.strip(), values[1], load) or None}
                for measure, unit, values in offices.rows(columns, load)
            ],
        }  # fmt: skip
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_machine()
        print("Medians unless said; file: a data file an office; postgres: one database.\n")
        print(offices.table(columns, load))
    return 0


def print_machine() -> None:
    """The line naming the machine a run was measured on, above either table."""
    info = machine()
    print(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, "
        f"{info['system']}, Python {info['python']}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table, or JSON with --json."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000], help="stored requests"
    )
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per measurement")
    parser.add_argument("--startup-runs", type=int, default=5, help="app starts per median")
    parser.add_argument(
        "--visits",
        type=int,
        nargs=2,
        default=GUARDS.visits,
        metavar=("WARM", "LAST"),
        help="kiosk visits of the memory guard: RSS after WARM and after LAST (largest size only)",
    )
    parser.add_argument(
        "--openings",
        type=int,
        nargs=2,
        default=GUARDS.openings,
        metavar=("WARM", "LAST"),
        help="requests opened in the staff console for its memory guard, as --visits",
    )
    many = parser.add_argument_group("many offices (--backend postgresql)")
    many.add_argument(
        "--backend",
        choices=["postgresql"],
        help="measure many offices on the file store and on PostgreSQL, side by side",
    )
    many.add_argument("--requests", type=int, default=offices.FULL.requests)
    many.add_argument("--offices", type=int, default=offices.FULL.offices)
    many.add_argument("--kiosks", type=int, default=offices.FULL.kiosks)
    many.add_argument("--staff", type=int, default=offices.FULL.staff)
    many.add_argument("--load-seconds", type=float, default=offices.FULL.seconds)
    many.add_argument(
        "--think-ms", type=float, default=offices.FULL.think_ms, help="wait between operations"
    )
    many.add_argument("--rounds", type=int, default=offices.FULL.rounds, help="subscriber's")
    args = parser.parse_args(argv)
    for option, (warm, last) in (("--visits", args.visits), ("--openings", args.openings)):
        if not 0 < warm < last:
            parser.error(
                f"{option} takes the warm-up's count, then a larger last one: {warm} {last}"
            )
    guards = GuardCounts(tuple(args.visits), tuple(args.openings))
    budget = Budget(seconds=args.seconds)
    if args.backend:
        return many_offices(args, budget)
    compile_bytecode()
    summaries: dict[int, dict[str, int]] = {}
    figures: list[Figure] = []
    for size in args.sizes:
        print(f"measuring {size:,} requests…", file=sys.stderr, flush=True)
        # The memory guards take minutes: run once, over the largest data.
        last = size == max(args.sizes)
        summaries[size], found = measure_size(
            size, budget, args.startup_runs, guards if last else None
        )
        figures.extend(found)
    exceeded = exceeded_guards(figures)
    if args.json:
        report = {
            "machine": machine(),
            "data": {str(size): summary for size, summary in summaries.items()},
            "figures": [
                {**asdict(f), "ratio_tinydb": f.ratio("tinydb"), "ratio_sqlite": f.ratio("sqlite"),
                 "target": verdict(f) or None}
                for f in figures
            ],
            "guards_not_met": [judgement.metric for judgement in exceeded],
        }  # fmt: skip
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_machine()
        print("Medians; ÷ = ours divided by theirs (below 1: ours is faster or smaller).\n")
        print(table(summaries, figures))
    for judgement in exceeded:
        print(f"guard not met: {judgement.metric}, {judgement}", file=sys.stderr)
    return 1 if exceeded else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzzing the configuration loader and the command line: no crash, whatever comes in.

Hypothesis writes TOML documents (settings and made-up keys, every kind of TOML value, nesting,
broken syntax, bytes that are not UTF-8) and argument lists over the real subcommands and their
options, run in this process through ``kiosk.cli.main`` on a demo data file in a tmp folder.
A configuration either loads with every number in its range or is refused with InvalidInput; a
command exits 0 to 4 (argparse's usage errors are 2) and never prints a traceback.

CI runs a few hundred examples; ``TAWASUL_FUZZ_EXAMPLES=10000`` runs that many of each.
"""

import argparse
import contextlib
import io
import json
import math
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import build_parser, main
from kiosk.config import RANGES, KioskConfig, load_config
from kiosk.errors import InvalidInput
from tests.cli.test_exit_codes import A_PAYLOAD, TIME_OVERFLOW
from tests.conftest import make_demo_file

EXAMPLES = int(os.environ.get("TAWASUL_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# --- the configuration loader ------------------------------------------------------------------

# Every real key, top level, [printer], [nafath] and [accessibility] alike, drawn for any place.
SETTING_NAMES = sorted(
    {
        *vars(KioskConfig()),
        *vars(KioskConfig().printer),
        *vars(KioskConfig().nafath),
        *vars(KioskConfig().accessibility),
    }
)
keys = st.sampled_from(SETTING_NAMES) | st.text(min_size=1, max_size=12)
scalars = (
    st.text(max_size=20)
    | st.sampled_from(["ar", "en", "app", "terminal", "cups", "network", "file", "none"])
    | st.sampled_from(["nafath", "password", "http://127.0.0.1:8765", "https://"])
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.sampled_from([0, 1, 58, 80, 9100, 65535, 65536, 3600, 3650, 3651, 10**6])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.dates()
    | st.datetimes()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
tables = st.dictionaries(keys, values, max_size=8)
documents = st.fixed_dictionaries(
    {},
    optional={
        "printer": st.dictionaries(keys, values, max_size=6),
        "nafath": st.dictionaries(keys, values, max_size=6),
        "accessibility": st.dictionaries(keys, values, max_size=4),
    },
).flatmap(lambda printer: tables.map(lambda top: {**top, **printer}))


def toml_key(key: str) -> str:
    """*key* as TOML writes it: bare when it can be, else a quoted string."""
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are all TOML escapes)."""
    return json.dumps(text)


def toml_value(value: Any) -> str:
    """*value* as an inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(document: dict[str, Any]) -> str:
    """*document* as a TOML file: top-level keys, then ``[printer]`` as a table when it is one."""
    printer = document.get("printer")
    lines = [
        f"{toml_key(k)} = {toml_value(v)}"
        for k, v in document.items()
        if k != "printer" or not isinstance(printer, dict)
    ]
    if isinstance(printer, dict):
        lines.append("[printer]")
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in printer.items()]
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    """A value nested *depth* arrays deep."""
    return "closures = " + "[" * depth + "]" * depth + "\n"


config_files = (
    documents.map(lambda d: toml_document(d).encode("utf-8"))
    | st.text(max_size=200).map(lambda t: t.encode("utf-8"))
    | st.binary(max_size=200)
    | st.integers(min_value=1, max_value=4000).map(lambda n: nested(n).encode())
)


def assert_in_range(config: KioskConfig) -> None:
    """Every number of *config* lies in its documented range."""
    for section in (config, config.printer, config.nafath, config.accessibility):
        for name, value in vars(section).items():
            if name in RANGES:
                bounds = RANGES[name]
                assert bounds.low <= value <= bounds.high, (name, value)


@FUZZ
@given(content=config_files)
def test_the_config_loader_loads_or_names_the_problem(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    try:
        config = load_config(path)
    except InvalidInput as refused:
        assert str(refused)
    else:
        assert_in_range(config)


# --- the command line --------------------------------------------------------------------------

# Not fuzzed: the two apps (they need a terminal) and the options that write outside the tmp
# folder (ssh-setup --write into /etc/ssh, --path, --sshd and --sshd-config name system files).
SKIPPED_COMMANDS = {("kiosk",), ("staff",)}
SKIPPED_OPTIONS = {"--write", "--path", "--sshd", "--sshd-config", "-h", "--help"}


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[Any]:
    """Every runnable subcommand as (words, options with values, flags, positional names)."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if groups:
        for name, child in groups[0].choices.items():
            yield from commands(child, (*path, name))
        return
    if path in SKIPPED_COMMANDS:
        return
    options, flags, positionals = [], [], []
    for action in parser._actions:
        if not action.option_strings:
            positionals.append(action.dest)
        elif set(action.option_strings) & SKIPPED_OPTIONS:
            continue
        elif action.nargs == 0:
            flags.append(action.option_strings[0])
        else:
            options.append((action.option_strings[0], action.choices))
    yield path, options, flags, positionals


COMMANDS = list(commands(build_parser()))


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tmp folder with a demo data file and the files a person might name by mistake."""
    folder = tmp_path_factory.mktemp("fuzz")
    make_demo_file(folder / "demo.json", count=30)
    (folder / "empty.json").write_text("")
    (folder / "broken.json").write_text('{"requests": {"1": ')
    (folder / "folder").mkdir()
    (folder / "good.toml").write_text('kiosk_id = "K-2"\nlanguage = "en"\n')
    (folder / "bad.toml").write_text("idle_seconds = nan\n")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    return folder


TRICKY_WORDS = [
    *("9000000100", "9000000506", "٩٠٠٠٠٠٠١٠٠", "9000000101", "1000000008", "2000000005"),
    *("today", "2026-11-25", "9999-12-31", "0001-01-01", "1447-06-15", "2026/13/40"),
    *("0", "-1", "58", "80", "3650", "3651", "2600", "2601", "1000000", "9" * 30),
    *("nan", "inf", "1e309", "", " ", "\x1b[2J", "a\nb", "-", "--", "-x"),
    *("returned", "accepted", "closed", "under_review", "bogus", "passport"),
    *("staff", "supervisor", "ar", "en", "000001", "000002", A_PAYLOAD, TIME_OVERFLOW),
]


def words(folder: Path) -> st.SearchStrategy[str]:
    """The values a person (or a slip of the hand) gives an option or argument."""
    paths = [folder / n for n in ("demo.json", "empty.json", "broken.json", "folder", "missing")]
    paths += [folder / n for n in ("good.toml", "bad.toml", "picture.png", "out.bin")]
    return (
        st.sampled_from([str(p) for p in paths] + ["/dev/null", "/dev/zero", "/"])
        | st.sampled_from(TRICKY_WORDS)
        | st.integers(min_value=-(10**12), max_value=10**12).map(str)
        | st.text(max_size=12)
    )


# demo --count between these takes seconds to minutes: a benchmark's job, not a fuzzer's.
SLOW_COUNTS = range(1_001, 1_000_001)


@st.composite
def argument_lists(draw: st.DrawFn, folder: Path) -> list[str]:
    """A subcommand with some of its options, in the order argparse accepts or not."""
    path, options, flags, positionals = draw(st.sampled_from(COMMANDS))
    value = words(folder)
    argv = list(path)
    argv += [draw(value) for _ in positionals]
    for option, choices in draw(st.lists(st.sampled_from(options), max_size=4)) if options else []:
        given_choice = st.sampled_from([str(c) for c in choices]) if choices else value
        argv += [option, draw(given_choice | value)]
    argv += draw(st.lists(st.sampled_from(flags), max_size=2)) if flags else []
    if draw(st.integers(0, 9)) == 0:
        argv = draw(st.permutations(argv))  # words out of order: argparse's usage errors
    if argv and draw(st.integers(0, 9)) == 0:
        del argv[draw(st.integers(0, len(argv) - 1))]  # a word left out
    if draw(st.booleans()):
        argv += ["--db", str(folder / "demo.json")]
    if "--count" in argv:
        at = argv.index("--count") + 1
        if at < len(argv) and argv[at].lstrip("-").isdigit() and int(argv[at]) in SLOW_COUNTS:
            argv[at] = "5"
    return argv


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_no_argument_list_crashes_the_command(place: Path, data: st.DataObject) -> None:
    argv = data.draw(argument_lists(place))
    out, err = io.StringIO(), io.StringIO()
    # In the tmp folder: a relative path drawn for --db or --out lands there, not in the checkout.
    with contextlib.chdir(place), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse: --help is 0, a usage error 2
            code = stop.code if isinstance(stop.code, int) else 2
    assert code in (0, 1, 2, 3, 4, 5, 6), (argv, err.getvalue())  # README: exit statuses
    assert "Traceback" not in err.getvalue(), argv
    if not (place / "demo.json").is_file():
        make_demo_file(place / "demo.json", count=30)

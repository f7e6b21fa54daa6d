"""``tawasul doctor`` against real faults: a fontconfig without fonts, a damaged data file, a
receipt key every account can read, a printer port nobody listens on, a full disk (a small
tmpfs), no speech engine on PATH; each with its one line and the exit status."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig, SpeechConfig
from kiosk.printing.payload import load_or_create_key
from kiosk.printing.text import FONT_FOLDERS
from kiosk.services.doctor import (
    ALL_CHECKS,
    EXIT_WARNINGS,
    Doctor,
    TerminalFacts,
    Verdict,
    exit_status,
)
from tests.printing.conftest import free_port
from tests.small_disk import small_disk

EMPTY_FONTCONFIG = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig/>\n'
)
"""A fontconfig configuration that names no font folder: fontconfig then knows no font."""

DEJAVU_FOLDER = FONT_FOLDERS[0]
"""Where Debian's fonts-dejavu-core puts DejaVu Sans."""


def doctor(capsys: pytest.CaptureFixture[str], db: Path, *more: str) -> tuple[int, dict[str, str]]:
    """Run ``tawasul doctor`` on *db*; its exit status and its lines by check name."""
    code = main(["doctor", "--db", str(db), *more])
    out = capsys.readouterr().out
    lines = {line.split()[1]: line for line in out.splitlines()}
    return code, lines


def key_of(db: Path) -> Path:
    """Where the receipt key of the data file *db* is kept by default."""
    return db.with_name(f"{db.name}.receipt-key")


def test_every_check_has_one_line_and_a_healthy_demo_only_warns(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    """Over a pipe the terminal's size is unknown, a warning; the rest of a demo is ok."""
    load_or_create_key(key_of(demo_db))
    code, lines = doctor(capsys, demo_db)
    assert list(lines) == list(ALL_CHECKS)
    assert lines["terminal.size"].startswith("warning  terminal.size   not run in a terminal")
    for name in ("fonts", "data", "receipt-key", "printer", "clock", "disk", "terminal.sixel"):
        assert lines[name].startswith(f"ok       {name}"), lines[name]
    # Urdu ships: its receipts print in Nastaliq.
    assert "DejaVu Sans, Noto Nastaliq Urdu: installed." in lines["fonts"]
    assert "Asia/Riyadh" in lines["clock"]
    assert "(mode 0640)" in lines["receipt-key"]
    assert code == EXIT_WARNINGS


def test_a_fontconfig_without_fonts_is_a_failure(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """fontconfig finds no DejaVu Sans for Arabic, nor Urdu's Nastaliq: the line says which
    packages to install."""
    empty = tmp_path / "fonts.conf"
    empty.write_text(EMPTY_FONTCONFIG)
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    code, lines = doctor(capsys, demo_db)
    assert lines["fonts"] == (
        "failure  fonts           missing DejaVu Sans (ar), Noto Nastaliq Urdu (ur); "
        "apt-get install fonts-dejavu-core fonts-noto-core."
    )
    assert code == 1


def test_a_shipped_script_without_its_font_names_the_noto_package(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a Bengali catalogue ships, Noto Sans Bengali is needed: a fontconfig that knows
    DejaVu alone is missing it, and the line names Debian's package."""
    only_dejavu = tmp_path / "fonts.conf"
    only_dejavu.write_text(
        EMPTY_FONTCONFIG.replace(
            "<fontconfig/>",
            f"<fontconfig><dir>{DEJAVU_FOLDER}</dir><cachedir>{tmp_path}</cachedir></fontconfig>",
        )
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(only_dejavu))
    services = open_services(demo_db, KioskConfig())
    assert Doctor(services, languages=["ar", "en"]).fonts().verdict is Verdict.OK
    fonts = Doctor(services, languages=["ar", "en", "bn"]).fonts()
    assert fonts.words == "missing Noto Sans Bengali (bn); apt-get install fonts-noto-core."
    assert fonts.verdict is Verdict.FAILURE
    # Urdu, which ships today, needs Noto Nastaliq Urdu for its receipts.
    urdu = Doctor(services).fonts()
    assert urdu.words == "missing Noto Nastaliq Urdu (ur); apt-get install fonts-noto-core."


def test_a_damaged_data_file_is_a_failure(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    """A data file cut short names the damage and says to restore it; it is left as it is."""
    damaged = demo_db.read_bytes()[:3000]
    demo_db.write_bytes(damaged)
    code, lines = doctor(capsys, demo_db)
    assert lines["data"].startswith(f"failure  data            The data file {demo_db}")
    assert lines["data"].endswith("Restore it from a backup.")
    assert demo_db.read_bytes() == damaged
    assert code == 1


def test_a_world_readable_receipt_key_is_a_failure(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    """chmod 644 on the key: anyone could sign receipts; the line says chmod 640."""
    key = key_of(demo_db)
    load_or_create_key(key)
    key.chmod(0o644)
    code, lines = doctor(capsys, demo_db)
    assert lines["receipt-key"] == (
        f"failure  receipt-key     The receipt key {key} may be read or changed by others; "
        "run chmod 640 on it (or replace it)."
    )
    assert code == 1


def test_a_closed_printer_port_is_a_warning(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    """A network printer on 127.0.0.1 with nothing listening: the kiosk serves without it
    (the QR code on screen), so it warns, and says what the check saw."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {free_port()}\ntimeout = 1.0\n'
    )
    load_or_create_key(key_of(demo_db))
    code, lines = doctor(capsys, demo_db, "--config", str(config))
    line = lines["printer"]
    assert line.startswith("warning  printer         ")
    assert "switched off or not connected" in line
    assert "Connection refused" in line
    assert line.endswith("Residents get the QR code on screen until it is fixed.")
    assert all(not other.startswith("failure") for other in lines.values())
    assert code == EXIT_WARNINGS


def test_a_full_disk_is_a_failure(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    """The data folder on a small tmpfs filled to the last byte: the disk line and the data
    line both fail."""
    with small_disk(tmp_path / "disk") as disk:
        db = disk.folder / "tawasul.json"
        shutil.copy(demo_db, db)
        disk.fill()
        code, lines = doctor(capsys, db)
    assert lines["disk"] == (
        f"failure  disk            only 0.0 MB free under {disk.folder}; "
        "free space (old logs, backups) now."
    )
    assert lines["data"] == (
        f"failure  data            {db} can be read but not written: the disk is full; "
        "free space or fix the folder's permissions."
    )
    assert code == 1


def test_no_speech_engine_is_only_a_warning(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Speech is optional: without espeak-ng on PATH the line says how to install it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fc_list = shutil.which("fc-list")
    assert fc_list is not None
    (bin_dir / "fc-list").symlink_to(fc_list)
    monkeypatch.setenv("PATH", str(bin_dir))
    code, lines = doctor(capsys, demo_db)
    assert lines["speech"] == (
        "warning  speech          espeak-ng is not installed, so spoken guidance stays "
        "silent; apt-get install espeak-ng."
    )
    assert code == EXIT_WARNINGS


def test_the_speech_check_looks_for_the_configured_engine(demo_db: Path, tmp_path: Path) -> None:
    """The engine ``[speech] engine`` names, with its options, is the one looked for."""
    engine = tmp_path / "espeak-watch"
    config = KioskConfig(speech=SpeechConfig(engine=f"{engine} -p 40"))
    missing = Doctor(open_services(demo_db, config)).speech()
    assert missing.verdict is Verdict.WARNING
    assert missing.words == (
        f"{engine} is not installed, so spoken guidance stays silent; "
        "install it or correct [speech] engine."
    )
    engine.write_text("#!/bin/sh\n", encoding="utf-8")
    engine.chmod(0o755)
    found = Doctor(open_services(demo_db, config)).speech()
    assert (found.verdict, found.words) == (Verdict.OK, f"{engine} at {engine}.")


def test_json_gives_one_object_a_check(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    """--json: one object a line, with the check, its verdict and the same message."""
    demo_db.write_bytes(demo_db.read_bytes()[:3000])
    code = main(["doctor", "--db", str(demo_db), "--json"])
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [entry["check"] for entry in found] == list(ALL_CHECKS)
    assert all(set(entry) == {"check", "verdict", "message"} for entry in found)
    data = next(entry for entry in found if entry["check"] == "data")
    assert data["verdict"] == "failure"
    assert data["message"].endswith("Restore it from a backup.")
    assert code == 1


def test_a_clock_before_the_build_year_is_a_failure(demo_db: Path) -> None:
    """A kiosk whose clock lost its battery would date and sign receipts in 2020."""
    services = open_services(demo_db, KioskConfig())
    finding = Doctor(services, clock=lambda: datetime(2020, 1, 1, 9, 0, tzinfo=UTC)).clock_check()
    assert finding.verdict is Verdict.FAILURE
    assert finding.words == (
        "2020-01-01 12:00 Asia/Riyadh (09:00 UTC) is before 2026, when this version was built; "
        "set the clock (timedatectl set-ntp true)."
    )


@pytest.mark.parametrize(
    ("facts", "check", "verdict", "words"),
    [
        (TerminalFacts((79, 30), "UTF-8", ""), "terminal.size", Verdict.FAILURE, "79×30 is"),
        (TerminalFacts((80, 24), "UTF-8", ""), "terminal.size", Verdict.OK, "80×24 (at least"),
        (TerminalFacts(None, "ANSI_X3.4-1968", ""), "terminal.locale", Verdict.FAILURE, "the"),
        (TerminalFacts(None, "utf8", ""), "terminal.locale", Verdict.OK, "UTF-8."),
        (TerminalFacts(None, "UTF-8", "truecolor"), "terminal.colour", Verdict.OK, "true"),
        (TerminalFacts(None, "UTF-8", ""), "terminal.colour", Verdict.WARNING, "the terminal"),
    ],
)
def test_the_terminal_checks(
    demo_db: Path, facts: TerminalFacts, check: str, verdict: Verdict, words: str
) -> None:
    """Size, locale and colours, from what is known of the terminal."""
    services = open_services(demo_db, KioskConfig())
    (finding,) = Doctor(services).run(facts, [check])
    assert (finding.verdict, finding.words[: len(words)]) == (verdict, words)


def test_sixel_is_a_warning_once_a_language_is_drawn_as_images(demo_db: Path) -> None:
    """No shipped language needs Sixel yet: ok; with Bengali, a warning (not a failure)."""
    services = open_services(demo_db, KioskConfig())
    facts = TerminalFacts((100, 30), "UTF-8", "truecolor")
    (now,) = Doctor(services).run(facts, ["terminal.sixel"])
    (bengali,) = Doctor(services, languages=["ar", "en", "bn"]).run(facts, ["terminal.sixel"])
    assert now.verdict is Verdict.OK
    assert bengali.verdict is Verdict.WARNING
    assert bengali.words.startswith("bn are drawn as Sixel images")


def test_the_exit_status_is_the_worst_verdict(demo_db: Path) -> None:
    """0 all ok, EXIT_WARNINGS for warnings only, 1 for any failure."""
    services = open_services(demo_db, KioskConfig())
    doctor_ = Doctor(services)
    ok = doctor_.terminal_locale(TerminalFacts(None, "UTF-8", ""))
    warning = doctor_.terminal_colour(TerminalFacts(None, "UTF-8", ""))
    failure = doctor_.terminal_locale(TerminalFacts(None, "latin1", ""))
    assert exit_status([ok, ok]) == 0
    assert exit_status([ok, warning]) == EXIT_WARNINGS
    assert exit_status([warning, failure, ok]) == 1
    assert EXIT_WARNINGS not in (0, 1, 2, 3, 4, 70, 130)


def test_a_check_that_crashes_fails_alone(demo_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A check that meets an unexpected error is a failure with its traceback in the log; the
    other checks are still made."""

    def broken_clock() -> datetime:
        raise OSError("clock_gettime failed")

    services = open_services(demo_db, KioskConfig())
    facts = TerminalFacts((100, 30), "UTF-8", "truecolor")
    clock, disk = Doctor(services, clock=broken_clock).run(facts, ["clock", "disk"])
    assert clock.line == (
        "failure  clock           the check itself met an unexpected error "
        "(its traceback is in the log)."
    )
    assert disk.verdict is Verdict.OK
    assert "clock_gettime failed" in caplog.text

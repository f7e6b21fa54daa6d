"""The `tawasul` command through real subprocesses, as an operator types it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def tawasul(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m kiosk ARGS` with no terminal and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    """The command failed with *code* and exactly one line on stderr containing *text*."""
    assert result.returncode == code, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert text in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.json"
    result = tawasul("demo", "--db", str(path), "--count", "80")
    assert result.returncode == 0, result.stderr
    assert "4 residents" not in result.stdout  # synthetic residents come too
    return path


def test_demo_then_show_a_readme_number_as_json(made_db: Path) -> None:
    result = tawasul("request", "show", "9000000209", "--db", str(made_db), "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert {"number", "type", "status", "applicant", "created", "updated", "expected_by",
            "history"} <= set(shown)  # fmt: skip
    assert shown["number"] == "9000000209"
    assert shown["status"] == "returned"
    assert shown["applicant"] == "******6546"
    assert [h["status"] for h in shown["history"]] == ["under_review", "returned"]
    assert set(shown["history"][0]) == {"status", "at", "by", "note"}


def test_demo_refuses_to_overwrite_without_force(made_db: Path) -> None:
    before = made_db.read_bytes()
    assert_one_clear_line(tawasul("demo", "--db", str(made_db)), 2, "--force")
    assert made_db.read_bytes() == before


def test_the_db_can_come_from_the_environment(made_db: Path) -> None:
    result = tawasul("request", "show", "9000000100", env={"TAWASUL_DB": str(made_db)})
    assert result.returncode == 0
    assert "Under review" in result.stdout and "******6546" in result.stdout
    assert "2109876546" not in result.stdout


def test_set_status_records_who_and_refuses_what_is_not_allowed(tmp_path: Path) -> None:
    db = tmp_path / "d.json"
    assert tawasul("demo", "--db", str(db), "--count", "0").returncode == 0
    done = tawasul(
        "request", "set-status", "9000001108", "returned", "--by", "operator",
        "--note", "Need the birth certificate",
        "--action", "Bring the birth certificate to counter 2", "--db", str(db),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(tawasul("request", "show", "9000001108", "--json", "--db", str(db)).stdout)
    assert shown["history"][-1]["by"] == "operator"
    assert shown["history"][-1]["note"] == "Need the birth certificate"

    before = db.read_bytes()
    refused = tawasul(
        "request", "set-status", "9000001108", "accepted", "--by", "x", "--db", str(db)
    )
    assert_one_clear_line(refused, 2, "cannot become accepted")
    no_note = tawasul(
        "request", "set-status", "9000000100", "rejected", "--by", "x", "--db", str(db)
    )
    assert_one_clear_line(no_note, 2, "note is required")
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["request", "show", "9999999999"], "There is no request 9999999999"),
        (["request", "show", "9000000208"], "probably mistyped"),
        (["request", "list", "--status", "approved"], "Unknown status"),
        (["request", "list", "--applicant", "12"], "Not a valid ID number"),
        (["request", "set-status", "9000000100", "closed", "--by", " "], "--by"),
    ],
)
def test_bad_input_exits_2_with_one_line(made_db: Path, args: list[str], text: str) -> None:
    assert_one_clear_line(tawasul(*args, "--db", str(made_db)), 2, text)


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    assert_one_clear_line(
        tawasul("request", "show", "9000000209", "--db", str(missing)), 2, str(missing)
    )


def test_a_damaged_file_is_named_and_left_alone(tmp_path: Path, made_db: Path) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(made_db.read_bytes()[:5000])
    result = tawasul("db", "check", "--db", str(damaged))
    assert_one_clear_line(result, 3, f"{damaged} is damaged")
    assert tawasul("request", "show", "9000000209", "--db", str(damaged)).returncode == 3
    assert damaged.read_bytes() == made_db.read_bytes()[:5000]


def test_db_check_counts(made_db: Path) -> None:
    result = tawasul("db", "check", "--db", str(made_db))
    assert result.returncode == 0
    assert "parses" in result.stdout and "requests" in result.stdout


def test_list_filters_as_json(made_db: Path) -> None:
    result = tawasul("request", "list", "--status", "rejected", "--type", "passport", "--json",
                     "--db", str(made_db))  # fmt: skip
    listed = json.loads(result.stdout)
    assert listed and {(r["status"], r["type"]) for r in listed} == {("rejected", "passport")}


@pytest.mark.parametrize(
    ("typed", "code", "out"),
    [("٢١٠٩٨٧٦٥٤٦", 0, "2109876546 resident"), ("1234567897", 0, "1234567897 citizen"),
     ("4123456789", 0, "border"), ("2109876547", 1, "probably mistyped")],
)  # fmt: skip
def test_id_check(typed: str, code: int, out: str) -> None:
    result = tawasul("id", "check", typed)
    assert result.returncode == code
    assert out in result.stdout


def test_calendar_json() -> None:
    result = tawasul("calendar", "2026-03-18", "--add-working-days", "1", "--json")
    shown = json.loads(result.stdout)
    assert shown["hijri"] == "1447-09-29"
    assert shown["working_day"] is True
    assert shown["plus_working_days"] == "2026-03-25"  # across the Eid al-Fitr closure
    friday = json.loads(tawasul("calendar", "2026-11-27", "--json").stdout)
    assert friday["working_day"] is False


@pytest.mark.parametrize("command", ["kiosk", "staff"])
def test_the_apps_refuse_to_start_without_a_terminal(made_db: Path, command: str) -> None:
    assert_one_clear_line(tawasul(command, "--db", str(made_db)), 2, "ssh -t")

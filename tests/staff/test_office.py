"""`tawasul init` and `tawasul audit`, run as the operator runs them on the office's host."""

import dataclasses
import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.office import CONFIG_TEMPLATE
from kiosk.config import (
    AccessibilityConfig,
    KioskConfig,
    NafathConfig,
    PrinterConfig,
    SpeechConfig,
    load_config,
)
from kiosk.domain.models import StaffMember, StaffRole
from kiosk.domain.statuses import RequestStatus
from kiosk.services import Services
from kiosk.services.archive import ArchiveService
from kiosk.services.staff import StaffDirectory, StaffSession
from kiosk.store import TawasulStore
from tests.conftest import FROZEN_NOW

NOGROUP = 65534
"""Debian's ``nogroup``: a group the test account is not in, for the folder's group."""


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An empty data folder (as root: in a group of its own, as the README's set-up makes it)."""
    folder = tmp_path / "var-lib-tawasul"
    folder.mkdir()
    if os.geteuid() == 0:
        os.chown(folder, -1, NOGROUP)
    return folder


def test_init_makes_an_empty_office_with_its_first_supervisor(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, config = office / "tawasul.json", tmp_path / "config.toml"
    assert main(
        ["init", "--db", str(db), "--config", str(config), "--office", "Jeddah office",
         "--office-ar", "مكتب جدة", "--supervisor", "n.alharbi", "--name", "Noura Al-Harbi"]
    ) == 0  # fmt: skip
    assert "n.alharbi may use the staff console as supervisor." in capsys.readouterr().out
    assert stat.S_IMODE(db.stat().st_mode) == 0o660
    assert db.stat().st_gid == office.stat().st_gid
    assert not Path(f"{db}.lock").exists()
    store = TawasulStore(db)
    sizes = store.table_sizes()
    assert (sizes["requests"], sizes["applicants"], sizes["staff"]) == (0, 0, 1)
    assert store.all_staff() == [StaffMember("n.alharbi", "Noura Al-Harbi", StaffRole.SUPERVISOR)]
    [entry] = store.audit_entries()
    assert (entry.action, entry.target) == ("staff.put", "n.alharbi")
    assert entry.actor.startswith("operator:")
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert config.stat().st_gid == office.stat().st_gid
    written = load_config(config)
    assert (written.office_name_en, written.office_name_ar) == ("Jeddah office", "مكتب جدة")
    assert dataclasses.replace(written, office_name_en="", office_name_ar="") == (
        dataclasses.replace(KioskConfig(), office_name_en="", office_name_ar="")
    )


def test_the_configuration_names_every_key_with_a_comment() -> None:
    lines = CONFIG_TEMPLATE.splitlines()
    keys = {line.split(" = ")[0] for line in lines if " = " in line and not line.startswith("#")}
    tables = (PrinterConfig, NafathConfig, SpeechConfig, AccessibilityConfig)
    names = ("printer", "nafath", "speech", "accessibility")
    fields = {f.name for f in dataclasses.fields(KioskConfig) if f.name not in names}
    keys_of_tables = {f.name for table in tables for f in dataclasses.fields(table)}
    assert keys == fields | keys_of_tables
    for index, line in enumerate(lines):
        if " = " in line and not line.startswith("#"):
            assert any(lines[i].startswith("#") for i in range(max(0, index - 3), index)), line


def test_init_never_replaces_a_data_file_or_a_configuration(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, config = office / "tawasul.json", tmp_path / "config.toml"
    assert main(["init", "--db", str(db)]) == 0
    before = db.read_bytes()
    assert main(["init", "--db", str(db)]) == 2
    assert "already exists; init never replaces a data file" in capsys.readouterr().err
    config.write_text("# the office's own\n")
    assert main(["init", "--db", str(office / "other.json"), "--config", str(config)]) == 2
    assert "init never replaces a configuration" in capsys.readouterr().err
    assert config.read_text() == "# the office's own\n"
    assert db.read_bytes() == before
    assert not (office / "other.json").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--supervisor", "n.alharbi"], "--supervisor and --name go together"),
        (["--supervisor", "bad name", "--name", "X"], "bad name"),
    ],
)
def test_init_refuses_a_half_given_supervisor(
    office: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    db = office / "tawasul.json"
    assert main(["init", "--db", str(db), *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not db.exists()


def test_init_without_a_data_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--db", str(tmp_path / "missing" / "tawasul.json")]) == 2
    assert "There is no folder" in capsys.readouterr().err


def test_init_sends_an_office_in_a_database_to_db_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--db", "postgresql://postgres@/tawasul?office=RUH1"]) == 2
    said = capsys.readouterr().err
    assert "tawasul db upgrade --db URL" in said and "There is no folder" not in said
    assert list(tmp_path.iterdir()) == []  # nothing made


def test_audit_reads_the_archived_years_and_the_live_file(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's own entry goes to the 2026 audit archive; the later ones stay live."""
    store = TawasulStore(demo_db)
    StaffDirectory(store, lambda: FROZEN_NOW + timedelta(days=1)).put(
        StaffMember("h.alotaibi", "Hessa Al-Otaibi", StaffRole.STAFF), "supervisor", "local"
    )
    ArchiveService(store, lambda: FROZEN_NOW + timedelta(days=120)).archive(90)
    assert [e.action for e in store.audit_entries()] == ["staff.put", "db.archive"]
    db = ["--db", str(demo_db)]
    assert main(["audit", *db, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["action"] for row in rows] == ["demo.created", "staff.put", "db.archive"]
    assert rows[0]["at"] == FROZEN_NOW.isoformat()
    assert main(["audit", *db, "--actor", "supervisor"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("2026-11-26 10:00  supervisor") and "h.alotaibi" in line
    assert main(["audit", *db, "--since", "2026-11-26", "--target", "h.alotaibi", "--json"]) == 0
    assert [json.loads(row)["action"] for row in capsys.readouterr().out.splitlines()] == [
        "staff.put"
    ]
    assert main(["audit", *db, "--since", "2026-11-27", "--actor", "supervisor"]) == 0
    assert capsys.readouterr().out == ""


def test_audit_finds_a_request_s_changes_by_its_number_in_any_digits(
    services: Services, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    StaffSession(services, "staff", "local").change_status(
        "9000000100", RequestStatus.ACCEPTED, "Ready"
    )
    assert main(["audit", "--db", str(demo_db), "--target", "٩٠٠٠٠٠٠١٠٠", "--json"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["actor"], row["action"], row["details"]["to"]) == (
        "staff",
        "request.status",
        "accepted",
    )


def test_audit_refuses_a_date_that_is_not_one(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "--db", str(demo_db), "--since", "2026-13-01"]) == 2
    assert "write it as YYYY-MM-DD" in capsys.readouterr().err

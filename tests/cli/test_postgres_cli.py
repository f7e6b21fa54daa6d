"""Every command on an office in PostgreSQL: ``--db postgresql://…?office=CODE`` (or
``TAWASUL_DB``), with the password from libpq's environment or pgpass, never the command line."""

import itertools
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.wiring import files_beside
from kiosk.config import KioskConfig
from kiosk.services.receipts import ReceiptFiles
from kiosk.store.postgres.location import OfficeDatabase
from tests.cli.test_cli import assert_one_clear_line, tawasul
from tests.postgres_cluster import PostgresCluster

pytestmark = pytest.mark.slow

DATABASE = "cli"
_offices = itertools.count(1)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of its own on the session's server, for these commands' offices."""
    from tests.postgres_cluster import running_cluster

    cluster = running_cluster()
    cluster.psql(f"CREATE DATABASE {DATABASE}")
    return cluster.url(DATABASE)


def new_office(database: str) -> str:
    """The URL of an office no command has used yet."""
    return f"{database}&office=CLI{next(_offices)}"


def test_upgrade_applies_the_schema_once_then_has_nothing_to_do(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    office = new_office(database)
    assert main(["db", "upgrade", "--db", office]) == 0
    first = capsys.readouterr().out
    assert main(["db", "upgrade", "--db", office]) == 0
    assert "the schema is up to date" in capsys.readouterr().out
    assert "applied 0001_offices" in first or "up to date" in first


def test_the_commands_run_on_an_office_in_the_database(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = new_office(database)
    assert main(["demo", "--db", office, "--count", "40"]) == 0
    made = capsys.readouterr().out
    assert made.startswith("Made postgresql://") and " requests, " in made
    monkeypatch.setenv("TAWASUL_DB", office)  # as the kiosk's and console's service files set it
    assert main(["request", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) >= 40
    number = next(r["number"] for r in listed if r["status"] == "under_review")
    assert main(["request", "set-status", number, "accepted", "--by", "huda"]) == 0
    capsys.readouterr()
    assert main(["request", "show", number, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "accepted" and shown["history"][-1]["by"] == "huda"
    assert main(["staff-admin", "add", "zainab", "--name", "Zainab"]) == 0
    assert main(["staff-admin", "list"]) == 0
    assert "zainab" in capsys.readouterr().out
    assert main(["db", "check"]) == 0
    checked = capsys.readouterr().out
    assert "requests" in checked and "office=CLI" in checked
    assert main(["audit"]) == 0
    assert "huda" in capsys.readouterr().out  # the status change, audited
    assert main(["demo", "--db", office]) == 2  # an office in a database is never replaced
    assert "never replaced" in capsys.readouterr().err


def test_a_password_in_the_url_is_refused_in_one_sentence(database: str) -> None:
    with_password = new_office(database).replace("postgres@", "postgres:secret@")
    result = tawasul("db", "check", "--db", with_password)
    assert_one_clear_line(result, 2, "Put no password in the database URL")
    assert "secret" not in result.stderr


def test_a_password_in_a_url_whose_scheme_is_in_capitals_is_refused_too(database: str) -> None:
    """PostgreSQL:// is a database URL like postgresql://, never a path echoed back."""
    with_password = new_office(database).replace("postgres@", "postgres:secret@")
    result = tawasul("db", "check", "--db", "PostgreSQL" + with_password[len("postgresql") :])
    assert_one_clear_line(result, 2, "Put no password in the database URL")
    assert "secret" not in result.stderr


def test_an_office_is_named_in_the_url(database: str) -> None:
    result = tawasul("db", "check", "--db", database)
    assert_one_clear_line(result, 2, "add ?office=CODE")


def test_the_password_comes_from_pgpassword_or_a_pgpass_file(
    postgres: PostgresCluster,
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office = new_office(database)
    assert main(["demo", "--db", office, "--count", "5"]) == 0
    # A console's login role: a member of tawasul_app, mapped to its office (migration 0002).
    postgres.psql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clerk') THEN"
        " CREATE ROLE clerk LOGIN PASSWORD 'clerk-secret' IN ROLE tawasul_app; END IF; END $$"
    )
    code = office.rsplit("=", 1)[1]
    postgres.psql(f"INSERT INTO office_members VALUES ('{code}', 'clerk')", DATABASE)
    capsys.readouterr()
    over_tcp = postgres.tcp_url(DATABASE, "clerk") + "?office=" + code
    assert main(["db", "check", "--db", over_tcp]) == 3  # no password anywhere: refused
    assert "refuses the connection" in capsys.readouterr().err
    monkeypatch.setenv("PGPASSWORD", "clerk-secret")
    assert main(["db", "check", "--db", over_tcp]) == 0
    assert "5" in capsys.readouterr().out
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{postgres.port}:{DATABASE}:clerk:clerk-secret\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert main(["request", "list", "--db", over_tcp]) == 0


def test_doctor_checks_an_office_in_the_database_and_the_files_holding_its_password(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office = new_office(database)
    assert main(["demo", "--db", office, "--count", "3"]) == 0
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.pgpass nor ~/.pg_service.conf of ours
    monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path / "etc"))
    capsys.readouterr()

    def data_line() -> str:
        main(["doctor", "--db", office])
        lines = capsys.readouterr().out.splitlines()
        return next(line for line in lines if line.split()[1] == "data")

    assert data_line() == f"ok       data            {office}: readable, writable, not damaged."
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("*:*:*:clerk:clerk-secret\n")
    pgpass.chmod(0o644)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    exposed = data_line()
    assert exposed.startswith(
        f"failure  data            every account on this host can read {pgpass}"
    )
    assert f"chmod o-rwx {pgpass}." in exposed
    monkeypatch.delenv("PGPASSFILE")
    assert data_line().startswith("ok       data")
    office += f"&passfile={pgpass}"  # the URL's own password file, as libpq reads it
    assert f"can read {pgpass} " in data_line()
    pgpass.chmod(0o600)
    # A service file every account reads is how libpq is meant to be set up, unless it holds
    # a password.
    services = tmp_path / "etc" / "pg_service.conf"
    services.parent.mkdir()
    services.write_text("[office]\nhost=db.example\ndbname=tawasul\n")
    services.chmod(0o644)
    assert data_line().startswith("ok       data")
    services.write_text("[office]\nhost=db.example\n password = clerk-secret\n")
    assert f"can read {services} " in data_line()


def test_a_command_on_a_server_that_is_down_says_so_and_exits_6(
    postgres_to_stop: PostgresCluster, demo_office: str
) -> None:
    """One sentence naming the server, exit status 6 (README), for a read and for a write;
    the same commands work once the server is back, and the write refused was not made."""
    server = f"{postgres_to_stop.socket_dir}:{postgres_to_stop.port}"
    postgres_to_stop.pause()
    try:
        sentence = f"The database server at {server} cannot be reached."
        assert_one_clear_line(tawasul("request", "show", "9000000100", "--db", demo_office), 6,
                              sentence)  # fmt: skip
        refused = tawasul("request", "set-status", "9000000100", "accepted", "--by", "huda",
                          "--db", demo_office)  # fmt: skip
        assert_one_clear_line(refused, 6, sentence)
        checked = tawasul("doctor", "--db", demo_office)
        assert checked.returncode == 1  # a check fails
        data = next(line for line in checked.stdout.splitlines() if line.split()[1:2] == ["data"])
        assert sentence in data and "Start it" in data and "backup" not in data
    finally:
        postgres_to_stop.resume()
    shown = tawasul("request", "show", "9000000100", "--db", demo_office, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "under_review"


def test_offices_served_from_one_host_keep_their_own_key_spool_and_receipts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A spool retried for one office never prints another's receipts."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    places = [
        ReceiptFiles.beside(
            files_beside(OfficeDatabase.parse(f"postgresql:///tawasul?office={code}")),
            KioskConfig(),
        )
        for code in ("RUH1", "JED1")
    ]
    for kind in ("key_path", "spool_dir", "file_printer_dir"):
        ruh, jed = (getattr(files, kind) for files in places)
        assert ruh != jed and "RUH1" in ruh.parts and "JED1" in jed.parts, kind

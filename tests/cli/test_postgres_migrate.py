"""``tawasul db migrate``: the demo office's data file copied into PostgreSQL, safely again,
and the commands then run on the copy."""

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.domain.statuses import RequestStatus
from kiosk.store.postgres.store import PostgresStore
from kiosk.store.store import TawasulStore
from tests.postgres_cluster import PostgresCluster

pytestmark = pytest.mark.slow

DATABASE = "moved"


@pytest.fixture(scope="module")
def database() -> str:
    """A database of its own on the session's server."""
    from tests.postgres_cluster import running_cluster

    cluster: PostgresCluster = running_cluster()
    cluster.psql(f"CREATE DATABASE {DATABASE}")
    return cluster.url(DATABASE)


@pytest.fixture
def demo_office(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`tawasul demo`'s office, with a year archived and a guard kept, as an office has it."""
    path = tmp_path / "office.json"
    assert main(["demo", "--db", str(path), "--count", "60"]) == 0
    assert main(["db", "archive", "--db", str(path), "--days", "10"]) == 0
    with contextlib.closing(TawasulStore(path)) as store, store.transaction() as tx:
        tx.set_sign_in_guard("1000000008", {"failed_attempts": 2, "locked_until": None})
        tx.set_guard_entry("quick_lookups", "kiosk-1", ["2026-11-25T07:00:00+00:00"])
    capsys.readouterr()
    return path


def test_the_demo_office_moves_into_postgresql_and_the_commands_run_on_it(
    demo_office: Path,
    database: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    migrate = ["db", "migrate", "--from", str(demo_office), "--to", database, "--office", "RUH1"]
    assert main(migrate) == 0
    first = capsys.readouterr().out
    assert "the counts match" in first and "archived requests" in first
    assert main(migrate) == 0  # again: nothing doubled, the same counts
    assert capsys.readouterr().out == first

    office = f"{database}&office=RUH1"
    with (
        contextlib.closing(TawasulStore(demo_office)) as file_store,
        contextlib.closing(PostgresStore(office)) as copy,
    ):
        archived = file_store.contents().archived_requests
        assert archived, "the demo office has an archive year"
        assert sorted(copy.all_requests(), key=lambda r: r.number) == sorted(
            file_store.all_requests(), key=lambda r: r.number
        )
        assert copy.request(archived[0].number) == archived[0]
        assert copy.is_archived(archived[0].number)
        contents = file_store.contents()
        for applicant in contents.applicants:
            assert copy.applicant(applicant.id_number) == applicant  # hashes included
        assert copy.all_staff() == file_store.all_staff()
        assert copy.audit_entries() == file_store.audit_entries()
        assert copy.archive_years() == file_store.archive_years()
        assert copy.sign_in_guard("1000000008") == {"failed_attempts": 2, "locked_until": None}
        assert copy.guard_entry("quick_lookups", "kiosk-1") == ["2026-11-25T07:00:00+00:00"]

    # The commands, unchanged, on the copy.
    monkeypatch.setenv("TAWASUL_DB", office)
    assert main(["request", "list", "--status", "under_review", "--json"]) == 0
    number = json.loads(capsys.readouterr().out)[0]["number"]
    assert (
        main(
            [
                "request",
                "set-status",
                number,
                "returned",
                "--by",
                "supervisor",
                "--note",
                "photo",
                "--action",
                "bring a new photo",
            ]
        )
        == 0
    )
    assert main(["db", "check"]) == 0
    assert main(["audit"]) == 0
    assert "supervisor" in capsys.readouterr().out

    # The office in the database has moved on: a copy of the file again is refused, whole, as a
    # refusal (2), not as damage (3).
    assert main(migrate) == 2
    assert "copy into a new office" in capsys.readouterr().err


def test_a_copy_brings_over_what_the_file_gained_since_the_last(
    demo_office: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate = ["db", "migrate", "--from", str(demo_office), "--to", database, "--office", "JED1"]
    assert main(migrate) == 0
    with contextlib.closing(TawasulStore(demo_office)) as store, store.transaction() as tx:
        tx.set_setting("banner", "moved to the new system")
        request = next(r for r in store.all_requests() if r.status.value == "under_review")
        tx.put_request(
            request.with_status(RequestStatus.ACCEPTED, datetime(2026, 12, 26, tzinfo=UTC), "ali")
        )
    assert main(migrate) == 0
    with contextlib.closing(PostgresStore(f"{database}&office=JED1")) as copy:
        assert copy.setting("banner") == "moved to the new system"
        moved = copy.request(request.number)
        assert moved is not None and moved.status.value == "accepted"
        assert len(moved.history) == len(request.history) + 1


def test_a_file_that_is_not_there_is_refused(database: str, tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    assert main(["db", "migrate", "--from", str(missing), "--to", database, "--office", "X"]) == 2

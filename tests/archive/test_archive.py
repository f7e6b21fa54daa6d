"""The archive run on real files: what moves, what stays, and that everything is still found."""

from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from kiosk.cli import main
from kiosk.cli.wiring import open_services
from kiosk.domain.models import AuditEntry
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import NotAllowed
from kiosk.services import Services
from kiosk.services.archive import ArchiveService
from kiosk.store import TawasulStore
from kiosk.store import store as store_module
from kiosk.store.archive import FINISHED
from kiosk.store.archive_files import archive_path
from tests.archive.files import request_documents_by_file, where_each_request_is
from tests.conftest import FROZEN_NOW, file_store, frozen_clock


def archive_service(services: Services) -> ArchiveService:
    """The archive use case over *services* with the frozen clock and the default 90 days."""
    return ArchiveService(services.store, frozen_clock)


def test_only_old_finished_requests_move(office_services: Services, office: Path) -> None:
    before = {r.number: r for r in office_services.store.all_requests()}
    report = archive_service(office_services).archive(days=30)

    cutoff = FROZEN_NOW - timedelta(days=30)
    expected = {n for n, r in before.items() if r.status in FINISHED and r.updated < cutoff}
    assert expected and report.requests_moved == len(expected)
    files = request_documents_by_file(office)
    assert set(files[office.name]) == set(before) - expected
    archived = {n for name, docs in files.items() if name != office.name for n in docs}
    assert archived == expected
    assert report.live_requests_left == len(before) - len(expected)


def test_requests_go_to_the_file_of_the_year_they_were_made(
    office_services: Services, office: Path
) -> None:
    before = {r.number: r for r in office_services.store.all_requests()}
    archive_service(office_services).archive(days=30)
    for name, documents in request_documents_by_file(office).items():
        for number in documents:
            if name != office.name:
                assert name == archive_path(office, before[number].created.year).name


def test_an_archived_request_is_still_found_by_its_owner_and_by_staff(
    office_services: Services,
) -> None:
    old = next(
        r
        for r in office_services.store.all_requests()
        if r.status is RequestStatus.CLOSED and r.updated < FROZEN_NOW - timedelta(days=60)
    )
    archive_service(office_services).archive(days=30)

    fresh = open_services(
        file_store(office_services).path, office_services.config, clock=frozen_clock
    )
    assert fresh.store.is_archived(old.number)
    assert fresh.requests.quick_lookup(old.number, old.applicant_id[-4:]) == old
    assert fresh.requests.request_for_owner(old.applicant_id, old.number) == old
    assert fresh.requests.find(old.number) == old
    assert old in ArchiveService(fresh.store, frozen_clock).archived_requests_of(old.applicant_id)
    # The live list of a resident no longer carries it; staff cannot change it.
    assert old not in fresh.store.requests_of(old.applicant_id)
    with pytest.raises(NotAllowed, match="archived"):
        fresh.requests.add_internal_note(old.number, "too late", "amal")
    with pytest.raises(NotAllowed, match="archived"):
        fresh.requests.change_status(old.number, RequestStatus.CLOSED, "amal")


def test_a_dry_run_changes_nothing(office_services: Services, office: Path) -> None:
    before = office.read_bytes()
    report = archive_service(office_services).archive(days=30, dry_run=True)
    assert report.dry_run and report.requests_moved > 0
    assert office.read_bytes() == before
    assert list(office.parent.glob("*.archive-*")) == []


def test_a_second_run_moves_nothing_more(office_services: Services, office: Path) -> None:
    service = archive_service(office_services)
    service.archive(days=30)
    files = request_documents_by_file(office)
    report = service.archive(days=30)
    assert report.requests_moved == 0 and report.repaired == 0
    assert request_documents_by_file(office) == files


def test_old_audit_entries_move_and_ids_are_never_reused(office_services: Services) -> None:
    store = file_store(office_services)
    with store.transaction() as tx:
        for days in (400, 150, 100):
            tx.append_audit(AuditEntry(FROZEN_NOW - timedelta(days=days), "amal", "old", "x"))
        tx.append_audit(AuditEntry(FROZEN_NOW, "amal", "recent", "x"))
    live_before = len(store.audit_entries())
    service = archive_service(office_services)
    report = service.archive(days=90)
    assert report.audit_by_year == {2025: 1, 2026: 2}
    # The run records itself in the live log.
    assert len(store.audit_entries()) == live_before - 3 + 1
    assert [e.action for e in service.audit_of_year(2025) + service.audit_of_year(2026)] == [
        "old",
        "old",
        "old",
    ]
    # The newest id stays live, so new ids keep growing past every archived one.
    live_ids = orjson.loads(store.path.read_bytes())["audit"]
    archived_ids = {
        entry_id
        for year in store.archives.years()
        for entry_id in store.archives.table(year, "audit").ids()
    }
    assert not set(live_ids) & archived_ids
    assert max(map(int, live_ids)) > max(map(int, archived_ids))


def test_a_run_cut_short_before_the_live_write_is_repaired_by_the_next(
    office_services: Services, office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_before = set(request_documents_by_file(office)[office.name])

    def power_cut(*_: object) -> None:
        raise SystemExit("the process died after the archives were written")

    with monkeypatch.context() as patch:
        patch.setattr(store_module, "write_atomically", power_cut)
        with pytest.raises(SystemExit):
            archive_service(office_services).archive(days=30)
    # The archives were written, the live file was not: some requests are in both for now...
    places = where_each_request_is(office)
    assert any(len(files) == 2 for files in places.values())
    assert set(places) == live_before
    # ...and a reader still sees each once, the live copy.
    reader = TawasulStore(office)
    assert {r.number for r in reader.all_requests()} == live_before

    report = archive_service(office_services).archive(days=30)
    assert report.repaired > 0
    places = where_each_request_is(office)
    assert set(places) == live_before
    assert all(len(files) == 1 for files in places.values())


def test_a_copy_left_in_an_archive_loses_to_a_newer_live_request(
    office_services: Services, office: Path
) -> None:
    service = archive_service(office_services)
    service.archive(days=30)
    live = office_services.store.all_requests()
    touched = next(r for r in live if r.status is RequestStatus.UNDER_REVIEW)
    # As if an interrupted run had copied it before staff changed it again.
    archive = archive_path(office, touched.created.year)
    tables = orjson.loads(archive.read_bytes())
    tables["requests"][touched.number] = orjson.loads(office.read_bytes())["requests"][
        touched.number
    ]
    tables["requests"][touched.number]["status"] = "closed"
    archive.write_bytes(orjson.dumps(tables))

    assert office_services.store.request(touched.number) == touched
    report = service.archive(days=30)
    assert report.repaired == 1
    assert where_each_request_is(office)[touched.number] == [office.name]


def test_the_cli_archives_and_reports(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "archive", "--db", str(office), "--days", "30", "--dry-run"]) == 0
    assert "would move" in capsys.readouterr().out
    assert main(["db", "archive", "--db", str(office), "--days", "30"]) == 0
    output = capsys.readouterr().out
    assert "moved" in output and "requests stay live" in output
    assert main(["db", "archive", "--db", str(office), "--days", "-1"]) == 2
    assert main(["db", "check", "--db", str(office)]) == 0


def test_archive_files_are_tinydb_files(office_services: Services, office: Path) -> None:
    from tinydb import TinyDB

    archive_service(office_services).archive(days=30)
    for year in file_store(office_services).archives.years():
        with TinyDB(archive_path(office, year)) as db:
            documents = db.table("requests").all()
        assert documents and all(doc["status"] in {s.value for s in FINISHED} for doc in documents)


def test_archived_requests_are_found_without_loading_the_archive(
    office_services: Services, office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive_service(office_services).archive(days=30)
    archived = {
        number: document
        for name, documents in request_documents_by_file(office).items()
        if name != office.name
        for number, document in documents.items()
    }

    def no_loading(path: Path) -> None:
        raise AssertionError(f"{path} was loaded whole")

    monkeypatch.setattr("kiosk.store.archive_files.load", no_loading)
    reader = TawasulStore(office)
    for number, document in archived.items():
        found = reader.request(number)
        assert found is not None and found.number == number
        assert found.applicant_id == document["applicant"]
    # A well-formed number that no file holds: searched, then scanned, and not found.
    assert reader.request("9000000019") is None
    owner = next(iter(archived.values()))["applicant"]
    expected = {n for n, d in archived.items() if d["applicant"] == owner}
    assert {r.number for r in reader.archived_requests_of(owner)} == expected


def test_an_archive_edited_out_of_order_still_finds_every_request(
    office_services: Services, office: Path
) -> None:
    archive_service(office_services).archive(days=30)
    year = file_store(office_services).archives.years()[-1]
    path = archive_path(office, year)
    numbers = list(orjson.loads(path.read_bytes())["requests"])
    lines = path.read_bytes().split(b"\n")
    first = lines.index(b'"requests":{') + 1
    # The same layout and outline, the documents in reverse order.
    body = [line.removesuffix(b",") for line in lines[first:-2]][::-1]
    path.write_bytes(b"\n".join([*lines[:first], b",\n".join(body), *lines[-2:]]))
    assert set(orjson.loads(path.read_bytes())["requests"]) == set(numbers)
    reader = TawasulStore(office)
    assert all(reader.request(number) is not None for number in numbers)

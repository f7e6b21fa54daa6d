"""The numbers kept beside each request archive: a number held nowhere is answered without
reading the archive, and a missing or wrong set never hides a request."""

from pathlib import Path

import pytest

from kiosk.services import Services
from kiosk.services.archive import ArchiveService
from kiosk.store import TawasulStore
from kiosk.store.archive_files import archive_path
from kiosk.store.archive_numbers import ArchivedNumbers, numbers_path, read_numbers
from kiosk.store.storage import read_generation
from tests.archive.files import request_documents_by_file
from tests.conftest import frozen_clock

NOWHERE = ["9000000019", "9999999998", "9123456782"]  # well-formed numbers no file holds


def archive(services: Services, office: Path) -> dict[str, set[str]]:
    """Run the archive (30 days) and return archive path → the request numbers it holds."""
    ArchiveService(services.store, frozen_clock).archive(days=30)
    return {
        str(office.with_name(name)): set(documents)
        for name, documents in request_documents_by_file(office).items()
        if name != office.name
    }


def generation_of(path: Path) -> str | None:
    """The content version in the outline of the file at *path*."""
    return read_generation(path.read_bytes()[:4096])


def test_each_request_archive_has_its_numbers_beside_it(
    office_services: Services, office: Path
) -> None:
    archived = archive(office_services, office)
    assert archived
    for name, numbers in archived.items():
        path = Path(name)
        assert numbers_path(path).exists()
        assert read_numbers(path, generation_of(path)) == ArchivedNumbers.of(numbers)
        assert (numbers_path(path).stat().st_mode & 0o777) == (path.stat().st_mode & 0o777)


def test_a_number_held_nowhere_reads_no_byte_of_any_archive(
    office_services: Services, office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archived = archive(office_services, office)
    reader = TawasulStore(office)
    some = next(iter(next(iter(archived.values()))))
    assert reader.request(some) is not None  # the archives are open, their numbers read

    def no_reading(*arguments: object) -> bytes:
        raise AssertionError("an archive was read for a number held nowhere")

    monkeypatch.setattr("kiosk.store.archive_files.os.pread", no_reading)
    for number in NOWHERE:
        assert reader.request(number) is None
        assert not reader.is_archived(number)


def test_without_its_numbers_an_archive_still_finds_everything_and_db_check_mends_them(
    office_services: Services, office: Path
) -> None:
    archived = archive(office_services, office)
    path = Path(next(iter(archived)))
    numbers = archived[str(path)]
    numbers_path(path).unlink()
    reader = TawasulStore(office)
    assert all(reader.request(number) is not None for number in numbers)
    assert all(reader.request(number) is None for number in NOWHERE)
    reader.check()
    assert read_numbers(path, generation_of(path)) == ArchivedNumbers.of(numbers)


def test_numbers_of_another_archive_version_are_not_trusted_and_db_check_mends_wrong_ones(
    office_services: Services, office: Path
) -> None:
    archived = archive(office_services, office)
    path = Path(next(iter(archived)))
    numbers = archived[str(path)]
    missing_one = sorted(numbers)[1:]
    # Numbers kept for another version (a crash between the two writes, a restored archive).
    numbers_path(path).write_bytes(ArchivedNumbers.of(missing_one).to_bytes("0" * 16))
    assert all(TawasulStore(office).request(number) is not None for number in numbers)
    # Wrong numbers that name this version (edited by hand): db check writes them again.
    generation = generation_of(path)
    assert generation is not None
    numbers_path(path).write_bytes(ArchivedNumbers.of(missing_one).to_bytes(generation))
    TawasulStore(office).check()
    assert read_numbers(path, generation) == ArchivedNumbers.of(numbers)
    assert all(TawasulStore(office).request(number) is not None for number in numbers)


def test_the_archive_run_writes_missing_numbers_even_when_nothing_moves(
    office_services: Services, office: Path
) -> None:
    archived = archive(office_services, office)
    path = archive_path(office, min(int(Path(name).stem[-4:]) for name in archived))
    numbers_path(path).unlink()
    ArchiveService(office_services.store, frozen_clock).archive(days=30)
    assert read_numbers(path, generation_of(path)) is not None

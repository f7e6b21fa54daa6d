"""A data folder that can be read but not written: a real small tmpfs, filled up, and remounted
read-only. Reads are served and make no file; each write is refused with exit status 4 and one
sentence, loses nothing acknowledged before, and works again once the folder is writable."""

import errno
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import StoreUnwritable, WriteProblem
from kiosk.services import Services
from kiosk.services.accounts import SignInOutcome
from tests.conftest import file_store, frozen_clock, make_demo_file
from tests.store.test_processes import LOOP

AHMED, AHMED_PASSWORD = "2109876546", "ahmed-2026"  # the README's demo resident
UNDER_REVIEW = ["9000000100", "9000000704", "9000001108"]

pytestmark = pytest.mark.slow


class SmallDisk:
    """A tmpfs of a few megabytes mounted for one test (the CI runs as root)."""

    def __init__(self, mount_point: Path) -> None:
        """Mount a new tmpfs at *mount_point*."""
        self.path = mount_point
        self._filler = mount_point / "filler"
        mount_point.mkdir()
        self._mount("-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs")

    def _mount(self, *options: str) -> None:
        done = subprocess.run(["mount", *options, str(self.path)], capture_output=True, text=True)
        # Not skipped: the CI runs as root. Unprivileged, test_a_file_size_limit_... still runs.
        assert done.returncode == 0, f"these tests mount a tmpfs, as root: {done.stderr.strip()}"

    def fill(self) -> None:
        """Take every free block, as a log or a print spool filling the disk does."""
        with self._filler.open("ab") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError as error:
                assert error.errno == errno.ENOSPC

    def free(self) -> None:
        """Give the space back."""
        self._filler.unlink()

    def read_only(self, on: bool) -> None:
        """Remount the file system read-only (a storage fault), or writable again."""
        self._mount("-o", "remount,ro" if on else "remount,rw")

    def unmount(self) -> None:
        """Take the file system away again."""
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A small disk of its own for the test's data folder."""
    small = SmallDisk(tmp_path / "disk")
    yield small
    small.unmount()


@pytest.fixture
def office(disk: SmallDisk) -> Iterator[Services]:
    """Services over a demo file on the small disk, with the frozen clock."""
    path = make_demo_file(disk.path / "tawasul.json")
    services = open_services(path, KioskConfig(), clock=frozen_clock)
    yield services
    services.store.close()


def advance(services: Services, number: str, note: str) -> None:
    """One status change round the loop of the process tests (a return says what to do)."""
    request = services.requests.find(number)
    following = next(later for earlier, later in LOOP if earlier == request.status.value)
    services.requests.change_status(
        number, RequestStatus(following), "amal", note=note, required_action=note
    )


def notes(services: Services) -> set[str]:
    """Every note recorded in the history of the requests changed by these tests."""
    return {
        entry.note
        for number in UNDER_REVIEW
        for entry in services.requests.find(number).history
        if entry.by == "amal"
    }


def files_in(folder: Path) -> set[str]:
    """The names in *folder*."""
    return set(os.listdir(folder))


def test_reads_make_no_file_and_are_served_from_a_read_only_folder(
    disk: SmallDisk, office: Services
) -> None:
    def visit() -> None:
        signed_in = office.accounts.sign_in(AHMED, AHMED_PASSWORD)
        assert signed_in.outcome is SignInOutcome.SIGNED_IN
        assert office.requests.requests_by_type(AHMED)
        assert office.requests.request_for_owner(AHMED, "9000000209").status.value == "returned"

    before = files_in(disk.path)
    visit()
    assert files_in(disk.path) == before  # no lock file, no temporary file
    disk.read_only(True)
    file_store(office).reload()
    visit()
    assert office.write_problem() is WriteProblem.READ_ONLY


def test_a_write_to_a_read_only_folder_is_refused_and_works_once_remounted(
    disk: SmallDisk, office: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    advance(office, UNDER_REVIEW[0], "before")
    saved = file_store(office).path.read_bytes()
    disk.read_only(True)
    with pytest.raises(StoreUnwritable, match="the data folder is read-only") as refused:
        advance(office, UNDER_REVIEW[1], "refused")
    assert refused.value.exit_code == 4
    assert refused.value.problem is WriteProblem.READ_ONLY
    assert file_store(office).write_problem() is WriteProblem.READ_ONLY
    db = str(file_store(office).path)
    status = main(["request", "set-status", UNDER_REVIEW[1], "returned", "--by", "amal",
                   "--note", "x", "--action", "y", "--db", db])  # fmt: skip
    error = capsys.readouterr().err
    assert status == 4
    assert error.count("\n") == 1 and "read-only" in error and "Traceback" not in error
    assert file_store(office).path.read_bytes() == saved

    disk.read_only(False)
    assert office.write_problem() is None  # it recovers by itself
    advance(office, UNDER_REVIEW[1], "after")
    assert notes(office) == {"before", "after"}


def test_a_full_disk_refuses_a_write_keeps_every_earlier_one_and_writes_once_freed(
    disk: SmallDisk, office: Services
) -> None:
    for index, number in enumerate(UNDER_REVIEW):
        advance(office, number, f"before-{index}")
    saved = file_store(office).path.read_bytes()
    disk.fill()
    assert office.write_problem() is WriteProblem.DISK_FULL
    with pytest.raises(StoreUnwritable, match="the disk is full"):
        advance(office, UNDER_REVIEW[0], "refused")
    assert file_store(office).path.read_bytes() == saved
    assert files_in(disk.path) == {"tawasul.json", "filler"}  # no temporary file left
    assert notes(office) == {"before-0", "before-1", "before-2"}  # still served

    disk.free()
    assert office.write_problem() is None
    advance(office, UNDER_REVIEW[0], "after")
    assert file_store(office).write_problem() is None
    assert notes(office) == {"before-0", "before-1", "before-2", "after"}


def test_an_archive_run_on_a_full_disk_is_refused_and_loses_nothing(
    disk: SmallDisk, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_demo_file(disk.path / "tawasul.json", count=600)
    services = open_services(path, KioskConfig(), clock=frozen_clock)
    before = {request.number: request for request in services.store.all_requests()}
    disk.fill()
    assert main(["db", "archive", "--days", "30", "--db", str(path)]) == 4
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "the disk is full" in error
    file_store(services).reload()
    assert {number: services.store.request(number) for number in before} == before

    disk.free()
    assert main(["db", "archive", "--days", "30", "--db", str(path)]) == 0
    file_store(services).reload()
    assert {number: services.store.request(number) for number in before} == before
    assert services.store.is_archived(next(iter(services.store.archived_requests_of(AHMED))).number)
    services.store.close()


def _limit_file_size() -> None:
    # Files may not grow past 16 KiB (the demo file holds ~50 KiB): a write fails with EFBIG
    # instead of the process being killed by SIGXFSZ (an ignored signal stays so across exec).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))


def test_a_file_size_limit_refuses_the_write_as_a_full_disk_without_root(
    db_path: Path,
) -> None:
    make_demo_file(db_path)
    saved = db_path.read_bytes()
    command = [sys.executable, "-m", "kiosk", "request", "set-status", UNDER_REVIEW[0],
               "returned", "--by", "amal", "--note", "x", "--action", "y",
               "--db", str(db_path)]  # fmt: skip
    limited = subprocess.run(command, capture_output=True, text=True, preexec_fn=_limit_file_size)
    assert limited.returncode == 4, limited.stderr
    assert "the disk is full" in limited.stderr and limited.stderr.count("\n") == 1
    assert db_path.read_bytes() == saved
    assert list(db_path.parent.iterdir()) == [db_path]
    assert subprocess.run(command, capture_output=True).returncode == 0


def test_db_check_passes_a_read_only_folder_whose_archive_numbers_it_cannot_mend(
    disk: SmallDisk, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_demo_file(disk.path / "tawasul.json", count=600)
    assert main(["db", "archive", "--days", "30", "--db", str(path)]) == 0
    for numbers in disk.path.glob("*.numbers"):
        numbers.unlink()
    disk.read_only(True)
    assert main(["db", "check", "--db", str(path)]) == 0
    assert "parses" in capsys.readouterr().out

"""Signing in, quick lookups and the staff PIN on a data file that can be read but not written.

The data file lives on a real small tmpfs that the test mounts (as root), remounts read-only or
fills up, and gives back: issue 19.2's read-only remount and full disk.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.services import Services, SignInOutcome, passwords
from kiosk.services.guards import LookupVerdict, PinVerdict
from kiosk.services.passwords import PasswordPolicy
from tests.conftest import TEST_PASSWORDS, MovableClock, make_demo_file, stored_applicant

AHMED, AHMED_PASSWORD = "2109876546", "ahmed-2026"
UNKNOWN = "2000000006"  # a valid resident number that nobody in the demo has
NUMBER = "9000000209"


class SmallDisk:
    """A 4 MiB tmpfs mounted at *folder*, to be made read-only or full and then given back."""

    def __init__(self, folder: Path) -> None:
        """Mount it at *folder* (which must exist)."""
        self.folder = folder
        self._mount("-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs")
        self._filler = folder / "filler"

    def _mount(self, *options: str) -> None:
        subprocess.run(["mount", *options, str(self.folder)], check=True, capture_output=True)

    def read_only(self) -> None:
        """Remount it read-only, as the kernel does after a storage fault."""
        self._mount("-o", "remount,ro")

    def writable(self) -> None:
        """Remount it read-write."""
        self._mount("-o", "remount,rw")

    def fill(self) -> None:
        """Take every free block."""
        with self._filler.open("wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass

    def free(self) -> None:
        """Give the blocks back."""
        self._filler.unlink()

    def unmount(self) -> None:
        """Take it away."""
        subprocess.run(["umount", "-l", str(self.folder)], check=False, capture_output=True)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    try:
        small = SmallDisk(folder)
    except subprocess.CalledProcessError as error:
        pytest.skip(f"cannot mount a tmpfs here: {error.stderr.strip()}")
    yield small
    small.unmount()


def break_it(disk: SmallDisk, how: str, services: Services) -> None:
    """Make *disk* refuse writes: read-only, or full.

    The store keeps its last write's descriptor open, which a read-only remount refuses as busy
    (the kernel's own remount after a fault does not ask): it is let go first, as a reload does.
    """
    services.store.close()
    disk.read_only() if how == "read-only" else disk.fill()


def mend_it(disk: SmallDisk, how: str) -> None:
    """Make *disk* take writes again."""
    disk.writable() if how == "read-only" else disk.free()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def kiosk(db: Path, clock: MovableClock, kiosk_id: str = "KIOSK-01", pin: str = "") -> Services:
    """The services of one kiosk process."""
    config = replace(KioskConfig(), kiosk_id=kiosk_id, staff_pin_hash=pin)
    return open_services(db, config, clock=clock)


HOW = ["read-only", "full"]


@pytest.mark.parametrize("how", HOW)
def test_sign_in_works_and_its_failures_are_stricter_then_written(
    disk: SmallDisk, clock: MovableClock, how: str
) -> None:
    db = make_demo_file(disk.folder / "tawasul.json")
    services = kiosk(db, clock)
    before = db.read_bytes()
    break_it(disk, how, services)

    signed_in = services.accounts.sign_in(AHMED, AHMED_PASSWORD)
    assert signed_in.outcome is SignInOutcome.SIGNED_IN
    # While failures cannot be shared, three (not five) lock an ID, known or not, as alike.
    for id_number in (AHMED, UNKNOWN):
        outcomes = [services.accounts.sign_in(id_number, "guess").outcome for _ in range(3)]
        assert outcomes == [SignInOutcome.WRONG_CREDENTIALS] * 2 + [SignInOutcome.LOCKED]
        assert services.accounts.sign_in(id_number, AHMED_PASSWORD).outcome is SignInOutcome.LOCKED
    assert db.read_bytes() == before

    mend_it(disk, how)
    # The next sign-in that can write writes what was kept: both locks and their audit entries.
    assert services.accounts.sign_in(AHMED, AHMED_PASSWORD).outcome is SignInOutcome.LOCKED
    assert kiosk(db, clock).accounts.sign_in(UNKNOWN, "guess").outcome is SignInOutcome.LOCKED
    locks = [e for e in services.store.audit_entries() if e.action == "sign_in.locked"]
    assert [e.target for e in locks] == ["******6546", "******0006"]
    clock.advance(15 * 60)
    assert kiosk(db, clock).accounts.sign_in(AHMED, AHMED_PASSWORD).outcome is (
        SignInOutcome.SIGNED_IN
    )


@pytest.mark.parametrize("how", HOW)
def test_a_reset_and_a_rehash_wait_in_memory_for_a_writable_store(
    disk: SmallDisk, clock: MovableClock, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "POLICY", PasswordPolicy(1, 1024, 1))
    db = make_demo_file(disk.folder / "tawasul.json")
    monkeypatch.setattr(passwords, "POLICY", TEST_PASSWORDS)
    services = kiosk(db, clock)
    for _ in range(2):
        services.accounts.sign_in(AHMED, "guess")
    old_hash = stored_applicant(services.store, AHMED).password_hash
    break_it(disk, how, services)

    assert services.accounts.sign_in(AHMED, AHMED_PASSWORD).outcome is SignInOutcome.SIGNED_IN
    stored = services.store.applicant(AHMED)
    assert stored is not None and stored.failed_attempts == 2 and stored.password_hash == old_hash

    mend_it(disk, how)
    services.accounts.sign_in(UNKNOWN, "guess")  # any sign-in that writes
    stored = services.store.applicant(AHMED)
    assert stored is not None and stored.failed_attempts == 0
    assert stored.password_hash != old_hash
    assert not passwords.password_policy().needs_rehash(stored.password_hash or "")
    assert services.accounts.sign_in(AHMED, AHMED_PASSWORD).outcome is SignInOutcome.SIGNED_IN


@pytest.mark.parametrize("how", HOW)
def test_quick_lookups_and_the_pin_are_stricter_then_written(
    disk: SmallDisk, clock: MovableClock, how: str
) -> None:
    db = make_demo_file(disk.folder / "tawasul.json")
    pin = TEST_PASSWORDS.hash("2468")
    services = kiosk(db, clock, pin=pin)
    break_it(disk, how, services)

    # Half the budget: one miss free, then a wait, and the counter from the third.
    lookups = services.quick_lookups
    assert lookups.record_failure(NUMBER) == LookupVerdict()
    assert lookups.record_failure(NUMBER) == LookupVerdict(2)
    clock.advance(2)
    assert lookups.record_failure(NUMBER) == LookupVerdict(to_counter=True)
    # Two wrong PINs (not three) lock the exit.
    assert [services.staff_exit.verify("0000") for _ in range(2)] == [
        PinVerdict.WRONG,
        PinVerdict.LOCKED,
    ]
    assert services.staff_exit.verify("2468") is PinVerdict.LOCKED

    mend_it(disk, how)
    clock.advance(1)
    lookups.record_failure("9000000100")  # the next write takes what was kept along
    other = kiosk(db, clock, "KIOSK-02", pin=pin)
    # 3 misses of the number, now shared: 2 s after the last, 1 s ago.
    assert other.quick_lookups.check(NUMBER) == LookupVerdict(1)
    assert other.quick_lookups.check("9000000308") == LookupVerdict()
    # 4 misses at this kiosk: 4 s after the last, just now.
    assert kiosk(db, clock).quick_lookups.check("9000000308") == LookupVerdict(4)
    assert services.staff_exit.verify("2468") is PinVerdict.LOCKED
    assert other.staff_exit.verify("2468") is PinVerdict.LOCKED
    clock.advance(5 * 60)
    assert other.staff_exit.verify("2468") is PinVerdict.ACCEPTED


def test_a_damaged_file_is_still_an_error_not_an_unwritable_store(
    tmp_path: Path, clock: MovableClock
) -> None:
    """Only the disk's refusals are taken for an unwritable store; damage still stops."""
    from kiosk.errors import DataFileError

    db = tmp_path / "tawasul.json"
    db.write_text('{"applicants": {"1": ')
    with pytest.raises(DataFileError):
        kiosk(db, clock).accounts.sign_in(AHMED, AHMED_PASSWORD)

"""Signing in: argon2 passwords, five failures lock an ID for fifteen minutes, no ID leaks."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.services import Services, SignInOutcome
from tests.conftest import FROZEN_NOW, file_store, stored_applicant

AHMED, AHMED_PASSWORD = "2109876546", "ahmed-2026"
UNKNOWN = "2000000006"  # a valid resident number that nobody in the demo has


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = FROZEN_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(demo_db: Path, clock: Clock) -> Services:
    return open_services(demo_db, KioskConfig(), clock=clock)


def test_the_right_password_signs_in_with_any_digit_script(accounts: Services) -> None:
    result = accounts.accounts.sign_in("٢١٠٩٨٧٦٥٤٦", AHMED_PASSWORD)
    assert result.outcome is SignInOutcome.SIGNED_IN
    assert result.applicant is not None and result.applicant.id_number == AHMED


def test_a_mistyped_id_is_explained_before_any_lookup(accounts: Services) -> None:
    result = accounts.accounts.sign_in("2109876547", AHMED_PASSWORD)
    assert result.outcome is SignInOutcome.INVALID_ID
    assert "mistyped" in result.reason


def test_a_wrong_password_and_an_unknown_id_answer_the_same(accounts: Services) -> None:
    wrong = accounts.accounts.sign_in(AHMED, "guess")
    unknown = accounts.accounts.sign_in(UNKNOWN, "guess")
    assert wrong == unknown
    assert wrong.outcome is SignInOutcome.WRONG_CREDENTIALS


@pytest.mark.parametrize("id_number", [AHMED, UNKNOWN])
def test_five_failures_lock_for_fifteen_minutes(
    accounts: Services, clock: Clock, id_number: str
) -> None:
    for _ in range(4):
        assert (
            accounts.accounts.sign_in(id_number, "guess").outcome is SignInOutcome.WRONG_CREDENTIALS
        )
    fifth = accounts.accounts.sign_in(id_number, "guess")
    assert fifth.outcome is SignInOutcome.LOCKED
    assert fifth.locked_until == FROZEN_NOW + timedelta(minutes=15)
    # Locked: even the right password is refused, and the answer is the same for both IDs.
    assert accounts.accounts.sign_in(id_number, AHMED_PASSWORD).outcome is SignInOutcome.LOCKED
    clock.now += timedelta(minutes=15, seconds=1)
    expected = SignInOutcome.SIGNED_IN if id_number == AHMED else SignInOutcome.WRONG_CREDENTIALS
    assert accounts.accounts.sign_in(id_number, AHMED_PASSWORD).outcome is expected


def test_the_lock_is_shared_by_every_kiosk_on_the_file(demo_db: Path, clock: Clock) -> None:
    first = open_services(demo_db, KioskConfig(), clock=clock)
    second = open_services(demo_db, KioskConfig(), clock=clock)
    for attempt in range(5):
        (first if attempt % 2 else second).accounts.sign_in(AHMED, "guess")
    assert first.accounts.sign_in(AHMED, AHMED_PASSWORD).outcome is SignInOutcome.LOCKED


def test_a_success_clears_the_count(accounts: Services) -> None:
    for _ in range(4):
        accounts.accounts.sign_in(AHMED, "guess")
    assert accounts.accounts.sign_in(AHMED, AHMED_PASSWORD).outcome is SignInOutcome.SIGNED_IN
    assert stored_applicant(accounts.store, AHMED).failed_attempts == 0
    for _ in range(4):
        assert accounts.accounts.sign_in(AHMED, "guess").outcome is SignInOutcome.WRONG_CREDENTIALS


def test_unlock_and_reset_are_audited_without_the_password(accounts: Services) -> None:
    for _ in range(5):
        accounts.accounts.sign_in(AHMED, "guess")
    accounts.accounts.unlock(AHMED, by="supervisor", client="10.0.0.5")
    assert accounts.accounts.sign_in(AHMED, AHMED_PASSWORD).outcome is SignInOutcome.SIGNED_IN
    accounts.accounts.reset_password(AHMED, "new-secret-1", by="supervisor")
    assert accounts.accounts.sign_in(AHMED, "new-secret-1").outcome is SignInOutcome.SIGNED_IN
    entries = [e for e in accounts.store.audit_entries() if e.actor == "supervisor"]
    assert [e.action for e in entries] == ["applicant.unlock", "applicant.reset_password"]
    assert entries[0].target == "******6546" and entries[0].details == {"client": "10.0.0.5"}
    assert "new-secret-1" not in Path(file_store(accounts).path).read_text()


def test_passwords_are_stored_only_as_argon2_hashes(accounts: Services) -> None:
    stored = accounts.store.applicant(AHMED)
    assert stored is not None and stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2")
    assert AHMED_PASSWORD not in Path(file_store(accounts).path).read_text()

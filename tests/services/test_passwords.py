"""One argon2 policy: an unknown ID costs what a known one costs, older hashes are upgraded."""

import statistics
import time
from pathlib import Path

import pytest
from argon2 import extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.digits import luhn_check_digit
from kiosk.resources import data_file
from kiosk.services import SignInOutcome, passwords
from kiosk.services.demo import load_seed
from kiosk.services.passwords import PasswordPolicy
from tests.conftest import frozen_clock, make_demo_file, stored_applicant


def residents() -> list[tuple[str, str]]:
    """(ID, password) of the demo's residents who have a password."""
    return [
        (r["id_number"], r["password"]) for r in load_seed(data_file("demo_seed.json"))["residents"]
    ]


def unknown_ids(count: int) -> list[str]:
    """*count* valid resident numbers that nobody in the demo has."""
    bodies = (f"2{index:08d}" for index in range(10_000_000, 10_000_000 + count))
    return [body + str(luhn_check_digit(body)) for body in bodies]


def test_production_is_argon2s_own_default() -> None:
    expected = RFC_9106_LOW_MEMORY
    assert (passwords.PRODUCTION.time_cost, passwords.PRODUCTION.memory_cost) == (
        expected.time_cost,
        expected.memory_cost,
    )
    assert passwords.PRODUCTION.parallelism == expected.parallelism


def test_an_unknown_id_costs_what_a_known_one_costs(demo_db: Path) -> None:
    """Median sign-in time of unknown IDs over known ones (wrong passwords): a ratio, not a time.

    Four tries per known ID stay under the lockout; each unknown ID is tried once; the two kinds
    alternate, so a busy machine slows both alike.
    """
    accounts = open_services(demo_db, KioskConfig(), clock=frozen_clock).accounts
    known = [id_number for id_number, _ in residents() for _ in range(4)]
    unknown = unknown_ids(len(known))
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for known_id, unknown_id in zip(known, unknown, strict=True):
        for kind, id_number in (("known", known_id), ("unknown", unknown_id)):
            start = time.perf_counter()
            outcome = accounts.sign_in(id_number, "a wrong guess").outcome
            times[kind].append(time.perf_counter() - start)
            assert outcome is SignInOutcome.WRONG_CREDENTIALS
    ratio = statistics.median(times["unknown"]) / statistics.median(times["known"])
    assert 0.5 < ratio < 2.0, f"unknown/known sign-in time: {ratio:.2f}"


def test_a_hash_of_other_parameters_is_upgraded_at_the_next_sign_in(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahmed, password = residents()[0]
    older = PasswordPolicy(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "POLICY", older)
    make_demo_file(db_path)
    monkeypatch.undo()
    services = open_services(db_path, KioskConfig(), clock=frozen_clock)
    stored = services.store.applicant(ahmed)
    assert stored is not None and stored.password_hash is not None
    assert extract_parameters(stored.password_hash).memory_cost == 1024

    # A wrong password upgrades nothing: only the person who knows it can be re-hashed.
    assert (
        services.accounts.sign_in(ahmed, "a wrong guess").outcome is SignInOutcome.WRONG_CREDENTIALS
    )
    assert stored_applicant(services.store, ahmed).password_hash == stored.password_hash

    assert services.accounts.sign_in(ahmed, password).outcome is SignInOutcome.SIGNED_IN
    upgraded = services.store.applicant(ahmed)
    assert upgraded is not None and upgraded.password_hash is not None
    assert not passwords.password_policy().needs_rehash(upgraded.password_hash)
    assert extract_parameters(upgraded.password_hash).memory_cost == 8192
    assert services.accounts.sign_in(ahmed, password).outcome is SignInOutcome.SIGNED_IN


def test_the_demo_hashes_with_the_policy_in_force(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "POLICY", PasswordPolicy(2, 8192, 1))
    services = open_services(make_demo_file(db_path), KioskConfig(), clock=frozen_clock)
    for id_number, _ in residents():
        stored = services.store.applicant(id_number)
        assert stored is not None and stored.password_hash is not None
        assert extract_parameters(stored.password_hash).time_cost == 2

"""Guards against guessing, kept in the data file: shared by every kiosk, kept over a restart."""

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.models import TawasulRequest
from kiosk.services import Services, SignInOutcome
from kiosk.services.guards import LookupVerdict, PinVerdict
from tests.conftest import TEST_PASSWORDS, MovableClock

WORKERS = Path(__file__).with_name("guard_workers.py")
NUMBER, OTHER = "9000000209", "9000000100"
AHMED = "2109876546"
UNKNOWN = "2000000006"  # a valid resident number that nobody in the demo has
WAIT_2, WAIT_4, COUNTER = LookupVerdict(2), LookupVerdict(4), LookupVerdict(to_counter=True)


def kiosk(db: Path, clock: MovableClock, kiosk_id: str = "KIOSK-01", pin: str = "") -> Services:
    """The services one kiosk process of the office builds (a restart builds them anew)."""
    config = replace(KioskConfig(), kiosk_id=kiosk_id, staff_pin_hash=pin)
    return open_services(db, config, clock=clock)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def test_three_misses_are_free_then_2_4_8_seconds_then_the_counter(
    demo_db: Path, clock: MovableClock
) -> None:
    guard = kiosk(demo_db, clock).quick_lookups
    assert [guard.record_failure(NUMBER) for _ in range(2)] == [LookupVerdict()] * 2
    assert guard.record_failure(NUMBER) == WAIT_2
    clock.advance(1)
    assert guard.check(NUMBER) == LookupVerdict(1)
    clock.advance(1)
    assert guard.check(NUMBER).go
    assert guard.record_failure(NUMBER) == WAIT_4
    clock.advance(4)
    assert guard.record_failure(NUMBER) == LookupVerdict(8)
    clock.advance(8)
    assert guard.record_failure(NUMBER) == COUNTER
    # The counter until the oldest miss is 15 minutes old.
    clock.advance(15 * 60 - 15)
    assert guard.check(NUMBER) == COUNTER
    clock.advance(1)
    assert guard.check(NUMBER).go


def test_a_quick_lookup_asks_the_budget_first_and_counts_each_miss(
    demo_db: Path, clock: MovableClock
) -> None:
    services = kiosk(demo_db, clock)
    looked: list[str] = []

    def find(last4: str) -> Callable[[], TawasulRequest]:
        def look() -> TawasulRequest:
            looked.append(last4)
            return services.requests.quick_lookup(NUMBER, last4)

        return look

    guard = services.quick_lookups
    found = guard.look_up(NUMBER, find("6546"))
    assert found.request is not None and found.request.number == NUMBER
    assert found.verdict.go and not found.refused
    # A wrong last 4 and a malformed one are both misses: the guesser learns nothing either way.
    misses = [guard.look_up(NUMBER, find(last4)) for last4 in ("0000", "65", "1111")]
    assert [(miss.request, miss.refused) for miss in misses] == [(None, False)] * 3
    assert [miss.verdict for miss in misses] == [LookupVerdict(), LookupVerdict(), WAIT_2]
    # While the wait lasts the request is not looked for, not even with the right digits.
    refused = guard.look_up(NUMBER, find("6546"))
    assert (refused.request, refused.refused, refused.verdict) == (None, True, WAIT_2)
    assert looked == ["6546", "0000", "65", "1111"]
    clock.advance(2)
    assert guard.look_up(NUMBER, find("6546")).request == found.request


def test_a_second_kiosk_and_a_restart_see_the_first_kiosks_misses(
    demo_db: Path, clock: MovableClock
) -> None:
    first = kiosk(demo_db, clock, "KIOSK-01")
    for _ in range(6):
        first.quick_lookups.record_failure(NUMBER)
        clock.advance(10)
    # Another kiosk: this number's budget is spent everywhere; another number is still free.
    second = kiosk(demo_db, clock, "KIOSK-02")
    assert second.quick_lookups.check(NUMBER) == COUNTER
    assert second.quick_lookups.check(OTHER).go
    # The first kiosk, restarted: its own budget is spent too, for any number.
    restarted = kiosk(demo_db, clock, "KIOSK-01")
    assert restarted.quick_lookups.check(OTHER) == COUNTER


def test_walking_numbers_meets_the_kiosks_budget(demo_db: Path, clock: MovableClock) -> None:
    guard = kiosk(demo_db, clock).quick_lookups
    walked = [f"90000{index:04d}0" for index in range(6)]
    for number in walked:
        guard.record_failure(number)
        clock.advance(10)
    assert guard.check("9000000308") == COUNTER
    assert kiosk(demo_db, clock, "KIOSK-02").quick_lookups.check("9000000308").go


def test_lookup_entries_are_forgotten_after_the_window(demo_db: Path, clock: MovableClock) -> None:
    guard = kiosk(demo_db, clock).quick_lookups
    guard.record_failure(NUMBER)
    clock.advance(15 * 60 + 1)
    guard.record_failure(OTHER)
    guards = json.loads(demo_db.read_text())["guards"]
    by_number = next(d for d in guards.values() if d["kind"] == "quick_lookups.number")
    assert list(by_number["entries"]) == [OTHER]


def test_wrong_pins_lock_the_exit_of_every_kiosk_for_five_minutes(
    demo_db: Path, clock: MovableClock
) -> None:
    pin = TEST_PASSWORDS.hash("2468")
    first = kiosk(demo_db, clock, "KIOSK-01", pin).staff_exit
    assert [first.verify("0000") for _ in range(2)] == [PinVerdict.WRONG] * 2
    second = kiosk(demo_db, clock, "KIOSK-02", pin).staff_exit
    assert second.verify("1111") is PinVerdict.LOCKED
    # Locked: even the right PIN waits, at any kiosk, after a restart too.
    assert first.verify("2468") is PinVerdict.LOCKED
    assert kiosk(demo_db, clock, "KIOSK-01", pin).staff_exit.verify("2468") is PinVerdict.LOCKED
    clock.advance(5 * 60)
    assert second.verify("2468") is PinVerdict.ACCEPTED
    # The right PIN clears the count.
    assert [first.verify("0000") for _ in range(2)] == [PinVerdict.WRONG] * 2
    assert first.verify("2468") is PinVerdict.ACCEPTED
    assert first.verify("0000") is PinVerdict.WRONG
    assert kiosk(demo_db, clock).staff_exit.verify("2468") is PinVerdict.NOT_SET


@pytest.mark.parametrize("id_number", [AHMED, UNKNOWN])
def test_sign_in_failures_older_than_the_lockout_no_longer_count(
    demo_db: Path, clock: MovableClock, id_number: str
) -> None:
    """Known and unknown IDs alike, so the expiry does not tell whether an ID exists."""
    accounts = kiosk(demo_db, clock).accounts
    for _ in range(4):
        assert accounts.sign_in(id_number, "guess").outcome is SignInOutcome.WRONG_CREDENTIALS
    clock.advance(15 * 60)
    for _ in range(4):
        assert accounts.sign_in(id_number, "guess").outcome is SignInOutcome.WRONG_CREDENTIALS
    assert accounts.sign_in(id_number, "guess").outcome is SignInOutcome.LOCKED


def test_entries_of_unknown_ids_expire_instead_of_piling_up(
    demo_db: Path, clock: MovableClock
) -> None:
    accounts = kiosk(demo_db, clock).accounts
    for _ in range(5):
        accounts.sign_in(UNKNOWN, "guess")  # locked until 15 minutes from now
    accounts.sign_in("2000000014", "guess")
    assert set(json.loads(demo_db.read_text())["sign_in_guard"]) == {UNKNOWN, "2000000014"}
    clock.advance(15 * 60)
    accounts.sign_in("2000000022", "guess")
    assert set(json.loads(demo_db.read_text())["sign_in_guard"]) == {"2000000022"}


def worker(*args: str) -> subprocess.Popen[str]:
    """Start a kiosk process of guard_workers.py."""
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args], stdout=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_two_kiosk_processes_share_the_budgets_and_lose_no_miss(demo_db: Path) -> None:
    """Two kiosk processes at once on one file; then a third process (a restart) reads it."""
    pin = TEST_PASSWORDS.hash("2468")
    processes = [
        worker("lookups", str(demo_db), "KIOSK-01", "3", NUMBER),
        worker("lookups", str(demo_db), "KIOSK-02", "3", NUMBER),
        worker("pin", str(demo_db), "KIOSK-01", "1", pin),
        worker("pin", str(demo_db), "KIOSK-02", "2", pin),
    ]
    for process in processes:
        assert process.wait(timeout=60) == 0
    fresh = open_services(demo_db, replace(KioskConfig(), kiosk_id="KIOSK-03", staff_pin_hash=pin))
    # Six misses of one number, three from each kiosk: none lost, the counter at a third kiosk.
    assert fresh.quick_lookups.check(NUMBER) == COUNTER
    assert fresh.quick_lookups.check(OTHER).go
    assert fresh.staff_exit.verify("2468") is PinVerdict.LOCKED

"""Sign in with Nafath against the simulator as a real process: every way it can end."""

import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig, NafathConfig
from kiosk.domain.languages import Language
from kiosk.errors import InvalidInput
from kiosk.nafath.api import StatusAnswer, Transaction, TransactionStatus
from kiosk.services import Services
from kiosk.services.nafath import IdentityProvider, NafathAttempt, NafathOutcome, NafathSignIn
from tests.conftest import frozen_clock
from tests.nafath_sim import CREDENTIALS, RunningSimulator

AHMED, ABDULLAH = "2109876546", "1234567897"
WORKERS = Path(__file__).with_name("nafath_workers.py")


pytestmark = pytest.mark.usefixtures("nafath_credentials")


def nafath_services(db: Path, url: str, decision_seconds: float = 10) -> Services:
    nafath = NafathConfig(url=url, decision_seconds=decision_seconds, request_timeout=2)
    config = replace(KioskConfig(), sign_in=("nafath", "password"), nafath=nafath)
    return open_services(db, config, clock=frozen_clock)


@pytest.fixture
def nafath(demo_db: Path, simulator: RunningSimulator) -> NafathSignIn:
    return nafath_services(demo_db, simulator.url).nafath


def started(nafath: NafathSignIn, national_id: str = AHMED) -> NafathAttempt:
    answer = nafath.start(national_id, "en")
    assert answer.outcome is NafathOutcome.STARTED, answer
    assert answer.attempt is not None
    assert answer.attempt.national_id == national_id
    assert len(answer.attempt.number) == 2
    return answer.attempt


def test_approving_the_shown_number_signs_in_and_audits_the_method(
    nafath: NafathSignIn, simulator: RunningSimulator
) -> None:
    attempt = started(nafath)
    assert nafath.poll(attempt).outcome is NafathOutcome.WAITING
    assert simulator.phone(AHMED, attempt.number) == "COMPLETED"
    answer = nafath.poll(attempt)
    assert answer.outcome is NafathOutcome.SIGNED_IN
    assert answer.applicant is not None and answer.applicant.id_number == AHMED
    entries = [e for e in nafath.store.audit_entries() if e.action == "sign_in"]
    assert [(e.target, e.details) for e in entries] == [
        ("******6546", {"method": "nafath", "kiosk": "KIOSK-01"})
    ]


def test_a_password_sign_in_is_audited_with_its_method(services: Services) -> None:
    assert services.accounts.sign_in(AHMED, "ahmed-2026").applicant is not None
    entries = [e for e in services.store.audit_entries() if e.action == "sign_in"]
    assert [e.details["method"] for e in entries] == ["password"]


def test_rejecting_on_the_phone(nafath: NafathSignIn, simulator: RunningSimulator) -> None:
    attempt = started(nafath)
    simulator.phone(AHMED, attempt.number, approve=False)
    assert nafath.poll(attempt).outcome is NafathOutcome.REJECTED


def test_choosing_another_number_rejects(nafath: NafathSignIn, simulator: RunningSimulator) -> None:
    attempt = started(nafath)
    wrong = "10" if attempt.number != "10" else "11"
    assert "not the one" in simulator.phone(AHMED, wrong)
    assert nafath.poll(attempt).outcome is NafathOutcome.REJECTED


def test_no_answer_within_the_window_expires(nafath: NafathSignIn) -> None:
    attempt = started(nafath)
    time.sleep(4.2)
    assert nafath.poll(attempt).outcome is NafathOutcome.EXPIRED


def test_one_transaction_at_a_time_for_an_id(nafath: NafathSignIn) -> None:
    started(nafath)
    assert nafath.start(AHMED, "en").outcome is NafathOutcome.ALREADY_ACTIVE
    started(nafath, ABDULLAH)  # another person's is no business of Ahmed's


def test_the_provider_going_down_mid_poll(
    nafath: NafathSignIn, simulator: RunningSimulator
) -> None:
    attempt = started(nafath)
    simulator.stop()
    # One lost answer is tolerated; the next says so.
    assert nafath.poll(attempt).outcome is NafathOutcome.WAITING
    assert nafath.poll(attempt).outcome is NafathOutcome.UNAVAILABLE


def test_a_provider_that_is_not_there(demo_db: Path) -> None:
    nafath = nafath_services(demo_db, "http://127.0.0.1:9").nafath
    assert nafath.start(AHMED, "en").outcome is NafathOutcome.UNAVAILABLE


def test_wrong_credentials_are_refused(
    demo_db: Path, simulator: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAWASUL_NAFATH_APP_KEY", "not-the-key")
    nafath = nafath_services(demo_db, simulator.url).nafath
    assert nafath.start(AHMED, "en").outcome is NafathOutcome.UNAVAILABLE


def test_leaving_cancels_so_a_late_approval_signs_nobody_in(
    nafath: NafathSignIn, simulator: RunningSimulator
) -> None:
    attempt = started(nafath)
    attempt.cancel()
    simulator.phone(AHMED, attempt.number)
    assert nafath.poll(attempt).outcome is NafathOutcome.CANCELLED
    assert not [e for e in nafath.store.audit_entries() if e.action == "sign_in"]


@dataclass
class SwappedToken:
    """The real provider, whose COMPLETED answers carry another token instead of its own."""

    real: IdentityProvider
    token: str

    def start(self, national_id: str, language: str) -> Transaction:
        return self.real.start(national_id, language)

    def status(self, transaction: Transaction) -> StatusAnswer:
        answer = self.real.status(transaction)
        if answer.status is TransactionStatus.COMPLETED:
            return StatusAnswer(answer.status, self.token)
        return answer

    def signing_keys(self) -> dict[str, Any]:
        return self.real.signing_keys()


def completed_token(nafath: NafathSignIn, simulator: RunningSimulator, national_id: str) -> str:
    attempt = started(nafath, national_id)
    simulator.phone(national_id, attempt.number)
    answer = nafath.provider.status(attempt.transaction)
    assert answer.token is not None
    return answer.token


def test_a_statement_signed_with_another_key_is_refused(
    nafath: NafathSignIn, simulator: RunningSimulator
) -> None:
    genuine = completed_token(nafath, simulator, ABDULLAH)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attempt = started(nafath, AHMED)
    forged = jwt.encode(
        {**claims, "iqamaNumber": AHMED, "nin": None, "transId": attempt.transaction.trans_id},
        other_key,
        algorithm="RS256",
        headers={"kid": kid},
    )
    swapped = replace(nafath, provider=SwappedToken(nafath.provider, forged))
    simulator.phone(AHMED, attempt.number)
    assert swapped.poll(attempt).outcome is NafathOutcome.NOT_VERIFIED


def test_a_statement_replayed_for_another_id_is_refused(
    nafath: NafathSignIn, simulator: RunningSimulator
) -> None:
    abdullahs = completed_token(nafath, simulator, ABDULLAH)
    attempt = started(nafath, AHMED)
    swapped = replace(nafath, provider=SwappedToken(nafath.provider, abdullahs))
    simulator.phone(AHMED, attempt.number)
    assert swapped.poll(attempt).outcome is NafathOutcome.NOT_VERIFIED
    # The genuine statement of Ahmed's own transaction still signs him in.
    assert nafath.poll(attempt).outcome is NafathOutcome.SIGNED_IN


def test_a_statement_for_another_audience_is_refused(
    nafath: NafathSignIn, simulator: RunningSimulator
) -> None:
    attempt = started(nafath)
    simulator.phone(AHMED, attempt.number)
    assert replace(nafath, audience="another-app").poll(attempt).outcome is (
        NafathOutcome.NOT_VERIFIED
    )


def test_five_requests_per_id_in_ten_minutes(nafath: NafathSignIn) -> None:
    outcomes = [nafath.start(AHMED, "en").outcome for _ in range(6)]
    assert outcomes == [NafathOutcome.STARTED] + [NafathOutcome.ALREADY_ACTIVE] * 4 + [
        NafathOutcome.TOO_MANY
    ]
    refused = nafath.start(AHMED, "en")
    assert refused.retry_at is not None
    assert refused.retry_at == frozen_clock() + nafath.limit.window


@pytest.mark.slow
def test_the_limit_is_shared_by_two_kiosk_processes(
    demo_db: Path, simulator: RunningSimulator
) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKERS), str(demo_db), simulator.url, kiosk, "4", AHMED],
            stdout=subprocess.PIPE,
            text=True,
        )
        for kiosk in ("KIOSK-01", "KIOSK-02")
    ]
    outcomes = [line for worker in workers for line in worker.communicate(timeout=60)[0].split()]
    assert all(worker.returncode == 0 for worker in workers)
    assert len(outcomes) == 8
    assert outcomes.count("too_many") == 3  # 8 asked, 5 allowed at both kiosks together
    assert outcomes.count("started") == 1


@dataclass
class AnswersForAnother:
    """A provider that starts the transaction of another person than the one asked for."""

    real: IdentityProvider
    other: str

    def start(self, national_id: str, language: str) -> Transaction:
        return self.real.start(self.other, language)

    def status(self, transaction: Transaction) -> StatusAnswer:
        return self.real.status(transaction)

    def signing_keys(self) -> dict[str, Any]:
        return self.real.signing_keys()


def test_a_number_for_another_id_is_never_handed_out(nafath: NafathSignIn) -> None:
    crossed = replace(nafath, provider=AnswersForAnother(nafath.provider, ABDULLAH))
    answer = crossed.start(AHMED, "en")
    assert answer.outcome is NafathOutcome.UNAVAILABLE
    assert answer.attempt is None


def test_an_office_offering_nafath_without_credentials_is_told_at_the_start(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in CREDENTIALS:
        monkeypatch.delenv(name)
    with pytest.raises(InvalidInput, match="Nafath needs credentials"):
        nafath_services(demo_db, "http://127.0.0.1:9").check_sign_in()
    open_services(demo_db, KioskConfig()).check_sign_in()  # passwords only: nothing to check


def test_credentials_from_a_file(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, simulator: RunningSimulator
) -> None:
    for name in CREDENTIALS:
        monkeypatch.delenv(name)
    credentials = tmp_path / "nafath.toml"
    credentials.write_text('app_id = "tawasul-tests"\napp_key = "a-test-key"\n', encoding="utf-8")
    services = nafath_services(demo_db, simulator.url)
    nafath_config = replace(services.config.nafath, credentials_file=str(credentials))
    services = open_services(demo_db, replace(services.config, nafath=nafath_config))
    assert services.nafath.start(AHMED, "en").outcome is NafathOutcome.STARTED


def test_the_kiosk_ends_a_window_the_provider_leaves_open(nafath: NafathSignIn) -> None:
    hasty = replace(nafath, config=replace(nafath.config, decision_seconds=0.5))
    attempt = started(hasty)
    time.sleep(0.6)
    assert hasty.poll(attempt).outcome is NafathOutcome.EXPIRED  # the simulator still waits


def test_someone_nafath_vouches_for_without_a_record_here(
    nafath: NafathSignIn, simulator: RunningSimulator
) -> None:
    nobody = "2000000006"  # a valid resident number that the demo does not hold
    attempt = started(nafath, nobody)
    simulator.phone(nobody, attempt.number)
    applicant = nafath.poll(attempt).applicant
    assert applicant is not None and applicant.display_name(Language.ENGLISH) == "Simulated R."
    assert nafath.store.applicant(nobody) is None  # nothing stored about them

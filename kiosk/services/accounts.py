"""Signing residents in with their ID number and password, and the lockout that guards it."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.domain.identity import check_id, mask_id
from kiosk.domain.models import Applicant, AuditEntry
from kiosk.errors import InvalidInput, NotFound
from kiosk.services.clock import Clock, utc_now
from kiosk.services.passwords import password_policy
from kiosk.store import StoreTransaction, TawasulStore

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)


class SignInOutcome(StrEnum):
    """How a sign-in attempt ended; none of them tells whether the ID exists."""

    SIGNED_IN = "signed_in"
    INVALID_ID = "invalid_id"
    WRONG_CREDENTIALS = "wrong_credentials"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    """The outcome, the applicant when signed in, and the end of a lockout when locked."""

    outcome: SignInOutcome
    applicant: Applicant | None = None
    locked_until: datetime | None = None
    reason: str = ""


@dataclass(frozen=True)
class _Guard:
    """Failed attempts against one ID number, whether or not it belongs to anyone."""

    failed_attempts: int = 0
    locked_until: datetime | None = None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime) -> "_Guard":
        # A lock that has run out starts a fresh count.
        count = 1 if self.locked_until else self.failed_attempts + 1
        if count >= MAX_FAILED_ATTEMPTS:
            return _Guard(0, now + LOCKOUT)
        return _Guard(count, None)


class AccountService:
    """Sign-in with argon2 password hashes; five failures lock an ID for fifteen minutes."""

    def __init__(self, store: TawasulStore, clock: Clock = utc_now) -> None:
        """Work on *store*, reading the time from *clock*."""
        self._store = store
        self._clock = clock

    def hash_password(self, password: str) -> str:
        """A slow salted hash of *password* to store."""
        return password_policy().hash(password)

    def sign_in(self, typed_id: str, password: str) -> SignInResult:
        """Check *typed_id* and *password*; blocking (argon2): run it in a worker thread."""
        checked = check_id(typed_id)
        if not checked.is_valid:
            return SignInResult(SignInOutcome.INVALID_ID, reason=checked.reason)
        number = checked.number
        now = self._clock()
        applicant = self._store.applicant(number)
        guard = self._guard(applicant, self._store.sign_in_guard(number))
        if guard.locked_at(now):
            return SignInResult(SignInOutcome.LOCKED, locked_until=guard.locked_until)
        stored_hash = applicant.password_hash if applicant else None
        policy = password_policy()
        # An ID without a hash spends one verification of the same policy: it answers as slowly.
        matches = (
            policy.verify(stored_hash, password) if stored_hash else policy.verify_decoy(password)
        )
        # Hashed before the lock is taken: a slow hash must not hold up the other kiosks.
        rehash = matches and stored_hash is not None and policy.needs_rehash(stored_hash)
        upgraded = policy.hash(password) if rehash else None
        with self._store.transaction() as tx:
            # Re-read under the lock: another kiosk may have counted a failure meanwhile.
            applicant = tx.applicant(number)
            guard = self._guard(applicant, tx.sign_in_guard(number))
            if guard.locked_at(now):
                return SignInResult(SignInOutcome.LOCKED, locked_until=guard.locked_until)
            if matches and applicant is not None:
                if guard != _Guard():
                    self._save_guard(tx, number, applicant, _Guard())
                    applicant = tx.applicant(number)
                    assert applicant is not None
                # Only the hash just verified is replaced, not one a supervisor reset meanwhile.
                if upgraded is not None and applicant.password_hash == stored_hash:
                    tx.put_applicant(replace(applicant, password_hash=upgraded))
                signed_in = replace(applicant, failed_attempts=0, locked_until=None)
                return SignInResult(SignInOutcome.SIGNED_IN, applicant=signed_in)
            guard = guard.after_failure(now)
            self._save_guard(tx, number, applicant, guard)
            if guard.locked_at(now):
                tx.append_audit(AuditEntry(now, "kiosk", "sign_in.locked", mask_id(number)))
                return SignInResult(SignInOutcome.LOCKED, locked_until=guard.locked_until)
        return SignInResult(SignInOutcome.WRONG_CREDENTIALS)

    @staticmethod
    def _guard(applicant: Applicant | None, unknown: dict[str, object]) -> _Guard:
        if applicant is not None:
            return _Guard(applicant.failed_attempts, applicant.locked_until)
        until = unknown.get("locked_until")
        return _Guard(
            int(str(unknown.get("failed_attempts", 0))),
            datetime.fromisoformat(until) if isinstance(until, str) else None,
        )

    @staticmethod
    def _save_guard(
        tx: StoreTransaction, number: str, applicant: Applicant | None, guard: _Guard
    ) -> None:
        if applicant is not None:
            tx.put_applicant(
                replace(
                    applicant,
                    failed_attempts=guard.failed_attempts,
                    locked_until=guard.locked_until,
                )
            )
        elif guard == _Guard():
            tx.set_sign_in_guard(number, None)
        else:
            tx.set_sign_in_guard(
                number,
                {
                    "failed_attempts": guard.failed_attempts,
                    "locked_until": guard.locked_until.isoformat() if guard.locked_until else None,
                },
            )

    def unlock(self, typed_id: str, by: str, client: str = "") -> None:
        """Clear the failed attempts and lock of an ID (a supervisor's action, audited)."""
        number = self._existing(typed_id).id_number
        now = self._clock()
        with self._store.transaction() as tx:
            applicant = tx.applicant(number)
            assert applicant is not None
            tx.put_applicant(replace(applicant, failed_attempts=0, locked_until=None))
            tx.append_audit(
                AuditEntry(now, by, "applicant.unlock", mask_id(number), _client(client))
            )

    def reset_password(self, typed_id: str, new_password: str, by: str, client: str = "") -> None:
        """Give an applicant a new password and clear their lock (audited, no password logged)."""
        if len(new_password) < 8:
            raise InvalidInput("A password needs at least 8 characters.")
        number = self._existing(typed_id).id_number
        new_hash = self.hash_password(new_password)
        now = self._clock()
        with self._store.transaction() as tx:
            applicant = tx.applicant(number)
            assert applicant is not None
            tx.put_applicant(
                replace(applicant, password_hash=new_hash, failed_attempts=0, locked_until=None)
            )
            tx.append_audit(
                AuditEntry(now, by, "applicant.reset_password", mask_id(number), _client(client))
            )

    def _existing(self, typed_id: str) -> Applicant:
        checked = check_id(typed_id)
        if not checked.is_valid:
            raise InvalidInput(f"Not a valid ID number: {checked.reason}.")
        applicant = self._store.applicant(checked.number)
        if applicant is None:
            raise NotFound(f"No applicant has the ID {mask_id(checked.number)}.")
        return applicant


def _client(client: str) -> dict[str, object]:
    return {"client": client} if client else {}

"""Signing residents in with their ID number and password, and the lockout that guards it.

Reading never needs a write: on a store that cannot be written now, residents still sign in, and
what a sign-in records (failed tries, a lock and its audit entry, the audit entry of a sign-in
and how it was made, a reset after success, a re-hashed
password) is kept in memory under the stricter limit until a later sign-in can write it.
"""

from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from kiosk.domain.identity import check_id, mask_id
from kiosk.domain.models import Applicant, AuditEntry
from kiosk.errors import InvalidInput, NotFound
from kiosk.services.clock import Clock, utc_now
from kiosk.services.guards import (
    MOST_UNWRITTEN,
    SIGN_IN_LIMIT,
    FailureLimit,
    LockState,
    UnwrittenLocks,
    keep_bounded,
    write_or_none,
)
from kiosk.services.passwords import password_policy
from kiosk.store.port import Store, StoreTransaction


class SignInMethod(StrEnum):
    """How a resident proved who they are; the audit log's sign-in entry records it."""

    PASSWORD = "password"
    NAFATH = "nafath"


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


class AccountService:
    """Sign-in with argon2 password hashes; five failures lock an ID for fifteen minutes.

    Known and unknown IDs are guarded alike (same limit, same expiry, a hash checked either way),
    so no answer and no delay tells whether an ID exists.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock = utc_now,
        limit: FailureLimit = SIGN_IN_LIMIT,
        kiosk_id: str = "",
    ) -> None:
        """Work on *store*, reading the time from *clock*; *limit* locks an ID; sign-ins are
        audited as this *kiosk_id*'s."""
        self._store = store
        self._clock = clock
        self._limit = limit
        self._kiosk = kiosk_id
        # What sign-ins could not write yet (a read-only or full disk), written by the next one.
        self._unwritten_locks = UnwrittenLocks("sign-in guards")
        self._unwritten_audit: deque[AuditEntry] = deque(maxlen=MOST_UNWRITTEN)
        self._unwritten_hashes: dict[str, tuple[str, str]] = {}
        """ID → (the hash verified, the same password re-hashed with the policy)."""

    def hash_password(self, password: str) -> str:
        """A slow salted hash of *password* to store."""
        return password_policy().hash(password)

    @property
    def _anything_unwritten(self) -> bool:
        return bool(self._unwritten_locks or self._unwritten_audit or self._unwritten_hashes)

    def sign_in(self, typed_id: str, password: str) -> SignInResult:
        """Check *typed_id* and *password*; blocking (argon2): run it in a worker thread."""
        checked = check_id(typed_id)
        if not checked.is_valid:
            return SignInResult(SignInOutcome.INVALID_ID, reason=checked.reason)
        number = checked.number
        now = self._clock()
        applicant = self._store.applicant(number)
        stored = _stored_state(applicant, self._store.sign_in_guard(number))
        state = self._unwritten_locks.seen_over(number, stored).current(self._limit, now)
        if state.locked_at(now):
            if self._anything_unwritten:
                self._write_kept()  # the other paths write it with their own outcome
            return SignInResult(SignInOutcome.LOCKED, locked_until=state.locked_until)
        stored_hash = applicant.password_hash if applicant else None
        policy = password_policy()
        # An ID without a hash spends one verification of the same policy: it answers as slowly.
        matches = (
            policy.verify(stored_hash, password) if stored_hash else policy.verify_decoy(password)
        )
        # Hashed before the lock is taken: a slow hash must not hold up the other kiosks.
        rehash = matches and stored_hash is not None and policy.needs_rehash(stored_hash)
        attempt = _Attempt(number, matches, stored_hash, policy.hash(password) if rehash else None)
        result = write_or_none(self._store, lambda tx: self._record(tx, attempt, now))
        if result is None:
            return self._keep(attempt, applicant, stored, now)
        self._forget_kept()
        return result

    def record_sign_in(self, number: str, method: SignInMethod) -> None:
        """Audit that the person *number* signed in by *method* (another use case proved who
        they are: Nafath); kept in memory while the store cannot be written. Blocking."""
        entry = self._signed_in_entry(number, method, self._clock())

        def write(tx: StoreTransaction) -> bool:
            self._write_unwritten(tx)
            tx.append_audit(entry)
            return True

        if write_or_none(self._store, write):
            self._forget_kept()
        else:
            self._unwritten_audit.append(entry)

    def _signed_in_entry(self, number: str, method: SignInMethod, now: datetime) -> AuditEntry:
        """The audit entry of a sign-in: the masked ID, how, and at which kiosk."""
        details = {"method": method.value, **({"kiosk": self._kiosk} if self._kiosk else {})}
        return AuditEntry(now, "kiosk", "sign_in", mask_id(number), details)

    def _write_kept(self) -> None:
        """Write what earlier sign-ins kept in memory, if the store takes writes again."""
        if write_or_none(self._store, self._write_unwritten):
            self._forget_kept()

    def _forget_kept(self) -> None:
        self._unwritten_locks.clear()
        self._unwritten_audit.clear()
        self._unwritten_hashes.clear()

    def _record(self, tx: StoreTransaction, attempt: "_Attempt", now: datetime) -> SignInResult:
        """Write what earlier sign-ins could not, then this one's outcome, in *tx*."""
        self._write_unwritten(tx)
        number = attempt.number
        # Re-read under the lock: another kiosk may have counted a failure meanwhile.
        applicant = tx.applicant(number)
        stored = _stored_state(applicant, tx.sign_in_guard(number))
        state = stored.current(self._limit, now)
        if state.locked_at(now):
            return SignInResult(SignInOutcome.LOCKED, locked_until=state.locked_until)
        if attempt.matches and applicant is not None:
            if stored != LockState():
                applicant = _save_applicant_state(tx, applicant, LockState())
            # Only the hash just verified is replaced, not one a supervisor reset meanwhile.
            if attempt.upgraded and applicant.password_hash == attempt.verified_hash:
                applicant = replace(applicant, password_hash=attempt.upgraded)
                tx.put_applicant(applicant)
            tx.append_audit(self._signed_in_entry(number, SignInMethod.PASSWORD, now))
            return _signed_in(applicant)
        after = state.after_failure(self._limit, now)
        _save_state(tx, number, applicant, after)
        # Entries of IDs nobody has are forgotten once over, so they never pile up.
        tx.prune_sign_in_guards(
            lambda doc: LockState.from_document(doc).current(self._limit, now) == LockState()
        )
        if after.locked_at(now):
            tx.append_audit(_locked_entry(number, now))
            return SignInResult(SignInOutcome.LOCKED, locked_until=after.locked_until)
        return SignInResult(SignInOutcome.WRONG_CREDENTIALS)

    def _keep(
        self, attempt: "_Attempt", applicant: Applicant | None, stored: LockState, now: datetime
    ) -> SignInResult:
        """The outcome of a sign-in that cannot be written now, remembered until one can.

        Failures count against the stricter limit: other kiosks cannot see them meanwhile.
        """
        number = attempt.number
        state = self._unwritten_locks.seen_over(number, stored).current(self._limit, now)
        if attempt.matches and applicant is not None:
            if state != LockState() or stored != LockState():
                self._unwritten_locks.keep(number, stored, LockState())
            if attempt.upgraded and attempt.verified_hash:
                self._unwritten_hashes[number] = (attempt.verified_hash, attempt.upgraded)
                keep_bounded(self._unwritten_hashes, "re-hashed passwords")
            self._unwritten_audit.append(self._signed_in_entry(number, SignInMethod.PASSWORD, now))
            return _signed_in(applicant)
        after = state.after_failure(self._limit.stricter(), now)
        self._unwritten_locks.keep(number, stored, after)
        if after.locked_at(now):
            self._unwritten_audit.append(_locked_entry(number, now))
            return SignInResult(SignInOutcome.LOCKED, locked_until=after.locked_until)
        return SignInResult(SignInOutcome.WRONG_CREDENTIALS)

    def _write_unwritten(self, tx: StoreTransaction) -> bool:
        for number, pending in self._unwritten_locks.items():
            applicant = tx.applicant(number)
            stored = _stored_state(applicant, tx.sign_in_guard(number))
            _save_state(tx, number, applicant, pending.over(stored))
        for entry in self._unwritten_audit:
            tx.append_audit(entry)
        for number, (verified, upgraded) in self._unwritten_hashes.items():
            applicant = tx.applicant(number)
            if applicant is not None and applicant.password_hash == verified:
                tx.put_applicant(replace(applicant, password_hash=upgraded))
        return True

    def unlock(self, typed_id: str, by: str, client: str = "") -> None:
        """Clear the failed attempts and lock of an ID (a supervisor's action, audited)."""
        number = self._existing(typed_id).id_number
        now = self._clock()
        with self._store.transaction() as tx:
            applicant = tx.applicant(number)
            assert applicant is not None
            tx.put_applicant(
                replace(applicant, failed_attempts=0, locked_until=None, last_failure=None)
            )
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
                replace(
                    applicant,
                    password_hash=new_hash,
                    failed_attempts=0,
                    locked_until=None,
                    last_failure=None,
                )
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


@dataclass(frozen=True)
class _Attempt:
    """One sign-in's facts, found before the lock is taken."""

    number: str
    matches: bool
    verified_hash: str | None
    upgraded: str | None
    """The password re-hashed with the policy, when the stored hash used other parameters."""


def _stored_state(applicant: Applicant | None, unknown: dict[str, object]) -> LockState:
    """The failures stored for an ID: in its applicant record, or in the guard table."""
    if applicant is not None:
        return LockState(applicant.failed_attempts, applicant.locked_until, applicant.last_failure)
    return LockState.from_document(unknown)


def _save_state(
    tx: StoreTransaction, number: str, applicant: Applicant | None, state: LockState
) -> None:
    """Store *state* where _stored_state reads it."""
    if applicant is None:
        tx.set_sign_in_guard(number, None if state == LockState() else state.to_document())
    else:
        _save_applicant_state(tx, applicant, state)


def _save_applicant_state(
    tx: StoreTransaction, applicant: Applicant, state: LockState
) -> Applicant:
    """Store *state* in *applicant*'s record; the record as now stored."""
    changed = replace(
        applicant,
        failed_attempts=state.failures,
        locked_until=state.locked_until,
        last_failure=state.last_failure,
    )
    tx.put_applicant(changed)
    return changed


def _signed_in(applicant: Applicant) -> SignInResult:
    return SignInResult(
        SignInOutcome.SIGNED_IN,
        applicant=replace(applicant, failed_attempts=0, locked_until=None, last_failure=None),
    )


def _locked_entry(number: str, now: datetime) -> AuditEntry:
    return AuditEntry(now, "kiosk", "sign_in.locked", mask_id(number))

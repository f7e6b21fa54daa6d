"""Signing residents in with Nafath: the person chooses on their phone the number the kiosk shows.

The identity provider (``IdentityProvider``; ``kiosk.nafath.client`` for the real API, the
simulator behind it in tests and training) starts a transaction and says how it stands. Nothing
it says is trusted until its signed statement is verified here: an RS256 JWT checked against
the provider's JWKS, its issuer, audience and expiry, and the ID it names against the one typed.

Requests per ID are limited (``NAFATH_LIMIT``) so nobody can flood a person's phone; the count
is in the store, shared by every kiosk of the office (DESIGN §2). A store that cannot be written
keeps this kiosk's count in memory under half the limit, as the other guards do.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import jwt

from kiosk.config import NafathConfig
from kiosk.domain.identity import check_id
from kiosk.domain.models import Applicant
from kiosk.nafath.api import (
    ProviderError,
    ProviderFault,
    StatusAnswer,
    Transaction,
    TransactionStatus,
)
from kiosk.services.accounts import AccountService, SignInMethod
from kiosk.services.clock import Clock, utc_now
from kiosk.services.guards import keep_bounded, write_or_none
from kiosk.store.port import Store, StoreTransaction

log = logging.getLogger("tawasul.nafath")

NAFATH_REQUESTS = "nafath_requests"
"""The guard that keeps, per ID number, when Nafath requests were sent to the person's phone."""

MOST_MISSED_POLLS = 2
"""Status requests in a row that may go unanswered before the provider counts as unreachable:
one lost answer on a busy network is not worth ending the resident's attempt."""

TOKEN_LEEWAY_SECONDS = 30
"""How far the kiosk's clock and the provider's may differ when a token's times are checked."""

ID_CLAIMS = ("nin", "iqamaNumber", "borderNumber", "visaNumber")
"""The claims that may carry the person's number (citizens, residents, visitors)."""


class IdentityProvider(Protocol):
    """What the kiosk needs of Nafath (or another provider of the same shape)."""

    def start(self, national_id: str, language: str) -> Transaction:
        """Send the person a request; the transaction and the number to show (ProviderError)."""
        ...

    def status(self, transaction: Transaction) -> StatusAnswer:
        """How *transaction* stands, with the signed token once completed (ProviderError)."""
        ...

    def signing_keys(self) -> dict[str, Any]:
        """The JSON Web Key Set whose keys sign the tokens (ProviderError)."""
        ...


@dataclass(frozen=True)
class RequestLimit:
    """At most *most* Nafath requests for one ID within *window*, at all kiosks together."""

    most: int = 5
    window: timedelta = timedelta(minutes=10)

    def stricter(self) -> "RequestLimit":
        """The limit while requests cannot be stored: half as many (rounded up)."""
        return RequestLimit((self.most + 1) // 2, self.window)

    def recent(self, times: list[datetime], now: datetime) -> list[datetime]:
        """The requests still inside the window at *now*, oldest first."""
        return sorted(at for at in times if now - at < self.window)

    def next_allowed(self, times: list[datetime], now: datetime) -> datetime | None:
        """None if a request may go now; else when the next one may."""
        recent = self.recent(times, now)
        if len(recent) < self.most:
            return None
        return recent[-self.most] + self.window


NAFATH_LIMIT = RequestLimit()
"""5 Nafath requests per ID in 10 minutes."""


class NafathOutcome(StrEnum):
    """How starting or following a Nafath sign-in stands; each has one sentence on screen."""

    STARTED = "started"
    WAITING = "waiting"
    SIGNED_IN = "signed_in"
    INVALID_ID = "invalid_id"
    TOO_MANY = "too_many"
    ALREADY_ACTIVE = "already_active"
    REJECTED = "rejected"
    EXPIRED = "expired"
    UNAVAILABLE = "unavailable"
    """The provider cannot be reached, or refuses the kiosk's requests (its setup)."""
    NOT_VERIFIED = "not_verified"
    """The provider said completed, but its statement did not pass the checks."""
    CANCELLED = "cancelled"


class NafathAttempt:
    """One sign-in under way: the ID typed, its transaction and when its window closes."""

    def __init__(self, transaction: Transaction, window_seconds: float, started: float) -> None:
        """The attempt of *transaction*, begun at monotonic *started*."""
        self.transaction = transaction
        self.window_seconds = window_seconds
        self.started = started
        self.missed_polls = 0
        self._cancelled = threading.Event()

    @property
    def national_id(self) -> str:
        """The ID typed, which the transaction was started for."""
        return self.transaction.national_id

    @property
    def number(self) -> str:
        """The number the person chooses in the Nafath app."""
        return self.transaction.random

    def seconds_left(self, now: float) -> int:
        """Whole seconds of the decision window left at monotonic *now*."""
        return max(0, int(self.started + self.window_seconds - now + 0.999))

    def cancel(self) -> None:
        """The person left (Finish, idle): nothing this attempt learns later signs anyone in."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether the attempt was cancelled."""
        return self._cancelled.is_set()


@dataclass(frozen=True)
class NafathAnswer:
    """Where a Nafath sign-in stands: the attempt once started, the applicant once signed in,
    and when the next request may go when there were too many."""

    outcome: NafathOutcome
    attempt: NafathAttempt | None = None
    applicant: Applicant | None = None
    retry_at: datetime | None = None


def _times(stored: object) -> list[datetime]:
    return [datetime.fromisoformat(at) for at in stored] if isinstance(stored, list) else []


@dataclass
class NafathSignIn:
    """The Nafath sign-in use case over one provider; every method blocks (HTTP, the store)."""

    store: Store
    accounts: AccountService
    provider: IdentityProvider
    config: NafathConfig
    audience: str
    """The ``aud`` the tokens must carry."""
    clock: Clock = utc_now
    monotonic: Callable[[], float] = time.monotonic
    limit: RequestLimit = NAFATH_LIMIT
    _unwritten: dict[str, list[datetime]] = field(default_factory=dict)
    """ID → requests this kiosk could not store yet."""

    def start(self, typed_id: str, language: str) -> NafathAnswer:
        """Send a Nafath request for *typed_id*, within the limit; the attempt holds the number."""
        checked = check_id(typed_id)
        if not checked.is_valid:
            return NafathAnswer(NafathOutcome.INVALID_ID)
        number = checked.number
        retry_at = self._count_request(number)
        if retry_at is not None:
            return NafathAnswer(NafathOutcome.TOO_MANY, retry_at=retry_at)
        try:
            transaction = self.provider.start(number, language)
        except ProviderError as error:
            log.warning("Nafath request not started: %s", error)
            if error.fault is ProviderFault.ALREADY_ACTIVE:
                return NafathAnswer(NafathOutcome.ALREADY_ACTIVE)
            return NafathAnswer(NafathOutcome.UNAVAILABLE)
        if transaction.national_id != number:
            # The number is shown only for the ID typed: an answer for another is not used.
            log.error("the Nafath client answered for another ID; nothing is shown")
            return NafathAnswer(NafathOutcome.UNAVAILABLE)
        attempt = NafathAttempt(transaction, self.config.decision_seconds, self.monotonic())
        return NafathAnswer(NafathOutcome.STARTED, attempt)

    def poll(self, attempt: NafathAttempt) -> NafathAnswer:
        """Ask once how *attempt* stands; signed in only after its statement is verified."""
        if attempt.cancelled:
            return NafathAnswer(NafathOutcome.CANCELLED, attempt)
        try:
            answer = self.provider.status(attempt.transaction)
        except ProviderError as error:
            attempt.missed_polls += 1
            log.warning("Nafath status not answered (%d): %s", attempt.missed_polls, error)
            if (
                error.fault is ProviderFault.UNREACHABLE
                and attempt.missed_polls < MOST_MISSED_POLLS
            ):
                return self._waiting(attempt)
            return NafathAnswer(NafathOutcome.UNAVAILABLE, attempt)
        attempt.missed_polls = 0
        if answer.status is TransactionStatus.WAITING:
            return self._waiting(attempt)
        if answer.status is TransactionStatus.REJECTED:
            return NafathAnswer(NafathOutcome.REJECTED, attempt)
        if answer.status is TransactionStatus.EXPIRED:
            return NafathAnswer(NafathOutcome.EXPIRED, attempt)
        claims = self._verified(answer.token, attempt)
        if claims is None:
            return NafathAnswer(NafathOutcome.NOT_VERIFIED, attempt)
        if attempt.cancelled:  # the person left while the answer was on its way
            return NafathAnswer(NafathOutcome.CANCELLED, attempt)
        applicant = self.store.applicant(attempt.national_id) or _unknown_applicant(
            attempt.national_id, claims
        )
        self.accounts.record_sign_in(attempt.national_id, SignInMethod.NAFATH)
        return NafathAnswer(NafathOutcome.SIGNED_IN, attempt, applicant=applicant)

    def _waiting(self, attempt: NafathAttempt) -> NafathAnswer:
        # The kiosk's own clock ends a window the provider left open (a stalled service).
        if attempt.seconds_left(self.monotonic()) == 0:
            return NafathAnswer(NafathOutcome.EXPIRED, attempt)
        return NafathAnswer(NafathOutcome.WAITING, attempt)

    def _verified(self, token: str | None, attempt: NafathAttempt) -> dict[str, Any] | None:
        """The claims of *token* if it is the provider's statement about *attempt*'s person."""
        if not token:
            log.warning("Nafath said completed without a signed statement")
            return None
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            keys = jwt.PyJWKSet.from_dict(self.provider.signing_keys())
            matching = [key for key in keys.keys if kid is None or key.key_id == kid]
            if not matching:
                raise jwt.InvalidKeyError("no published key has the token's kid")
            claims: dict[str, Any] = jwt.decode(
                token,
                matching[0].key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.config.issuer,
                leeway=TOKEN_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except (jwt.PyJWTError, ProviderError) as error:
            log.warning("a Nafath statement was refused: %s", error)
            return None
        named = {claims[claim] for claim in ID_CLAIMS if claim in claims}
        if named != {attempt.national_id}:
            log.warning("a Nafath statement for another ID was refused")
            return None
        trans_id = claims.get("transId")
        if trans_id is not None and trans_id != attempt.transaction.trans_id:
            log.warning("a Nafath statement of another transaction was refused")
            return None
        return claims

    def _count_request(self, number: str) -> datetime | None:
        """Count one request for *number* unless the limit is reached; when the next may go."""
        now = self.clock()
        limit = self.limit.stricter() if self._unwritten else self.limit
        pending = self._unwritten.get(number, [])
        retry_at = limit.next_allowed(_times(self.store.guard_entry(NAFATH_REQUESTS, number))
                                      + pending, now)  # fmt: skip
        if retry_at is not None:
            return retry_at
        # In a tuple: the write's answer (None: counted) apart from write_or_none's None.
        written = write_or_none(self.store, lambda tx: (self._record(tx, number, now),))
        if written is None:
            self._unwritten[number] = self.limit.recent([*pending, now], now)
            keep_bounded(self._unwritten, "Nafath requests")
            return None
        self._unwritten.clear()
        return written[0]

    def _record(self, tx: StoreTransaction, number: str, now: datetime) -> datetime | None:
        """In *tx*: what this kiosk could not store before, then this request; re-read under
        the lock, so two kiosks asking at once cannot both pass the last place."""
        for kept, times in self._unwritten.items():
            merged = self.limit.recent(_times(tx.guard_entry(NAFATH_REQUESTS, kept)) + times, now)
            tx.set_guard_entry(NAFATH_REQUESTS, kept, [at.isoformat() for at in merged])
        stored = _times(tx.guard_entry(NAFATH_REQUESTS, number))
        retry_at = self.limit.next_allowed(stored, now)
        if retry_at is not None:
            return retry_at
        times = self.limit.recent([*stored, now], now)
        tx.set_guard_entry(NAFATH_REQUESTS, number, [at.isoformat() for at in times])
        tx.prune_guard_entries(
            NAFATH_REQUESTS, lambda kept: not self.limit.recent(_times(kept), now)
        )
        return None


def _unknown_applicant(number: str, claims: dict[str, Any]) -> Applicant:
    """Someone Nafath vouches for who has no record here: named as the statement names them
    (they have no requests to see; nothing is stored)."""
    name = " ".join(
        str(claims[part])
        for part in ("firstName", "familyName")
        if isinstance(claims.get(part), str)
    )
    return Applicant(number, name, name)

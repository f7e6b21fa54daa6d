"""Guards against guessing: the lockout rule, the quick-lookup throttle and the staff-exit PIN.

Their state is in the data file, so every kiosk of the office shares it and a restart keeps it
(DESIGN §2). A store that can be read but not written does not stop them: what they would record
is kept in memory, bounded, under stricter limits (this kiosk's tries are then unseen by the
others), and written by the guard's next write that succeeds.
"""

import errno
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from kiosk.domain.models import TawasulRequest
from kiosk.errors import DataFileError, InvalidInput, NotFound, StoreUnwritable
from kiosk.services.clock import Clock, utc_now
from kiosk.services.passwords import password_policy
from kiosk.store.port import Store, StoreReads, StoreTransaction

log = logging.getLogger("tawasul.guards")

MOST_UNWRITTEN = 1000
"""Keys (ID numbers, request numbers, kiosks) a guard keeps in memory while the store cannot be
written; past that the oldest is dropped, so memory stays bounded whatever a guesser types."""

LOG_EVERY_SECONDS = 60.0
"""How often at most the log says that the guards cannot write."""

Result = TypeVar("Result")

# The errors of a disk that cannot take a write now: full, read-only, no permission, over quota.
_UNWRITABLE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT})


def cannot_write(error: BaseException) -> bool:
    """Whether *error* says the store can be read but not written now."""
    if isinstance(error, StoreUnwritable):
        return True
    # Until the store says StoreUnwritable itself: a DataFileError whose lock file or write met
    # one of the disk's errors (the store raises it `from None`, so the OSError is the context).
    if isinstance(error, DataFileError):
        error = error.__cause__ or error.__context__ or error
    return isinstance(error, OSError) and error.errno in _UNWRITABLE_ERRNOS


def write_or_none(store: Store, change: Callable[[StoreTransaction], Result]) -> Result | None:
    """*change* done in one transaction, or None when the store cannot be written now.

    Any other error (a damaged file, a lock held too long) is raised as it is.
    """
    try:
        with store.transaction() as tx:
            return change(tx)
    except (StoreUnwritable, DataFileError, OSError) as error:
        if not cannot_write(error):
            raise
        _say_unwritable("guards keep their counts in memory: %s", error)
        return None


class _Sparingly:
    """Logs a warning at most once every LOG_EVERY_SECONDS: once a minute, not once a key, so a
    guesser at a kiosk whose disk is full cannot fill the journal too."""

    def __init__(self) -> None:
        self._last = -LOG_EVERY_SECONDS

    def __call__(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last >= LOG_EVERY_SECONDS:
            self._last = now
            log.warning(message, *args)


_say_unwritable = _Sparingly()


def keep_bounded(pending: dict[str, Any], what: str) -> None:
    """Drop the oldest keys of *pending* (named *what* in the log) past MOST_UNWRITTEN."""
    # Dicts keep insertion order: the first key is the one longest unwritten.
    while len(pending) > MOST_UNWRITTEN:
        dropped = next(iter(pending))
        del pending[dropped]
        log.warning("more than %d %s unwritten: the oldest is forgotten", MOST_UNWRITTEN, what)


# --- failures that lock: sign-in and the staff PIN ------------------------------------------


@dataclass(frozen=True)
class FailureLimit:
    """How many failures lock, and for how long; a failure older than the lock no longer counts."""

    most: int
    lockout: timedelta

    def stricter(self) -> "FailureLimit":
        """The limit while failures cannot be stored: half as many tries (rounded up)."""
        return replace(self, most=(self.most + 1) // 2)


SIGN_IN_LIMIT = FailureLimit(5, timedelta(minutes=15))
"""Five wrong passwords lock an ID (known or not) for fifteen minutes."""

PIN_LIMIT = FailureLimit(3, timedelta(minutes=5))
"""Three wrong staff PINs lock the exit of every kiosk of the office for five minutes."""


@dataclass(frozen=True)
class LockState:
    """Failed tries against one thing (an ID number, the staff exit) and the lock they made."""

    failures: int = 0
    locked_until: datetime | None = None
    last_failure: datetime | None = None

    def locked_at(self, now: datetime) -> bool:
        """Whether the lock holds at *now*."""
        return self.locked_until is not None and now < self.locked_until

    def current(self, limit: FailureLimit, now: datetime) -> "LockState":
        """The state as it stands at *now*: an ended lock, or failures that have all aged past
        the lockout, start afresh (so an entry for an ID nobody has can be forgotten)."""
        if self.locked_at(now):
            return self
        aged = self.last_failure is not None and now - self.last_failure >= limit.lockout
        if self.locked_until is not None or aged:
            return LockState()
        return self

    def after_failure(self, limit: FailureLimit, now: datetime) -> "LockState":
        """One more failure at *now*; the one that reaches *limit* locks."""
        count = self.current(limit, now).failures + 1
        if count >= limit.most:
            return LockState(0, now + limit.lockout, now)
        return LockState(count, None, now)

    def merged(self, other: "LockState") -> "LockState":
        """The stricter of two states of one thing written apart (another kiosk wrote too)."""

        def latest(a: datetime | None, b: datetime | None) -> datetime | None:
            return max(a, b) if a and b else a or b

        return LockState(
            max(self.failures, other.failures),
            latest(self.locked_until, other.locked_until),
            latest(self.last_failure, other.last_failure),
        )

    def to_document(self) -> dict[str, Any]:
        """The stored form (plain JSON, UTC times in ISO 8601)."""
        return {
            "failed_attempts": self.failures,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "last_failure": self.last_failure.isoformat() if self.last_failure else None,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> "LockState":
        """The state stored as *doc* (an empty one when nothing was stored)."""

        def time(key: str) -> datetime | None:
            value = doc.get(key)
            return datetime.fromisoformat(value) if isinstance(value, str) else None

        return cls(int(doc.get("failed_attempts", 0)), time("locked_until"), time("last_failure"))


@dataclass(frozen=True)
class UnwrittenLock:
    """A state kept in memory, and the stored state it was worked out from."""

    base: LockState
    state: LockState

    def over(self, stored: LockState) -> LockState:
        """What to write over *stored*: this state, or the stricter of both if another process
        changed the stored one meanwhile."""
        return self.state if stored == self.base else stored.merged(self.state)


class UnwrittenLocks:
    """Lock states a guard could not store, by key, at most MOST_UNWRITTEN of them."""

    def __init__(self, what: str) -> None:
        """Keep states of *what* (named in the log)."""
        self._what = what
        self._pending: dict[str, UnwrittenLock] = {}

    def __bool__(self) -> bool:
        """Whether anything is waiting to be written."""
        return bool(self._pending)

    def seen_over(self, key: str, stored: LockState) -> LockState:
        """The state of *key*: *stored*, unless memory holds a later one."""
        pending = self._pending.get(key)
        return pending.over(stored) if pending else stored

    def keep(self, key: str, stored: LockState, state: LockState) -> None:
        """Remember *state* of *key*, worked out over *stored*."""
        pending = self._pending.pop(key, None)
        self._pending[key] = UnwrittenLock(pending.base if pending else stored, state)
        keep_bounded(self._pending, self._what)

    def items(self) -> Iterator[tuple[str, UnwrittenLock]]:
        """Every key and its unwritten state."""
        return iter(list(self._pending.items()))

    def clear(self) -> None:
        """Forget everything: it was written."""
        self._pending.clear()


# --- the quick-lookup throttle ------------------------------------------------------------------


@dataclass(frozen=True)
class LookupLimit:
    """Failed quick lookups within *window*: the first *free* cost nothing, then each try waits
    twice as long as the one before, and from *most* on people are sent to the counter."""

    free: int = 3
    most: int = 6
    window: timedelta = timedelta(minutes=15)

    def stricter(self) -> "LookupLimit":
        """The limit while failures cannot be stored: half as many tries (rounded up)."""
        return replace(self, free=(self.free + 1) // 2, most=(self.most + 1) // 2)

    def recent(self, failures: Iterable[datetime], now: datetime) -> list[datetime]:
        """The failures still inside the window at *now*, oldest first."""
        return sorted(at for at in failures if now - at < self.window)

    def verdict(self, failures: Iterable[datetime], now: datetime) -> "LookupVerdict":
        """Whether a quick lookup may go ahead at *now* after *failures*."""
        recent = self.recent(failures, now)
        if len(recent) >= self.most:
            return LookupVerdict(to_counter=True)
        if len(recent) < self.free:
            return LookupVerdict()
        delay = 2.0 ** (len(recent) - self.free + 1)
        # A clock stepped back must not make the wait longer than the delay itself.
        left = min(delay, (recent[-1] - now).total_seconds() + delay)
        return LookupVerdict(wait_seconds=max(0, int(left + 0.999)))


LOOKUP_LIMIT = LookupLimit()
"""3 failed quick lookups within 15 minutes: each new try waits 2, 4, 8 s; after 6, the counter."""


@dataclass(frozen=True)
class LookupVerdict:
    """Whether a quick lookup may go ahead now: else how long to wait, or see the counter."""

    wait_seconds: int = 0
    to_counter: bool = False

    @property
    def go(self) -> bool:
        """Whether the lookup may go ahead."""
        return not self.to_counter and self.wait_seconds == 0

    def worst(self, other: "LookupVerdict") -> "LookupVerdict":
        """The stricter of two verdicts (this kiosk's and this number's)."""
        return LookupVerdict(
            max(self.wait_seconds, other.wait_seconds), self.to_counter or other.to_counter
        )


@dataclass(frozen=True)
class QuickLookup:
    """How a quick lookup ended: the request, or None, and the budget left after it.

    *refused*: the budget said wait (or see the counter) before anything was looked up; else
    the request was looked for, and a miss was counted.
    """

    request: TawasulRequest | None
    verdict: LookupVerdict
    refused: bool = False


QUICK_LOOKUPS_BY_KIOSK = "quick_lookups.kiosk"
"""The guard that keeps each kiosk's failed quick lookups (kiosk id → times)."""

QUICK_LOOKUPS_BY_NUMBER = "quick_lookups.number"
"""The guard that keeps each request number's failed quick lookups (number → times)."""

STAFF_EXIT = "staff_exit"
"""The guard that keeps the staff exit's wrong PINs and lock."""

# The staff exit has one lock for the office: every kiosk shares the one PIN.
_OFFICE = "office"


def _times(stored: object) -> list[datetime]:
    return [datetime.fromisoformat(at) for at in stored] if isinstance(stored, list) else []


class QuickLookupGuard:
    """The budget of failed quick lookups, counted per kiosk and per request number.

    Walking numbers at one kiosk meets the kiosk's budget; trying one number's last 4 digits at
    kiosk after kiosk meets the number's. The slower of the two answers.
    """

    def __init__(
        self,
        store: Store,
        kiosk_id: str,
        clock: Clock = utc_now,
        limit: LookupLimit = LOOKUP_LIMIT,
    ) -> None:
        """Count the failures of kiosk *kiosk_id* in *store*, at the times *clock* tells."""
        self._store = store
        self._kiosk = kiosk_id
        self._clock = clock
        self._limit = limit
        # (kind, key) → failures this kiosk could not store yet.
        self._unwritten: dict[str, list[datetime]] = {}

    def _keys(self, number: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return (QUICK_LOOKUPS_BY_KIOSK, self._kiosk), (QUICK_LOOKUPS_BY_NUMBER, number)

    def _in_force(self) -> LookupLimit:
        return self._limit.stricter() if self._unwritten else self._limit

    def look_up(self, number: str, find: Callable[[], TawasulRequest]) -> QuickLookup:
        """A quick lookup of request *number* within the budget: *find* it if the budget
        allows, and count a miss (NotFound or InvalidInput from *find*) against it.

        A wrong last 4 digits and a malformed number are both misses, so a guesser learns
        nothing from which one it was. Blocking (reads and writes): call it from a worker.
        """
        verdict = self.check(number)
        if not verdict.go:
            return QuickLookup(None, verdict, refused=True)
        try:
            return QuickLookup(find(), verdict)
        except (NotFound, InvalidInput):
            return QuickLookup(None, self.record_failure(number))

    def check(self, number: str) -> LookupVerdict:
        """Whether a quick lookup of request *number* may go ahead now.

        Blocking (it reads the store, and writes what this kiosk could not store before).
        """
        if self._unwritten:
            self._write_kept()
        return self._verdict(number)

    def record_failure(self, number: str) -> LookupVerdict:
        """Count a failed quick lookup of *number*, and say whether the next may go ahead.

        Blocking (a write): call it from a worker thread.
        """
        now = self._clock()
        for kind, key in self._keys(number):
            pending = f"{kind}/{key}"
            # Only failures inside the window are kept: memory stays bounded per key too.
            self._unwritten[pending] = self._limit.recent(
                [*self._unwritten.pop(pending, []), now], now
            )
        keep_bounded(self._unwritten, "failed quick lookups")
        self._write_kept()
        return self._verdict(number)

    def _verdict(self, number: str) -> LookupVerdict:
        now = self._clock()
        limit = self._in_force()
        verdict = LookupVerdict()
        for kind, key in self._keys(number):
            failures = _times(self._store.guard_entry(kind, key))
            failures += self._unwritten.get(f"{kind}/{key}", [])
            verdict = verdict.worst(limit.verdict(failures, now))
        return verdict

    def _write_kept(self) -> None:
        if write_or_none(self._store, self._write_unwritten):
            self._unwritten.clear()

    def _write_unwritten(self, tx: StoreTransaction) -> bool:
        now = self._clock()
        for pending_key, failures in self._unwritten.items():
            kind, key = pending_key.split("/", 1)
            merged = self._limit.recent(_times(tx.guard_entry(kind, key)) + failures, now)
            tx.set_guard_entry(kind, key, [at.isoformat() for at in merged])
        for kind in (QUICK_LOOKUPS_BY_KIOSK, QUICK_LOOKUPS_BY_NUMBER):
            tx.prune_guard_entries(kind, lambda stored: not self._limit.recent(_times(stored), now))
        return True


class PinVerdict(StrEnum):
    """How checking a staff PIN ended."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_SET = "not_set"


class StaffExitGuard:
    """Checks the staff PIN against the configured argon2 hash; wrong PINs lock the exit.

    The lock is the office's (the data file's): a wrong PIN at one kiosk counts at all of them.
    With no hash configured the exit is disabled: the kiosk is stopped through the service
    manager instead (``systemctl stop``), and no default PIN exists to be guessed.
    """

    def __init__(
        self,
        store: Store,
        pin_hash: str,
        clock: Clock = utc_now,
        limit: FailureLimit = PIN_LIMIT,
    ) -> None:
        """Guard the exit with *pin_hash* (empty: exit disabled), its lock kept in *store*."""
        self._store = store
        self._hash = pin_hash
        self._clock = clock
        self._limit = limit
        self._unwritten = UnwrittenLocks("staff exit locks")

    def _state(self, stored: LockState, now: datetime) -> LockState:
        return self._unwritten.seen_over(_OFFICE, stored).current(self._limit, now)

    def verify(self, pin: str) -> PinVerdict:
        """Whether *pin* opens the exit; blocking (argon2, a write): call it from a worker."""
        if not self._hash:
            return PinVerdict.NOT_SET
        now = self._clock()
        if self._unwritten:
            self._write_kept(now)
        stored = self._stored(self._store)
        if self._state(stored, now).locked_at(now):
            return PinVerdict.LOCKED
        accepted = password_policy().verify(self._hash, pin)
        if accepted and not self._unwritten and stored == LockState():
            return PinVerdict.ACCEPTED  # nothing to record: reading never needs a write
        verdict = write_or_none(self._store, lambda tx: self._record(tx, accepted, now))
        if verdict is None:
            state = self._state(stored, now)
            after = LockState() if accepted else state.after_failure(self._limit.stricter(), now)
            self._unwritten.keep(_OFFICE, stored, after)
            verdict = self._verdict(accepted, after, now)
        else:
            self._unwritten.clear()
        return verdict

    @staticmethod
    def _stored(reader: StoreReads) -> LockState:
        return LockState.from_document(reader.guard_entry(STAFF_EXIT, _OFFICE) or {})

    @staticmethod
    def _put(tx: StoreTransaction, state: LockState) -> None:
        tx.set_guard_entry(
            STAFF_EXIT, _OFFICE, None if state == LockState() else state.to_document()
        )

    def _write_kept(self, now: datetime) -> None:
        """Write the state kept in memory, if the store takes writes again."""

        def write(tx: StoreTransaction) -> bool:
            self._put(tx, self._state(self._stored(tx), now))
            return True

        if write_or_none(self._store, write):
            self._unwritten.clear()

    def _record(self, tx: StoreTransaction, accepted: bool, now: datetime) -> PinVerdict:
        # Re-read under the lock: another kiosk may have counted a wrong PIN meanwhile.
        state = self._state(self._stored(tx), now)
        if state.locked_at(now):
            self._put(tx, state)  # a lock only memory held is written too
            return PinVerdict.LOCKED
        after = LockState() if accepted else state.after_failure(self._limit, now)
        self._put(tx, after)
        return self._verdict(accepted, after, now)

    @staticmethod
    def _verdict(accepted: bool, after: LockState, now: datetime) -> PinVerdict:
        if accepted:
            return PinVerdict.ACCEPTED
        if after.locked_at(now):
            log.warning("staff exit locked after too many wrong PINs")
            return PinVerdict.LOCKED
        return PinVerdict.WRONG

"""The store as the services see it: one typed interface that every backend implements.

The services depend on this module only (an import-linter contract says so): the TinyDB-format
file (kiosk.store.store) is one implementation, a database a second. Everything here speaks the
domain's types; nothing names a file, a document or a table. Three things make a store:

- reads of the latest committed data, cheap enough for a keypress;
- one transaction boundary, ``with store.transaction() as tx``: its reads see the data as the
  transaction found it, its writes land together when the body ends, and nothing lands when
  the body raises;
- a change signal: subscribers are told after every commit, whichever process made it, and
  ``data_version()`` tells one version of the data from the next without reading it.

A store that can be read but not written (a full disk, a read-only folder, a standby database)
serves reads, and refuses writes with StoreUnwritable (kiosk.errors); a database server that
cannot be reached at all is StoreUnreachable, for reads and writes alike.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from kiosk.domain.models import Applicant, AuditEntry, StaffMember, TawasulRequest
from kiosk.errors import WriteProblem

DataVersion = Hashable
"""What tells one version of a store's data from the next: two equal versions saw the same
data. Opaque to the services, which only compare it (the file store gives its file's identity,
a database its change counter)."""

Listener = Callable[[], object]
"""Called from the signal's own thread after the data changed; it must return quickly."""


class Subscription:
    """One listener's place on a signal; close() (or leaving the ``with``) ends it."""

    def __init__(self, cancel: Callable[[], None]) -> None:
        """A subscription that *cancel* ends."""
        self._cancel: Callable[[], None] | None = cancel

    def close(self) -> None:
        """Stop telling this listener (once; later calls do nothing)."""
        cancel, self._cancel = self._cancel, None
        if cancel is not None:
            cancel()

    def __enter__(self) -> "Subscription":
        """The subscription itself."""
        return self

    def __exit__(self, *_: object) -> None:
        """Close it."""
        self.close()


class ChangeSignal(Protocol):
    """Tells every subscribed listener when the store's data changed, whoever changed it."""

    def subscribe(self, listener: Listener) -> Subscription:
        """Call *listener* after each change from now on, until the subscription is closed."""
        ...

    def close(self) -> None:
        """Stop telling anyone, now."""
        ...


@dataclass(frozen=True)
class ArchiveReport:
    """What one archive run moved (or, in a dry run, would move)."""

    cutoff: datetime
    dry_run: bool
    requests_by_year: dict[int, int] = field(default_factory=dict)
    audit_by_year: dict[int, int] = field(default_factory=dict)
    repaired: int = 0
    live_requests_left: int = 0

    @property
    def requests_moved(self) -> int:
        """How many requests left the live data."""
        return sum(self.requests_by_year.values())

    @property
    def audit_moved(self) -> int:
        """How many audit entries left the live data."""
        return sum(self.audit_by_year.values())


class StoreReads(Protocol):
    """The reads a store and a transaction share: the live data, as each sees it."""

    def request(self, number: str) -> TawasulRequest | None:
        """The request with *number*, or None."""
        ...

    def applicant(self, id_number: str) -> Applicant | None:
        """The applicant with *id_number*, or None."""
        ...

    def staff_member(self, username: str) -> StaffMember | None:
        """The staff member who logs in as *username*, or None."""
        ...

    def sign_in_guard(self, id_number: str) -> dict[str, Any]:
        """Failed attempts and lock time kept for an ID that has no applicant record (plain
        JSON; empty when nothing is kept)."""
        ...

    def guard_entry(self, kind: str, key: str) -> Any:
        """What the guard *kind* keeps for *key* (a kiosk, a request number; plain JSON), or
        None."""
        ...


class StoreTransaction(StoreReads, Protocol):
    """One write transaction: its reads see the data as it is inside it, its writes land
    together at the end of the ``with`` block, or not at all."""

    def put_request(self, request: TawasulRequest) -> None:
        """Add *request* or replace the stored one with the same number."""
        ...

    def add_requests(self, requests: Iterable[TawasulRequest]) -> None:
        """Add many new requests in one pass (demo data, imports); ValueError if a number is
        held already."""
        ...

    def put_applicant(self, applicant: Applicant) -> None:
        """Add *applicant* or replace the stored one with the same ID number."""
        ...

    def put_staff(self, member: StaffMember) -> None:
        """Add *member* or replace the stored one with the same username."""
        ...

    def remove_staff(self, username: str) -> bool:
        """Remove the staff member *username*; whether there was one."""
        ...

    def append_audit(self, entry: AuditEntry) -> None:
        """Add *entry* to the end of the audit log, which is only ever appended to."""
        ...

    def set_setting(self, key: str, value: str) -> None:
        """Set an office-wide setting (the welcome banner)."""
        ...

    def set_sign_in_guard(self, id_number: str, guard: dict[str, Any] | None) -> None:
        """Keep (or with None forget) failed attempts for an ID without an applicant record."""
        ...

    def prune_sign_in_guards(self, expired: Callable[[dict[str, Any]], bool]) -> None:
        """Forget the entries of IDs without an applicant record that *expired* says are over."""
        ...

    def set_guard_entry(self, kind: str, key: str, entry: Any) -> None:
        """Keep *entry* (plain JSON) for *key* in the guard *kind*; None forgets it."""
        ...

    def prune_guard_entries(self, kind: str, expired: Callable[[Any], bool]) -> None:
        """Forget the entries of the guard *kind* that *expired* says are over."""
        ...


class Store(StoreReads, Protocol):
    """One office's data: reads, one transaction boundary, a change signal, and its health."""

    @property
    def location(self) -> str:
        """Where the data is, as a message names it (a path; a database without password)."""
        ...

    @property
    def changes(self) -> ChangeSignal:
        """The signal that tells subscribers whenever anyone commits a change."""
        ...

    def data_version(self) -> DataVersion | None:
        """What tells this version of the data from the next, found cheaply (no read of the
        data); None while there is no data to read. It changes whenever anyone commits."""
        ...

    def transaction(self) -> AbstractContextManager[StoreTransaction]:
        """A write transaction: what it writes lands when the ``with`` body ends, nothing of
        it if the body raises; StoreUnwritable when the store cannot be written now."""
        ...

    def requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """Every live request of *applicant_id*, newest first."""
        ...

    def all_requests(self) -> Iterator[TawasulRequest]:
        """Every live request."""
        ...

    def status_counts(self) -> dict[str, int]:
        """Status code → number of live requests in it."""
        ...

    def all_staff(self) -> list[StaffMember]:
        """Every staff member, by username."""
        ...

    def audit_entries(self) -> list[AuditEntry]:
        """The live audit log, oldest first (older entries are archived)."""
        ...

    def setting(self, key: str, default: str = "") -> str:
        """An office-wide setting such as the welcome banner, cheap enough to ask often."""
        ...

    # --- the archive ----------------------------------------------------------------------

    def is_archived(self, number: str) -> bool:
        """Whether request *number* is archived and not live (request() finds both)."""
        ...

    def archived_requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """Every archived request of *applicant_id*, newest first (a staff search: slower)."""
        ...

    def archive_years(self) -> list[int]:
        """The years that hold archived requests or audit entries, oldest first."""
        ...

    def archived_audit_entries(self, year: int) -> list[AuditEntry]:
        """The audit entries archived for *year*, oldest first."""
        ...

    def archive_finished(
        self, now: datetime, days: int, actor: str = "archive", dry_run: bool = False
    ) -> ArchiveReport:
        """Archive requests finished and untouched for more than *days*, and older audit
        entries; the run is audited as *actor*. With *dry_run*, report and change nothing."""
        ...

    # --- health ---------------------------------------------------------------------------

    def probe_write_problem(self) -> WriteProblem | None:
        """Why a write would fail now, found without writing anything; cheap enough to ask
        every few seconds, and None again by itself once writes can succeed."""
        ...

    def check_frame(self) -> None:
        """Check cheaply that the data is there and readable (MissingDataFile or
        DamagedDataFile, both DataFileError), without reading every record."""
        ...

    def check(self) -> dict[str, int]:
        """Read and check every record now (DataFileError naming the damage); how many there
        are of each kind: ``requests``, ``applicants``, ``staff``, ``audit`` (live entries) and
        ``sign_in_guard`` (IDs without an applicant whose failures are kept)."""
        ...

    def readable_by_others(self) -> list[str]:
        """The files on this host (as messages name them) that accounts outside the owner and
        the group can read and that open the data: a data file and its archives with a
        world-readable mode; for a database, the files that hold its password."""
        ...

    def close(self) -> None:
        """Stop the change signal and release what the store holds open."""
        ...

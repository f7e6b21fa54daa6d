"""The Tawasul data file shared by kiosks and staff consoles, safe across processes.

Every write is one transaction under an inter-process lock: the file is re-checked inside the
lock, the transaction changes copies of the tables it writes, document by document
(storage.DocumentTable, for every table alike), and the result replaces the file atomically.
Reads come from an index of the last version seen, which is rebuilt only when the file's
identity (device, inode, size, mtime) changed; documents are parsed only when read.
A request number that is not live is looked up in the yearly archives (archive_files).

TawasulStore implements the store interface the services see (kiosk.store.port.Store).
"""

import contextlib
import glob
import os
import threading
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.domain.models import Applicant, AuditEntry, StaffMember, TawasulRequest
from kiosk.errors import DataFileError, StoreUnwritable, TawasulError, WriteProblem
from kiosk.store import records
from kiosk.store.access import others_can_read, probe_folder, writing
from kiosk.store.archive_files import (
    YearlyArchives,
    applicant_and_status,
    archive_path,
    audit_archive_path,
)
from kiosk.store.archive_numbers import write_numbers
from kiosk.store.changes import FileChangeSignal
from kiosk.store.contents import OfficeContents
from kiosk.store.lock import DataFileLock, LockTimeout
from kiosk.store.port import ArchiveReport, ChangeSignal
from kiosk.store.storage import (
    DocumentTable,
    FileIdentity,
    LoadedFile,
    MissingDataFile,
    OutlinedFile,
    Tables,
    abandoned_temp_files,
    check_documents,
    generation_at,
    load,
    write_atomically,
)

if TYPE_CHECKING:
    from kiosk.store.port import DataVersion

REQUESTS = "requests"
APPLICANTS = "applicants"
STAFF = "staff"
AUDIT = "audit"
SETTINGS = "settings"
SIGN_IN_GUARD = "sign_in_guard"
GUARDS = "guards"
"""The guards against guessing (kiosk.services.guards): one document per kind of guard."""

# What each document must be (db check, the kiosk's verification); settings are free text.
_MODEL_CHECKS = {
    REQUESTS: records.stored_under("number", records.request_from_document),
    APPLICANTS: records.stored_under("id_number", records.applicant_from_document),
    STAFF: records.fits(records.staff_from_document),
    AUDIT: records.fits(records.audit_from_document),
    SIGN_IN_GUARD: records.fits(records.sign_in_guard_from_document),
}

# One settings document holds the office-wide values staff set (the welcome banner).
_SETTINGS_ID = 1


def _setting_in(table: DocumentTable, key: str, default: str) -> str:
    """Setting *key* of the one settings document in *table*."""
    doc = table.get(str(_SETTINGS_ID)) or {}
    return str(doc.get(key, default))


class _Version:
    """One version of the tables and the indexes built over it on demand."""

    def __init__(self, tables: Tables) -> None:
        """Index *tables* lazily; requests are already keyed by their number."""
        self.tables = tables

    def table(self, name: str) -> DocumentTable:
        """The documents of table *name* by id (empty if the table is absent)."""
        table = self.tables.get(name)
        return table if table is not None else DocumentTable()

    @cached_property
    def _applicants_and_statuses(self) -> list[tuple[str, str, str]]:
        # (number, applicant, status) of every request, read from the lines without parsing them.
        table = self.table(REQUESTS)
        return [(number, *applicant_and_status(table, number)) for number in table.ids()]

    @cached_property
    def applicant_index(self) -> dict[str, list[str]]:
        """Applicant ID → their request numbers, built once per version."""
        index: dict[str, list[str]] = defaultdict(list)
        for number, applicant, _ in self._applicants_and_statuses:
            index[applicant].append(number)
        return dict(index)

    @cached_property
    def status_counts(self) -> dict[str, int]:
        """Status code → how many requests are in it."""
        return dict(Counter(status for _, _, status in self._applicants_and_statuses))


class _Reader(ABC):
    """The read operations shared by the store and by a transaction, over one version."""

    @abstractmethod
    def _version(self) -> _Version:
        """The version these reads see: the latest file's, or the transaction's own."""

    def request(self, number: str) -> TawasulRequest | None:
        """The request with *number*, or None."""
        doc = self._version().table(REQUESTS).get(number)
        return records.request_from_document(doc) if doc else None

    def requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """Every request of *applicant_id*, newest first."""
        version = self._version()
        table = version.table(REQUESTS)
        found = [
            records.request_from_document(doc)
            for number in version.applicant_index.get(applicant_id, ())
            if (doc := table.get(number)) is not None
        ]
        return sorted(found, key=lambda r: r.created, reverse=True)

    def all_requests(self) -> Iterator[TawasulRequest]:
        """Every live request, in stored order."""
        for _, doc in self._version().table(REQUESTS).items():
            yield records.request_from_document(doc)

    def status_counts(self) -> dict[str, int]:
        """Status code → number of requests in it."""
        return dict(self._version().status_counts)

    def applicant(self, id_number: str) -> Applicant | None:
        """The applicant with *id_number*, or None."""
        doc = self._version().table(APPLICANTS).get(id_number)
        return records.applicant_from_document(doc) if doc else None

    def staff_member(self, username: str) -> StaffMember | None:
        """The staff member who logs in as *username*, or None."""
        for _, doc in self._version().table(STAFF).items():
            if doc["username"] == username:
                return records.staff_from_document(doc)
        return None

    def all_staff(self) -> list[StaffMember]:
        """Every staff member, by username."""
        members = [records.staff_from_document(d) for _, d in self._version().table(STAFF).items()]
        return sorted(members, key=lambda m: m.username)

    def audit_entries(self) -> list[AuditEntry]:
        """The live audit log, oldest first (older entries are in the yearly archives)."""
        table = self._version().table(AUDIT)
        return [
            records.audit_from_document(doc)
            for doc_id in sorted(table.ids(), key=int)
            if (doc := table.get(doc_id)) is not None
        ]

    def setting(self, key: str, default: str = "") -> str:
        """An office-wide setting such as the welcome banner."""
        return _setting_in(self._version().table(SETTINGS), key, default)

    # --- guards against guessing ------------------------------------------------------------

    def sign_in_guard(self, id_number: str) -> dict[str, Any]:
        """Failed attempts and lock time kept for an ID that has no applicant record."""
        return dict(self._version().table(SIGN_IN_GUARD).get(id_number) or {})

    def _guard_document(self, kind: str) -> tuple[str, dict[str, Any]] | None:
        """The id and document of the guard *kind*, if it ever stored anything."""
        for doc_id, doc in self._version().table(GUARDS).items():
            if doc.get("kind") == kind:
                return doc_id, doc
        return None

    def guard_entry(self, kind: str, key: str) -> Any:
        """What the guard *kind* keeps for *key* (a kiosk, a request number), or None."""
        found = self._guard_document(kind)
        return found[1]["entries"].get(key) if found else None

    # -----------------------------------------------------------------------------------------

    def table_sizes(self) -> dict[str, int]:
        """How many documents each table holds."""
        version = self._version()
        return {
            name: len(version.table(name))
            for name in (REQUESTS, APPLICANTS, STAFF, AUDIT, SIGN_IN_GUARD)
        }


def _with_entry(entries: dict[str, Any], key: str, entry: Any) -> dict[str, Any]:
    changed = {k: v for k, v in entries.items() if k != key}
    if entry is not None:
        changed[key] = entry
    return changed


class FileTransaction(_Reader):
    """One write transaction on the data file (kiosk.store.port.StoreTransaction): reads see
    the file as it is under the lock, writes land together.

    Every table is changed the same way, document by document on a copy of it, so the loaded
    version stays as it was until the commit. A new document of a table keyed by number (staff,
    guards, audit) takes the id after the largest one in the file as read under the lock, as
    TinyDB numbers them: ids found afresh in every transaction, never remembered across them,
    so no process reuses another's.
    """

    def __init__(self, tables: Tables) -> None:
        """Work on *tables*, freshly checked under the lock; they are copied before any change."""
        self._tables: Tables = dict(tables)
        self._copied: set[str] = set()
        self._writes = 0
        self._next_audit_id: int | None = None
        self._seen_writes = -1
        self._current = _Version(self._tables)

    def _version(self) -> _Version:
        # Indexes built before a write would miss it.
        if self._writes != self._seen_writes:
            self._current = _Version(self._tables)
            self._seen_writes = self._writes
        return self._current

    def _writable(self, name: str) -> DocumentTable:
        # A copy, so that the loaded version (which readers share) stays as it was.
        if name not in self._copied:
            current = self._tables.get(name)
            self._tables[name] = current.copy() if current is not None else DocumentTable()
            self._copied.add(name)
        self._writes += 1
        return self._tables[name]

    def documents(self, name: str) -> DocumentTable:
        """Table *name* as this transaction sees it, for reading (the archive run moves lines)."""
        return self._version().table(name)

    def remove_documents(self, name: str, doc_ids: Iterable[str]) -> None:
        """Drop the documents *doc_ids* from table *name* (the archive run, after copying them)."""
        table = self._writable(name)
        for doc_id in doc_ids:
            table.remove(doc_id)

    def put_request(self, request: TawasulRequest) -> None:
        """Add *request* or replace the stored one with the same number."""
        self._writable(REQUESTS).put(request.number, records.request_to_document(request))

    def add_requests(self, requests: Iterable[TawasulRequest]) -> None:
        """Add many new requests in one pass (demo data, imports); numbers must be unused."""
        table = self._writable(REQUESTS)
        for request in requests:
            if request.number in table:
                raise ValueError(f"Document with ID {request.number} already exists")
            table.put(request.number, records.request_to_document(request))

    def put_applicant(self, applicant: Applicant) -> None:
        """Add *applicant* or replace the stored one with the same ID number."""
        self._writable(APPLICANTS).put(
            applicant.id_number, records.applicant_to_document(applicant)
        )

    def put_staff(self, member: StaffMember) -> None:
        """Add *member* or replace the stored one with the same username."""
        doc = records.staff_to_document(member)
        for doc_id, existing in self._version().table(STAFF).items():
            if existing["username"] == member.username:
                self._writable(STAFF).put(doc_id, doc)
                return
        table = self._writable(STAFF)
        table.put(str(table.max_id() + 1), doc)

    def remove_staff(self, username: str) -> bool:
        """Remove the staff member *username*; whether there was one."""
        ids = [
            doc_id
            for doc_id, doc in self._version().table(STAFF).items()
            if doc["username"] == username
        ]
        if ids:
            self.remove_documents(STAFF, ids)
        return bool(ids)

    def append_audit(self, entry: AuditEntry) -> None:
        """Add *entry* to the end of the audit log.

        Its id follows the largest live one; the archive run always leaves the newest entry live,
        so ids are never reused even after old entries moved to the yearly archives.
        """
        table = self._writable(AUDIT)
        if self._next_audit_id is None:
            self._next_audit_id = table.max_id() + 1
        table.put(str(self._next_audit_id), records.audit_to_document(entry))
        self._next_audit_id += 1

    def set_setting(self, key: str, value: str) -> None:
        """Set an office-wide setting."""
        current = dict(self._version().table(SETTINGS).get(str(_SETTINGS_ID)) or {})
        current[key] = value
        self._writable(SETTINGS).put(str(_SETTINGS_ID), current)

    # --- guards against guessing ------------------------------------------------------------

    def set_sign_in_guard(self, id_number: str, guard: dict[str, Any] | None) -> None:
        """Keep (or with None forget) failed attempts for an ID without an applicant record."""
        if guard is None:
            if id_number in self._version().table(SIGN_IN_GUARD):
                self._writable(SIGN_IN_GUARD).remove(id_number)
        else:
            self._writable(SIGN_IN_GUARD).put(id_number, guard)

    def prune_sign_in_guards(self, expired: Callable[[dict[str, Any]], bool]) -> None:
        """Forget the entries of IDs without an applicant record that *expired* says are over."""
        table = self._version().table(SIGN_IN_GUARD)
        over = [doc_id for doc_id, doc in table.items() if expired(doc)]
        if over:
            self.remove_documents(SIGN_IN_GUARD, over)

    def set_guard_entry(self, kind: str, key: str, entry: Any) -> None:
        """Keep *entry* for *key* in the guard *kind* (None forgets it)."""
        self._change_guard(kind, lambda entries: _with_entry(entries, key, entry))

    def prune_guard_entries(self, kind: str, expired: Callable[[Any], bool]) -> None:
        """Forget the entries of the guard *kind* that *expired* says are over."""
        self._change_guard(
            kind, lambda entries: {k: v for k, v in entries.items() if not expired(v)}
        )

    def _change_guard(self, kind: str, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        found = self._guard_document(kind)
        entries = dict(found[1]["entries"]) if found else {}
        changed = change(entries)
        if changed == entries:
            return
        table = self._writable(GUARDS)
        doc_id = found[0] if found else str(table.max_id() + 1)
        table.put(doc_id, {"kind": kind, "entries": changed})

    # -----------------------------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        """Whether anything was written in this transaction."""
        return self._writes > 0

    @property
    def tables(self) -> Tables:
        """The tables as this transaction leaves them."""
        return self._tables


class TawasulStore(_Reader):
    """The data file at *path*: indexed reads of the latest version, and locked transactions.

    The embedded implementation of the store interface (kiosk.store.port.Store).
    """

    def __init__(self, path: Path | str, lock_timeout: float = 10.0) -> None:
        """Open the store at *path*; nothing is read until first asked."""
        self.path = Path(path)
        self._lock_timeout = lock_timeout
        # Textual workers may write while the UI thread reads; versions swap under this lock.
        self._thread_lock = threading.RLock()
        self._loaded: LoadedFile | None = None
        self._view: _Version | None = None
        self._cleaned = False
        self._write_problem: WriteProblem | None = None
        self.archives = YearlyArchives(self.path)

    @classmethod
    def create(cls, path: Path | str, force: bool = False) -> "TawasulStore":
        """Make an empty data file at *path*; refuse to replace one unless *force*."""
        target = Path(path)
        if target.exists() and not force:
            raise TawasulError(
                f"{target} already exists; add --force to replace it (its data will be lost)."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        store = cls(target)
        with contextlib.ExitStack() as stack:
            if target.exists():
                store._hold_lock(stack)
            store._commit({})
        return store

    def request(self, number: str) -> TawasulRequest | None:
        """The request with *number*, live or archived, or None.

        The archives are read only when the number is not live (a resident's old request).
        """
        found = super().request(number)
        if found is not None:
            return found
        doc = self.archives.request_document(number)
        return records.request_from_document(doc) if doc else None

    def is_archived(self, number: str) -> bool:
        """Whether request *number* is archived and not live."""
        live = number in self._version().table(REQUESTS)
        return not live and self.archives.request_document(number) is not None

    def archived_requests_of(self, applicant_id: str) -> list[TawasulRequest]:
        """Every archived request of *applicant_id*, newest first (a staff search: slower)."""
        found = [
            records.request_from_document(d)
            for d in self.archives.request_documents_of(applicant_id)
        ]
        return sorted(found, key=lambda r: r.created, reverse=True)

    def identity(self) -> FileIdentity | None:
        """The current file's identity (a cheap stat): it changes whenever anyone writes."""
        try:
            return FileIdentity.of(os.stat(self.path))
        except FileNotFoundError:
            return None

    def data_version(self) -> "DataVersion | None":
        """The file's identity: every write replaces the file, so it differs after each one."""
        return self.identity()

    @property
    def location(self) -> str:
        """The data file's path, as messages name it."""
        return str(self.path)

    def archive_years(self) -> list[int]:
        """The years that have a request or audit archive beside the data file, oldest first."""
        return self.archives.years()

    def archived_audit_entries(self, year: int) -> list[AuditEntry]:
        """The audit entries of the audit archive of *year*, oldest first."""
        from kiosk.store.archive import archived_audit_entries

        return archived_audit_entries(self, year)

    def archive_finished(
        self, now: datetime, days: int, actor: str = "archive", dry_run: bool = False
    ) -> ArchiveReport:
        """Move finished requests and old audit entries to the yearly archive files
        (kiosk.store.archive, which says how a crash midway is repaired)."""
        # Imported when used: the archive run is an operator's, the kiosk never needs it.
        from kiosk.store.archive import archive_finished

        return archive_finished(self, now, days, actor=actor, dry_run=dry_run)

    @cached_property
    def changes(self) -> ChangeSignal:
        """The signal that tells subscribers whenever anyone writes the data file."""
        return FileChangeSignal(self.path)

    def _version(self) -> _Version:
        with self._thread_lock:
            try:
                on_disk = FileIdentity.of(os.stat(self.path))
            except FileNotFoundError:
                raise self._missing() from None
            if self._loaded is None or self._view is None or self._loaded.identity != on_disk:
                self._install(load(self.path))
            assert self._view is not None
            return self._view

    def _version_to_change(self) -> _Version:
        """The version on disk now, for a transaction (under the lock): checked by content, not
        only by identity, so that a write never brings back what a restore replaced.

        A backup copied over the file in place keeps its inode and may keep its size and mtime;
        its content version (storage.read_generation) still differs from the loaded one.
        """
        version = self._version()
        assert self._loaded is not None
        loaded = self._loaded.generation
        if loaded is None or generation_at(self.path) != loaded:
            self.reload()
            version = self._version()
        return version

    def _install(self, loaded: LoadedFile) -> None:
        self.reload()
        self._loaded = loaded
        self._view = _Version(loaded.tables)

    def reload(self) -> None:
        """Forget the loaded version; the next read parses the file again."""
        with self._thread_lock:
            if self._loaded is not None:
                self._loaded.release()
            self._loaded = None
            self._view = None

    @cached_property
    def _lock(self) -> DataFileLock:
        return DataFileLock(self.path, self._lock_timeout)

    def _hold_lock(self, stack: contextlib.ExitStack) -> None:
        """Take the data file's lock (lock.DataFileLock) for the rest of *stack*."""
        try:
            stack.enter_context(self._lock.held())
        except LockTimeout:
            raise DataFileError(
                f"The data file {self.path} stayed busy for {self._lock_timeout:g} s; "
                "nothing was changed. Try again."
            ) from None
        except FileNotFoundError:
            raise self._missing() from None
        except OSError as error:
            raise DataFileError(
                f"The data file {self.path} cannot be read: {error.strerror}."
            ) from None

    def _missing(self) -> MissingDataFile:
        return MissingDataFile(
            f"There is no data file at {self.path}; make one with `tawasul demo --db {self.path}`."
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[FileTransaction]:
        """Lock the file, re-check it, yield a transaction, and write its changes atomically.

        If the body raises, nothing is written; the loaded version was never changed (the
        transaction works on copies of the tables it changes). A transaction that writes
        nothing needs no writable folder (a sign-in on a read-only one); one that writes where
        it cannot raises StoreUnwritable, and the file stays as it was.
        """
        # The file lock first: while this thread waits for another process, this process's
        # readers (a console's screen) go on reading the version they have.
        with contextlib.ExitStack() as stack:
            self._hold_lock(stack)
            stack.enter_context(self._thread_lock)
            transaction = FileTransaction(self._version_to_change().tables)
            try:
                yield transaction
                if transaction.changed:
                    self._commit(transaction.tables)
            except StoreUnwritable as error:
                # Also a write of the body's own (the archive run's archive files).
                self._write_problem = error.problem
                raise

    def _commit(self, tables: Tables) -> None:
        try:
            with writing(self.path):
                self._remove_leftovers()
                self._install(write_atomically(self.path, tables))
        except StoreUnwritable:
            self.reload()
            raise
        except OSError as error:
            self.reload()
            raise DataFileError(
                f"The data file {self.path} cannot be written ({error.strerror}); "
                "nothing was changed."
            ) from None
        except BaseException:
            self.reload()
            raise
        self._write_problem = None

    def write_problem(self) -> WriteProblem | None:
        """Why the last write failed, until a write succeeds (or a probe sees it gone); cheap."""
        return self._write_problem

    def probe_write_problem(self) -> WriteProblem | None:
        """Why a write would fail now, found without writing anything (a stat and a statvfs).

        The folder's file system (read-only, or without room for another copy of the data file,
        which every write makes) and this account's access to the folder. A full disk or a
        read-only folder that the probe no longer sees is forgotten (space was freed, the folder
        remounted); a refused permission is kept until a write succeeds, as the probe cannot
        see every cause of it.
        """
        try:
            size = os.stat(self.path).st_size
        except OSError:
            size = 0
        found = probe_folder(self.path.parent, room=size)
        if found is not None or self._write_problem is not WriteProblem.NO_PERMISSION:
            self._write_problem = found
        return self._write_problem

    def _remove_leftovers(self) -> None:
        # Under the lock no writer of this file is at work; still, only files whose writer has
        # ended are removed (a process of an older version, a copy of the file elsewhere).
        if self._cleaned:
            return
        for leftover in abandoned_temp_files(self.path.parent, glob.escape(self.path.name)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        self._cleaned = True

    def check_frame(self) -> None:
        """Read the file's frame now, not each document: its outline and the bytes around each
        table, or (in another layout) the whole file.

        MissingDataFile or DamagedDataFile when it is not there or not TinyDB JSON; check()
        still parses every document.
        """
        with OutlinedFile(self.path) as outlined:
            if outlined.places is not None:
                return
        self._version()

    def setting(self, key: str, default: str = "") -> str:
        """An office-wide setting such as the welcome banner, from the latest file.

        Read from the settings table alone when the file's outline allows: Welcome asks after
        every write, and loading a file of 100,000 requests for it would cost ~50 ms each time.
        """
        with OutlinedFile(self.path) as outlined:
            if outlined.places is not None:
                return _setting_in(outlined.table(SETTINGS), key, default)
        return super().setting(key, default)

    def check(self) -> dict[str, int]:
        """Parse the file and every document now, check each against its model and count the
        tables (DataFileError naming the line, if damaged or if an id is held twice); and mend
        the numbers kept beside each request archive where they are missing or wrong."""
        self.reload()
        check_documents(self.path, _MODEL_CHECKS)
        self._keep_archived_numbers()
        return self.table_sizes()

    def _keep_archived_numbers(self) -> None:
        """Write again the numbers beside each request archive that are missing or wrong: they
        are derived, so a wrong file is mended, not damage (readers never trust a set that names
        another version of its archive). Where nothing can be written, readers build them."""
        for year in self.archives.years():
            wanted = self.archives.numbers_to_keep(year)
            if wanted is None:
                continue
            # Under the lock, as the archive run writes them; a run in between makes a newer
            # archive, and this set then names an older version and is never used. A busy or
            # unwritable folder leaves them to the next check or run: never a reason to stop.
            with (
                contextlib.ExitStack() as stack,
                contextlib.suppress(StoreUnwritable, DataFileError, OSError),
            ):
                self._hold_lock(stack)
                with writing(archive_path(self.path, year)):
                    write_numbers(archive_path(self.path, year), *wanted)

    def contents(self) -> OfficeContents:
        """Every record of the office, live and archived, read from one version of the file
        (``tawasul db migrate`` copies them)."""
        with self._thread_lock:
            version = self._version()
            live = version.table(REQUESTS)
            found = OfficeContents(
                requests=[records.request_from_document(d) for _, d in live.items()],
                applicants=[
                    records.applicant_from_document(d) for _, d in version.table(APPLICANTS).items()
                ],
                staff=self.all_staff(),
                settings={
                    str(k): str(v)
                    for k, v in (version.table(SETTINGS).get(str(_SETTINGS_ID)) or {}).items()
                },
                sign_in_guards={
                    doc_id: dict(doc) for doc_id, doc in version.table(SIGN_IN_GUARD).items()
                },
                guard_entries={
                    str(doc["kind"]): dict(doc["entries"])
                    for _, doc in version.table(GUARDS).items()
                },
            )
            live_audit = self.audit_entries()
        for year in self.archives.years():
            # A request staff touched again after its archiving is live again: the live one counts.
            found.archived_requests += [
                records.request_from_document(d)
                for number, d in self.archives.table(year, REQUESTS).items()
                if number not in live
            ]
            found.audit += [(entry, True) for entry in self.archived_audit_entries(year)]
        found.audit += [(entry, False) for entry in live_audit]
        return found

    def readable_by_others(self) -> list[str]:
        """The data file and archives that accounts outside the owner and group can read."""
        files = [self.path]
        for year in self.archives.years():
            files += [archive_path(self.path, year), audit_archive_path(self.path, year)]
        exposed = []
        for path in files:
            with contextlib.suppress(FileNotFoundError):
                if others_can_read(path.stat().st_mode):
                    exposed.append(str(path))
        return exposed

    def close(self) -> None:
        """Stop the change signal; release the loaded version's descriptor and any archive read."""
        if "changes" in self.__dict__:
            self.changes.close()
        self.reload()
        self.archives.close()

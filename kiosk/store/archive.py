"""Moving long-finished requests and old audit entries from the live file to yearly archives.

A write rewrites the whole live file, so the live file must hold what is still moving, not the
office's history. A request closed (or accepted or rejected) and untouched for more than N days
moves to the request archive of the year it was created; an audit entry older than N days to the
audit archive of the year it was made (archive_files names them and reads them).

The move is crash-safe without a second lock or a journal. Everything happens under the live
file's lock: the archive files are replaced first (atomically, fsynced), the live file last.
A crash between the two leaves a request in both files, and lookups read the live file first, so
it is still seen once. The next run repairs it: whatever an archive holds that is also live is
dropped from the archive (the live copy is the truth), then moved again if it is still old enough.
After any run that finishes, every request is in exactly one file.
"""

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.domain.models import AuditEntry
from kiosk.domain.statuses import RequestStatus
from kiosk.store import records
from kiosk.store.access import writing
from kiosk.store.archive_files import (
    AUDIT,
    REQUESTS,
    applicant_and_status,
    archive_path,
    archive_years,
    audit_archive_path,
)
from kiosk.store.archive_numbers import ArchivedNumbers, read_numbers, write_numbers
from kiosk.store.port import ArchiveReport
from kiosk.store.storage import (
    DocumentTable,
    LoadedFile,
    abandoned_temp_files,
    load,
    write_atomically,
)
from kiosk.store.store import FileTransaction, TawasulStore

# Statuses after which nothing more happens, unless staff touch the request again.
FINISHED = frozenset({RequestStatus.CLOSED, RequestStatus.ACCEPTED, RequestStatus.REJECTED})
_FINISHED_CODES = frozenset(status.value for status in FINISHED)

__all__ = ["FINISHED", "ArchiveReport", "archive_finished", "archived_audit_entries"]


def archive_finished(
    store: TawasulStore,
    now: datetime,
    days: int,
    actor: str = "archive",
    dry_run: bool = False,
) -> ArchiveReport:
    """Move requests finished and untouched for more than *days*, and older audit entries.

    The run is recorded in the audit log by *actor*. With *dry_run*, nothing is written.
    """
    if days < 0:
        raise ValueError("days cannot be negative")
    cutoff = now - timedelta(days=days)
    with store.transaction() as tx:
        if not dry_run:
            with writing(store.path.parent):
                _remove_archive_leftovers(store.path)
        requests = tx.documents(REQUESTS)
        audit = tx.documents(AUDIT)
        moving_requests = _old_finished_requests(requests, cutoff)
        moving_audit = _old_audit_entries(audit, cutoff)
        repaired = 0
        years = set(archive_years(store.path)) | moving_requests.keys() | moving_audit.keys()
        for year in sorted(years):
            repaired += _update_archive(
                archive_path(store.path, year),
                REQUESTS,
                requests,
                moving_requests.get(year, []),
                write=not dry_run,
            )
            repaired += _update_archive(
                audit_archive_path(store.path, year),
                AUDIT,
                audit,
                moving_audit.get(year, []),
                write=not dry_run,
            )
        report = ArchiveReport(
            cutoff=cutoff,
            dry_run=dry_run,
            requests_by_year={year: len(ids) for year, ids in moving_requests.items()},
            audit_by_year={year: len(ids) for year, ids in moving_audit.items()},
            repaired=repaired,
            live_requests_left=len(requests) - sum(len(ids) for ids in moving_requests.values()),
        )
        if not dry_run:
            _remove_from_live(tx, moving_requests.values(), moving_audit.values())
            details: dict[str, object] = {
                "days": days,
                "requests": report.requests_moved,
                "audit": report.audit_moved,
                "repaired": repaired,
            }
            tx.append_audit(AuditEntry(now, actor, "db.archive", store.path.name, details))
    return report


def _old_finished_requests(requests: DocumentTable, cutoff: datetime) -> dict[int, list[str]]:
    """Year created → numbers of the requests to move."""
    moving: dict[int, list[str]] = defaultdict(list)
    for number in requests.ids():
        # The status is read from the line; only finished requests are parsed, and not kept.
        if applicant_and_status(requests, number)[1] not in _FINISHED_CODES:
            continue
        document = requests.read_once(number)
        if datetime.fromisoformat(document["updated"]) < cutoff:
            moving[datetime.fromisoformat(document["created"]).year].append(number)
    return dict(moving)


def _old_audit_entries(audit: DocumentTable, cutoff: datetime) -> dict[int, list[str]]:
    """Year made → ids of the audit entries to move; the newest always stays live.

    New entries are numbered after the largest live id, so keeping the newest means an id is
    never given twice, even once every older entry is archived.
    """
    newest = str(audit.max_id())
    moving: dict[int, list[str]] = defaultdict(list)
    for entry_id in audit.ids():
        if entry_id == newest:
            continue
        at = datetime.fromisoformat(audit.read_once(entry_id)["at"])
        if at < cutoff:
            moving[at.year].append(entry_id)
    return dict(moving)


def _update_archive(
    path: Path, name: str, live: DocumentTable, moving: list[str], write: bool
) -> int:
    """Add the *moving* lines of table *name* to the archive at *path*; return the stale copies
    it dropped.

    A stale copy is a document an interrupted run left in the archive while it is still live.
    The documents are written in id order: request numbers all have ten digits, so a kiosk can
    binary-search them (archive_files).
    """
    loaded: LoadedFile | None = load(path) if path.exists() else None
    try:
        archived = (loaded.tables.get(name) if loaded else None) or DocumentTable()
        stale = [doc_id for doc_id in archived.ids() if doc_id in live]
        if not (moving or stale):
            if write and name == REQUESTS and loaded is not None:
                _keep_numbers(path, loaded.generation, archived)
            return 0
        lines = {doc_id: archived.line(doc_id) for doc_id in archived.ids() if doc_id not in live}
        lines.update((doc_id, live.line(doc_id)) for doc_id in moving)
        ordered = DocumentTable({doc_id: lines[doc_id] for doc_id in sorted(lines, key=int)})
        if write:
            with writing(path):
                written = write_atomically(path, {name: ordered})
                written.release()
                if name == REQUESTS:
                    _keep_numbers(path, written.generation, ordered)
        return len(stale)
    finally:
        if loaded is not None:
            loaded.release()


def _keep_numbers(path: Path, generation: str | None, archived: DocumentTable) -> None:
    """Write the numbers of the request archive at *path* beside it, unless they are there."""
    if generation is None or read_numbers(path, generation) is not None:
        return
    with writing(path):
        write_numbers(path, generation, ArchivedNumbers.of(archived.ids()))


def _remove_from_live(
    tx: FileTransaction,
    requests: Iterable[list[str]],
    audit: Iterable[list[str]],
) -> None:
    for numbers in requests:
        tx.remove_documents(REQUESTS, numbers)
    for entry_ids in audit:
        tx.remove_documents(AUDIT, entry_ids)


def _remove_archive_leftovers(live: Path) -> None:
    # Under the live file's lock, the temporary archive files of writers that ended.
    archives = (f"archive-*{live.suffix}", f"audit-*{live.suffix}", "archive-*.numbers")
    for names in archives:
        for leftover in abandoned_temp_files(live.parent, f"{live.stem}.{names}"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def archived_audit_entries(store: TawasulStore, year: int) -> list[AuditEntry]:
    """The audit entries archived for *year*, oldest first."""
    table = store.archives.table(year, AUDIT)
    return [
        records.audit_from_document(table.read_once(entry_id))
        for entry_id in sorted(table.ids(), key=int)
    ]

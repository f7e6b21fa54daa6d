"""Setting up an office's data on its host, and reading its whole audit log there."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kiosk.domain.calendar import riyadh_date
from kiosk.domain.models import AuditEntry
from kiosk.domain.request_numbers import parse_request_number
from kiosk.errors import InvalidInput, StoreUnwritable
from kiosk.store import TawasulStore
from kiosk.store.archive import archived_audit_entries

DATA_FILE_MODE = 0o660
"""The data file: the kiosk account and staff (group ``tawasul``) read and write,
nobody else reads (residents' IDs and password hashes are in it)."""


def create_office_data(path: Path) -> TawasulStore:
    """An empty data file at *path*, mode 0660, in the group of its folder; never replaces one.

    The folder's group is the one the kiosk account and the staff share (the README's set-up
    makes it setgid ``tawasul``). The store locks the data file itself, so there is no lock file.
    """
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(f"There is no folder {folder}; make the data folder first.")
    if path.exists():
        raise InvalidInput(f"{path} already exists; init never replaces a data file.")
    try:
        store = TawasulStore.create(path)
        group = folder.stat().st_gid
        os.chown(path, -1, group)
        os.chmod(path, DATA_FILE_MODE)
    except PermissionError as error:
        raise StoreUnwritable(
            f"{path} cannot be made or given to the folder's group ({error.strerror}); "
            "run init as root or as a member of that group."
        ) from None
    return store


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to read: one actor, from a Riyadh day on, about one target."""

    actor: str | None = None
    since: date | None = None
    target: str | None = None

    def matches(self, entry: AuditEntry) -> bool:
        """Whether *entry* passes every part of the filter that is set."""
        return (
            (self.actor is None or entry.actor == self.actor)
            and (self.since is None or riyadh_date(entry.at) >= self.since)
            and (self.target is None or entry.target == self.target)
        )


def audit_target(typed: str) -> str:
    """A target as the audit log stores it: a request number in any digit script, normalised;
    anything else (a login name, an ID's masked form, a path) as typed."""
    stripped = typed.strip()
    try:
        return parse_request_number(stripped)
    except InvalidInput:
        return stripped


def audit_log(store: TawasulStore, wanted: AuditFilter) -> list[AuditEntry]:
    """The office's audit entries that match *wanted*, oldest first: the yearly audit archives,
    then the live file (an entry is in exactly one of them)."""
    entries: list[AuditEntry] = []
    for year in store.archives.years():
        entries.extend(archived_audit_entries(store, year))
    entries.extend(store.audit_entries())
    return sorted((e for e in entries if wanted.matches(e)), key=lambda e: e.at)

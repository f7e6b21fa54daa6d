"""Reading an office's whole audit log: the archived years, then the live log."""

from dataclasses import dataclass
from datetime import date

from kiosk.domain.calendar import riyadh_date
from kiosk.domain.models import AuditEntry
from kiosk.domain.request_numbers import parse_request_number
from kiosk.errors import InvalidInput
from kiosk.store.port import Store


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


def audit_log(store: Store, wanted: AuditFilter) -> list[AuditEntry]:
    """The office's audit entries that match *wanted*, oldest first: the yearly audit archives,
    then the live log (an entry is in exactly one of them)."""
    entries: list[AuditEntry] = []
    for year in store.archive_years():
        entries.extend(store.archived_audit_entries(year))
    entries.extend(store.audit_entries())
    return sorted((e for e in entries if wanted.matches(e)), key=lambda e: e.at)

"""Archiving finished requests, and finding them again: the operator's and the staff's use case."""

from dataclasses import dataclass

from kiosk.domain.identity import parse_id
from kiosk.domain.models import AuditEntry, TawasulRequest
from kiosk.errors import InvalidInput
from kiosk.services.clock import Clock
from kiosk.store.port import ArchiveReport, Store


@dataclass(frozen=True)
class ArchiveService:
    """Moves old finished requests out of the live file, and searches the archives."""

    store: Store
    clock: Clock
    default_days: int = 90

    def archive(
        self, days: int | None = None, dry_run: bool = False, by: str = "archive"
    ) -> ArchiveReport:
        """Move requests finished more than *days* ago (default: the configured number).

        With *dry_run*, report what would move and change nothing. The run is audited as *by*.
        """
        days = self.default_days if days is None else days
        if days < 0:
            raise InvalidInput("The number of days cannot be negative.")
        return self.store.archive_finished(self.clock(), days, actor=by, dry_run=dry_run)

    def archived_requests_of(self, typed_id: str) -> list[TawasulRequest]:
        """The archived requests of the person with *typed_id*, newest first (staff search)."""
        return self.store.archived_requests_of(parse_id(typed_id))

    def audit_of_year(self, year: int) -> list[AuditEntry]:
        """The audit entries archived for *year*, oldest first."""
        return self.store.archived_audit_entries(year)

"""Everything one office's store holds, read out at once: what ``tawasul db migrate`` copies
from a data file into PostgreSQL, and what it counts on both sides afterwards."""

from dataclasses import dataclass, field
from typing import Any

from kiosk.domain.models import Applicant, AuditEntry, StaffMember, TawasulRequest


@dataclass
class OfficeContents:
    """One office's records, live and archived, in the order they were made."""

    requests: list[TawasulRequest] = field(default_factory=list)
    """Live requests."""
    archived_requests: list[TawasulRequest] = field(default_factory=list)
    applicants: list[Applicant] = field(default_factory=list)
    """Every applicant, with their password hash and failed sign-ins."""
    staff: list[StaffMember] = field(default_factory=list)
    audit: list[tuple[AuditEntry, bool]] = field(default_factory=list)
    """Every audit entry, oldest first, with whether it is archived."""
    settings: dict[str, str] = field(default_factory=dict)
    sign_in_guards: dict[str, dict[str, Any]] = field(default_factory=dict)
    guard_entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Guard kind → key → what it keeps."""

    def counts(self) -> dict[str, int]:
        """How many there are of each kind: what must match after a copy."""
        return {
            "requests": len(self.requests),
            "archived requests": len(self.archived_requests),
            "history entries": sum(
                len(r.history) for r in (*self.requests, *self.archived_requests)
            ),
            "applicants": len(self.applicants),
            "staff": len(self.staff),
            "audit entries": len(self.audit),
            "settings": len(self.settings),
            "sign-in guards": len(self.sign_in_guards),
            "guard entries": sum(len(entries) for entries in self.guard_entries.values()),
        }

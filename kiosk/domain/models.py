"""The records of the domain: requests with their history, applicants, staff, audit entries."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

# Re-exported: the applicant's preferred language is one of these.
from kiosk.domain.languages import Language as Language
from kiosk.domain.statuses import RequestStatus, check_transition
from kiosk.domain.typed_text import NAME_LIMIT, drawn_text

if TYPE_CHECKING:
    from kiosk.domain.calendar import WorkingDayCalendar


@dataclass(frozen=True)
class HistoryEntry:
    """One step in a request's life: the status it entered, when (UTC), who, and why."""

    status: RequestStatus
    at: datetime
    by: str
    note: str = ""
    answer: str = ""
    """For a resubmission by the resident: the code of what they did (a choice of their
    request type's ``answers``), stored language-neutral so each reader reads it in their own
    language; the note holds the few words they added. Empty for every other step."""


@dataclass(frozen=True)
class InternalNote:
    """A staff note on a request that the resident never sees."""

    at: datetime
    by: str
    text: str


@dataclass(frozen=True)
class TawasulRequest:
    """A Tawasul request as the office keeps it."""

    number: str
    applicant_id: str
    type_code: str
    status: RequestStatus
    history: tuple[HistoryEntry, ...]
    created: datetime
    updated: datetime
    required_action: str = ""
    internal_notes: tuple[InternalNote, ...] = ()

    @property
    def last_note(self) -> str:
        """The note of the latest status change (the reason for a rejection or a return)."""
        return self.history[-1].note if self.history else ""

    @property
    def submitted(self) -> datetime:
        """When the office last received the request: its latest resubmission, else its
        creation. The answer window counts from here (a resubmitted request starts anew)."""
        for entry in reversed(self.history):
            if entry.status is RequestStatus.RESUBMITTED:
                return entry.at
        return self.created

    def expected_by(self, calendar: "WorkingDayCalendar", working_days: int) -> date:
        """The date an answer is due: *working_days* after the day of the latest submission
        (Riyadh)."""
        # Imported here: the store reads these records from the kiosk's start, and the calendar
        # (time zones, holidays) is needed only once a date is worked out.
        from kiosk.domain.calendar import riyadh_date

        return calendar.add_working_days(riyadh_date(self.submitted), working_days)

    def with_status(
        self,
        status: RequestStatus,
        at: datetime,
        by: str,
        note: str = "",
        required_action: str | None = None,
        answer: str = "",
    ) -> "TawasulRequest":
        """This request moved to *status*, if the rules allow it (else TransitionRefused).

        A required action belongs to a return, which must have one; any other status clears it.
        An *answer* code belongs to a resubmission (the resident's), and to nothing else.
        """
        action = (required_action or "").strip()
        check_transition(self.status, status, note, action)
        if not status.needs_action:
            action = ""
        if answer and status is not RequestStatus.RESUBMITTED:
            raise ValueError("only a resubmission carries the resident's answer")
        return replace(
            self,
            status=status,
            history=(*self.history, HistoryEntry(status, at, by, note.strip(), answer)),
            updated=at,
            required_action=action,
        )

    def with_internal_note(self, at: datetime, by: str, text: str) -> "TawasulRequest":
        """This request with one more internal staff note."""
        return replace(
            self,
            internal_notes=(*self.internal_notes, InternalNote(at, by, text.strip())),
            updated=at,
        )


@dataclass(frozen=True)
class Applicant:
    """A resident or citizen who follows requests at the kiosk."""

    id_number: str
    name_ar: str
    name_en: str
    password_hash: str | None = None
    failed_attempts: int = 0
    locked_until: datetime | None = None
    preferred_language: Language = Language.ARABIC
    last_failure: datetime | None = None
    """The latest wrong password: failures older than the lockout no longer count."""

    def display_name(self, language: Language) -> str:
        """At most the first name and an initial, as privacy asks (DESIGN §3), drawn safe."""
        full = drawn_text(self.name_ar if language == Language.ARABIC else self.name_en, NAME_LIMIT)
        parts = full.split()
        if len(parts) < 2:
            return full
        return f"{parts[0]} {parts[-1][0]}."


class StaffRole(StrEnum):
    """What a staff member may do: supervisors also manage accounts and staff."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class StaffMember:
    """A member of staff, known by their SSH login name."""

    username: str
    display_name: str
    role: StaffRole = StaffRole.STAFF

    @property
    def is_supervisor(self) -> bool:
        """Whether this member may manage accounts and staff."""
        return self.role is StaffRole.SUPERVISOR


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log: who did what to which thing, and when."""

    at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any] = field(default_factory=dict)

"""What staff do at the console: who they are, finding requests, changing them, office settings.

A staff member is the login user of the process (under OpenSSH's ForceCommand, the SSH login
user). Every use case re-reads the member from the staff table, so a member removed or demoted
by a supervisor loses the right at once, even in a console that is already open.
"""

import os
import pwd
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kiosk.domain.calendar import format_time, riyadh_date
from kiosk.domain.digits import normalise_digits
from kiosk.domain.identity import IdProblem, check_id, mask_id, parse_id
from kiosk.domain.languages import Language
from kiosk.domain.models import AuditEntry, StaffMember, StaffRole, TawasulRequest
from kiosk.domain.request_numbers import REQUEST_NUMBER_PREFIX, parse_request_number
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.typed_text import BANNER_LIMIT, clean_name, clean_text, drawn_text
from kiosk.errors import InvalidInput, NotAllowed, NotFound
from kiosk.services.archive import ArchiveService
from kiosk.services.bundle import Services
from kiosk.services.clock import Clock
from kiosk.services.i18n import staff_label_with_arabic, staff_words
from kiosk.services.receipts_port import PrintOutcome, QueuedReceipt
from kiosk.services.requests import RequestProgress, step_note
from kiosk.store.port import DataVersion, Store

if TYPE_CHECKING:
    # Receipts pull in python-escpos, which the console loads only when receipts are used.
    from kiosk.services.receipts import ReceiptService, Verification

# POSIX-portable login names, as useradd accepts them by default on Debian.
_LOGIN_NAME = re.compile(r"[a-z_][a-z0-9_.-]{0,31}")
BANNER_MAX_LENGTH = BANNER_LIMIT
"""The longest welcome banner, in characters (the console's field stops there too)."""

# What an ID check finds in text that is no kind of number at all (the other problems are an ID's).
_NEITHER_ID_NOR_NUMBER = frozenset(
    {IdProblem.EMPTY, IdProblem.NOT_DIGITS, IdProblem.BAD_FIRST_DIGIT}
)


def login_name() -> str:
    """The login name of the user running this process.

    It comes from the kernel's user id, not from ``$USER``: the environment is partly the SSH
    client's to set (AcceptEnv), the user id is not.
    """
    return pwd.getpwuid(os.getuid()).pw_name


def client_address(environ: Mapping[str, str]) -> str:
    """``ip port`` of the SSH client from ``SSH_CONNECTION``, or ``local`` outside SSH."""
    parts = environ.get("SSH_CONNECTION", "").split()
    return f"{parts[0]} port {parts[1]}" if len(parts) >= 2 else "local"


def check_login_name(text: str) -> str:
    """*text* as a login name, or InvalidInput saying what a login name looks like."""
    name = text.strip()
    if not _LOGIN_NAME.fullmatch(name):
        raise InvalidInput(
            f"{name!r} is not a login name: use lower-case letters, digits, '.', '-' or '_', "
            "starting with a letter or '_', at most 32 characters."
        )
    return name


class SortKey(StrEnum):
    """The columns the request table can be sorted by."""

    NUMBER = "number"
    STATUS = "status"
    TYPE = "type"
    CREATED = "created"
    UPDATED = "updated"
    EXPECTED = "expected"


@dataclass(frozen=True)
class RequestQuery:
    """What the staff request table asks for; empty fields match everything.

    *text* is digits found in the request number or the applicant's ID number; dates are
    Riyadh days of submission, both ends included.
    """

    text: str = ""
    status: RequestStatus | None = None
    type_code: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    overdue_only: bool = False
    sort: SortKey = SortKey.CREATED
    descending: bool = True


class RequestRow:
    """One request as the table lists it, its answer date worked out once, when first asked for.

    A fresh table shows its first page of 50 rows: only those need the working-day calendar
    (and the holidays it loads), not the office's 10,000 live requests, unless the table is
    sorted by the answer date or filtered on lateness.
    """

    def __init__(
        self,
        request: TawasulRequest,
        today: date,
        progress: Callable[[TawasulRequest, date], RequestProgress],
    ) -> None:
        """The row of *request* on *today*, its *progress* (RequestService.progress) to come."""
        self.request = request
        self._today = today
        self._progress_of = progress

    @cached_property
    def _progress(self) -> RequestProgress:
        return self._progress_of(self.request, self._today)

    @cached_property
    def submitted(self) -> date:
        """The Riyadh day the request was submitted."""
        return riyadh_date(self.request.created)

    @property
    def expected_by(self) -> date:
        """The day an answer is due."""
        return self._progress.expected_by

    @property
    def overdue(self) -> bool:
        """Whether the answer is late."""
        return self._progress.is_late


@dataclass(frozen=True)
class RequestPage:
    """One page of the matching requests, and where it sits among them."""

    rows: list[RequestRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class AuditQuery:
    """Which audit entries to show: by one actor, between two Riyadh days (both included)."""

    actor: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class ArchivedRequest:
    """A request found in the yearly archives, and the year of the archive file that holds it."""

    request: TawasulRequest
    year: int


@dataclass(frozen=True)
class ArchiveSearch:
    """One search of the archives: what it looked for, said fit to show, and what it found.

    *wanted* is ``request 9…`` or ``ID ******6546`` (an ID only masked); *found* is newest
    first; *live* says the number searched for is not archived but still in the live file.
    """

    wanted: str
    found: list[ArchivedRequest]
    live: bool = False


class StaffDirectory:
    """The staff table: who may use the console, and in which role (changes are audited)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        """Work on *store*, stamping changes with *clock*."""
        self._store = store
        self._clock = clock

    def members(self) -> list[StaffMember]:
        """Every staff member, by username."""
        return self._store.all_staff()

    def member(self, username: str) -> StaffMember | None:
        """The staff member *username*, or None."""
        return self._store.staff_member(username)

    def put(self, member: StaffMember, actor: str, client: str) -> StaffMember:
        """Add *member* or change the stored one's name and role."""
        username = check_login_name(member.username)
        display_name = clean_name(member.display_name, "The staff member's name")
        if not display_name:
            raise InvalidInput("Give the staff member's name as it should appear in the console.")
        stored = replace(member, username=username, display_name=display_name)
        now = self._clock()
        with self._store.transaction() as tx:
            before = tx.staff_member(username)
            tx.put_staff(stored)
            details: dict[str, object] = {"role": stored.role.value, "name": display_name}
            if before is not None:
                details["was"] = before.role.value
            if client:
                details["client"] = client
            tx.append_audit(AuditEntry(now, actor, "staff.put", username, details))
        return stored

    def remove(self, username: str, actor: str, client: str) -> None:
        """Remove the staff member *username* (NotFound if there is none)."""
        now = self._clock()
        with self._store.transaction() as tx:
            if not tx.remove_staff(username):
                raise NotFound(f"There is no staff member {username!r}.")
            details = {"client": client} if client else {}
            tx.append_audit(AuditEntry(now, actor, "staff.remove", username, details))


def request_summary(services: Services, request: TawasulRequest) -> list[str]:
    """A request as staff and operators read it, one labelled line each: the staff console's
    request view and ``tawasul request show`` print these same lines."""
    kind = services.requests.request_type(request)
    progress = services.requests.progress(request)

    words = staff_words()

    def when(moment: datetime) -> str:
        return f"{words.both_dates(riyadh_date(moment))} {format_time(moment, words.language)}"

    lines = [
        f"Request    {request.number}",
        f"Type       {kind.name_en} — {kind.name_ar}",
        f"Status     {staff_label_with_arabic(request.status)}",
        f"Applicant  {mask_id(request.applicant_id)}",
        f"Submitted  {when(request.created)}",
        f"Updated    {when(request.updated)}",
        f"Answer     {progress.expected_sentence(words)}",
        f"Resident told  {words(progress.next_step)}",
    ]
    if action := drawn_text(request.required_action):
        lines.append(f"Resident must  {action}")
    if request.status is RequestStatus.RESUBMITTED and request.history[-1].answer:
        lines.append(f"Resident says  {step_note(request.history[-1], words)}")
    return lines


class RequestIndex:
    """The requests as the staff table sees them, rebuilt only when the data changed.

    Filtering, sorting and paging work on this list in memory, so typing in the search box
    does not parse the file again, and only one page of rows ever reaches the screen.
    """

    def __init__(self, services: Services) -> None:
        """Index the requests of *services*' store."""
        self._services = services
        self._version: DataVersion | None = None
        self._rows: list[RequestRow] = []
        self._today: date | None = None

    def rows(self) -> list[RequestRow]:
        """Every request, rebuilt if the data or the day changed since the last call."""
        version = self._services.store.data_version()
        today = riyadh_date(self._services.clock())
        if version != self._version or today != self._today or version is None:
            # The same progress the request view, the kiosk and the CLI show (RequestService).
            progress = self._services.requests.progress
            self._rows = [
                RequestRow(request, today, progress)
                for request in self._services.store.all_requests()
            ]
            self._version = version
            self._today = today
        return self._rows

    def search(self, query: RequestQuery, page: int, page_size: int) -> RequestPage:
        """Page *page* (from 0, clamped) of the requests matching *query*, in its order."""
        if page_size < 1:
            raise InvalidInput("A page holds at least one request.")
        wanted = _matcher(query)
        found = [row for row in self.rows() if wanted(row)]
        found.sort(key=_SORT_KEYS[query.sort], reverse=query.descending)
        pages = max(1, -(-len(found) // page_size))
        page = min(max(page, 0), pages - 1)
        start = page * page_size
        return RequestPage(found[start : start + page_size], len(found), page, pages)


_SORT_KEYS: dict[SortKey, Callable[[RequestRow], Any]] = {
    SortKey.NUMBER: lambda row: row.request.number,
    SortKey.STATUS: lambda row: (row.request.status.value, row.request.created),
    SortKey.TYPE: lambda row: (row.request.type_code, row.request.created),
    SortKey.CREATED: lambda row: row.request.created,
    SortKey.UPDATED: lambda row: row.request.updated,
    SortKey.EXPECTED: lambda row: (row.expected_by, row.request.created),
}


def _matcher(query: RequestQuery) -> Callable[[RequestRow], bool]:
    text = normalise_digits(query.text).replace(" ", "")
    if text and not (text.isascii() and text.isdigit()):
        raise InvalidInput("Search by the digits of a request number or an ID number.")
    if query.submitted_from and query.submitted_to and query.submitted_from > query.submitted_to:
        raise InvalidInput("The 'from' date is after the 'to' date.")

    def matches(row: RequestRow) -> bool:
        request = row.request
        return (
            (not text or text in request.number or text in request.applicant_id)
            and (query.status is None or request.status is query.status)
            and (query.type_code is None or request.type_code == query.type_code)
            and (query.submitted_from is None or row.submitted >= query.submitted_from)
            and (query.submitted_to is None or row.submitted <= query.submitted_to)
            and (not query.overdue_only or row.overdue)
        )

    return matches


class StaffSession:
    """The console's use cases for one signed-in staff member at one client address."""

    def __init__(self, services: Services, username: str, client: str) -> None:
        """Sign *username* in from *client*; NotAllowed if they are not in the staff table."""
        self.services = services
        self.username = username
        self.client = client
        self.directory = StaffDirectory(services.store, services.clock)
        self.index = RequestIndex(services)
        self._member = self.current_member()

    @property
    def member(self) -> StaffMember:
        """The member as last read from the staff table."""
        return self._member

    def current_member(self) -> StaffMember:
        """Re-read the member; NotAllowed if they were removed from the staff table."""
        member = self.directory.member(self.username)
        if member is None:
            raise NotAllowed(
                f"The login {self.username!r} is not in the staff table, so the staff console "
                "is closed to it; ask a supervisor to add you."
            )
        self._member = member
        return member

    def _supervisor(self) -> StaffMember:
        member = self.current_member()
        if not member.is_supervisor:
            raise NotAllowed("Only a supervisor may do this.")
        return member

    # --- requests --------------------------------------------------------------------------

    def search(self, query: RequestQuery, page: int = 0, page_size: int = 50) -> RequestPage:
        """One page of the requests matching *query*."""
        return self.index.search(query, page, page_size)

    def request(self, typed_number: str) -> TawasulRequest:
        """The request *typed_number* (NotFound names it)."""
        return self.services.requests.find(typed_number)

    def progress(self, request: TawasulRequest) -> RequestProgress:
        """Where *request* stands against its expected answer date."""
        return self.services.requests.progress(request)

    def change_status(
        self,
        typed_number: str,
        status: RequestStatus,
        note: str,
        required_action: str = "",
        seen: RequestStatus | None = None,
    ) -> TawasulRequest:
        """Move a request to *status* through an allowed transition (audited).

        Returned and rejected need a note; returned also needs the action the resident must
        take. The transition is checked again against the stored request inside the write, and
        refused if its status is no longer the *seen* one the member chose from.
        """
        member = self.current_member()
        return self.services.requests.change_status(
            typed_number,
            status,
            member.username,
            note,
            required_action or None,
            client=self.client,
            seen=seen,
        )

    def add_note(self, typed_number: str, text: str) -> TawasulRequest:
        """Add an internal note, which the resident never sees (audited)."""
        member = self.current_member()
        return self.services.requests.add_internal_note(
            typed_number, text, member.username, client=self.client
        )

    # --- the archive ----------------------------------------------------------------------

    @cached_property
    def archive(self) -> ArchiveService:
        """The office's archive use case over the same store."""
        config = self.services.config
        return ArchiveService(self.services.store, self.services.clock, config.archive_after_days)

    def search_archive(self, typed: str) -> ArchiveSearch:
        """The archived requests of an ID/Iqama number, or the archived request with a number.

        *typed* may be in any digit script; a request number starts with 9, anything else is
        read as an ID (InvalidInput says what is wrong). Reads only, like the other searches:
        a number is looked up, an ID scans the archives (slower: run it in a worker).
        """
        self.current_member()
        if normalise_digits(typed).startswith(REQUEST_NUMBER_PREFIX):
            number = parse_request_number(typed)
            wanted = f"request {number}"
            store = self.services.store
            request = store.request(number)
            if request is None:
                return ArchiveSearch(wanted, [])
            if not store.is_archived(number):
                return ArchiveSearch(wanted, [], live=True)
            return ArchiveSearch(wanted, [_archived(request)])
        applicant_id = _archive_search_id(typed)
        found = self.archive.archived_requests_of(applicant_id)
        return ArchiveSearch(f"ID {mask_id(applicant_id)}", [_archived(r) for r in found])

    # --- audit and banner ------------------------------------------------------------------

    def audit(self, query: AuditQuery) -> list[AuditEntry]:
        """The audit entries matching *query*, newest first."""
        self.current_member()
        if query.since and query.until and query.since > query.until:
            raise InvalidInput("The 'from' date is after the 'to' date.")
        found = [
            entry
            for entry in self.services.store.audit_entries()
            if (query.actor is None or entry.actor == query.actor)
            and (query.since is None or riyadh_date(entry.at) >= query.since)
            and (query.until is None or riyadh_date(entry.at) <= query.until)
        ]
        found.reverse()
        return found

    def actors(self) -> list[str]:
        """Everyone who appears in the audit log or the staff table, sorted."""
        names = {entry.actor for entry in self.services.store.audit_entries()}
        names.update(member.username for member in self.directory.members())
        return sorted(names)

    def banner(self) -> str:
        """The line the kiosks show on their welcome screen (empty: none)."""
        return self.services.banner()

    def set_banner(self, text: str) -> str:
        """Set (or with empty *text* clear) the kiosks' welcome banner (audited)."""
        member = self.current_member()
        banner = clean_text(text, BANNER_LIMIT, "The banner", one_line=True)
        now = self.services.clock()
        with self.services.store.transaction() as tx:
            tx.set_setting("banner", banner)
            details: dict[str, object] = {"text": banner, "client": self.client}
            tx.append_audit(AuditEntry(now, member.username, "banner.set", "banner", details))
        return banner

    # --- receipts --------------------------------------------------------------------------

    @cached_property
    def receipts(self) -> "ReceiptService":
        """The office's receipt service (key, spool and printer from the configuration)."""
        from kiosk.services.receipts import ReceiptService

        return ReceiptService.open(self.services)

    def reprint(self, typed_number: str, language: Language) -> PrintOutcome:
        """Print a fresh receipt of a request on the office printer (blocking; audited)."""
        member = self.current_member()
        request = self.request(typed_number)
        outcome = self.receipts.print_receipt(request, language)
        self._audit(member, "receipt.reprint", request.number, _outcome_details(outcome))
        return outcome

    def verify_receipt(self, payload: str) -> "Verification":
        """Check a receipt's QR payload against the office key and the request as it is now."""
        self.current_member()
        return self.receipts.verify(payload)

    def print_queue(self) -> Sequence[QueuedReceipt]:
        """The receipts waiting in the spool, oldest first."""
        self.current_member()
        return self.receipts.pending_jobs()

    def retry_print(self, job_id: str) -> PrintOutcome:
        """Send a spooled receipt to the printer again (blocking; audited)."""
        member = self.current_member()
        job = self.receipts.spool.job(job_id)
        outcome = self.receipts.retry(job_id)
        self._audit(member, "receipt.retry", job.request_number, _outcome_details(outcome))
        return outcome

    def drop_print(self, job_id: str) -> QueuedReceipt:
        """Remove a spooled receipt without printing it (audited)."""
        member = self.current_member()
        job = self.receipts.drop(job_id)
        self._audit(member, "receipt.drop", job.request_number, {"serial": job.job_id})
        return job

    def _audit(
        self, member: StaffMember, action: str, target: str, details: dict[str, object]
    ) -> None:
        with self.services.store.transaction() as tx:
            tx.append_audit(
                AuditEntry(
                    self.services.clock(),
                    member.username,
                    action,
                    target,
                    {**details, "client": self.client},
                )
            )

    # --- supervisors -----------------------------------------------------------------------

    def unlock_applicant(self, typed_id: str) -> None:
        """Clear an applicant's failed sign-ins and lock (supervisors only, audited)."""
        member = self._supervisor()
        self.services.accounts.unlock(typed_id, member.username, client=self.client)

    def reset_password(self, typed_id: str, new_password: str) -> None:
        """Give an applicant a new password (supervisors only; blocking: argon2)."""
        member = self._supervisor()
        self.services.accounts.reset_password(
            typed_id, new_password, member.username, client=self.client
        )

    def staff_members(self) -> list[StaffMember]:
        """Every staff member, by username."""
        return self.directory.members()

    def put_staff(self, username: str, display_name: str, role: StaffRole) -> StaffMember:
        """Add a staff member or change one (supervisors only; not one's own role)."""
        member = self._supervisor()
        if username.strip() == member.username and role is not member.role:
            raise NotAllowed("You cannot change your own role; ask another supervisor.")
        return self.directory.put(
            StaffMember(username, display_name, role), member.username, self.client
        )

    def remove_staff(self, username: str) -> None:
        """Remove a staff member (supervisors only; not oneself)."""
        member = self._supervisor()
        if username == member.username:
            raise NotAllowed("You cannot remove yourself; ask another supervisor.")
        self.directory.remove(username, member.username, self.client)


def _archived(request: TawasulRequest) -> ArchivedRequest:
    # The archive run files a request under the UTC year it was created (kiosk.store.archive).
    return ArchivedRequest(request, request.created.astimezone(UTC).year)


def _archive_search_id(typed: str) -> str:
    """The ID number in *typed*; InvalidInput in one sentence when it is neither ID nor number."""
    if check_id(typed).problem in _NEITHER_ID_NOR_NUMBER:
        raise InvalidInput(
            "Search the archive by an ID or Iqama number (it starts with 1, 2, 3 or 4) "
            "or a request number (it starts with 9)."
        )
    return parse_id(typed)


def _outcome_details(outcome: PrintOutcome) -> dict[str, object]:
    details: dict[str, object] = {"serial": outcome.receipt_serial, "printed": outcome.printed}
    if outcome.problem:
        details["problem"] = outcome.problem
    return details

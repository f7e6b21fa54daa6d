"""Finding requests for residents and staff, changing their status, adding new ones."""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date

from kiosk.domain.calendar import WorkingDayCalendar, riyadh_date
from kiosk.domain.digits import normalise_digits
from kiosk.domain.identity import mask_id, parse_id
from kiosk.domain.models import AuditEntry, HistoryEntry, TawasulRequest
from kiosk.domain.request_numbers import make_request_number, parse_request_number
from kiosk.domain.request_types import RequestType, RequestTypeCatalogue, answer_needs_text
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.typed_text import (
    ANSWER_LIMIT,
    NAME_LIMIT,
    clean_answer,
    clean_name,
    clean_note,
    drawn_text,
)
from kiosk.errors import ChangedMeanwhile, InvalidInput, NotAllowed, NotFound
from kiosk.services.clock import Clock, utc_now
from kiosk.services.i18n import Translations, staff_label
from kiosk.store.port import Store, StoreTransaction

# One answer for "no such request" and "not yours", so nobody learns which numbers exist.
NOT_FOUND_TEXT = "No request with that number was found for you."


@dataclass(frozen=True)
class RequestProgress:
    """Where a request stands against its expected answer date, in working days."""

    status: RequestStatus
    submitted: date
    expected_by: date
    """Counted from the latest submission (TawasulRequest.submitted)."""
    working_days_left: int

    @property
    def is_late(self) -> bool:
        """Whether the office owes an answer past its date (RequestStatus.is_late)."""
        return self.status.is_late(self.working_days_left)

    @property
    def next_step(self) -> str:
        """The catalogue key of what the person is told to do next (RequestStatus.next_step)."""
        return self.status.next_step(self.working_days_left)

    def expected_sentence(self, tr: Translations) -> str:
        """When the answer is expected and how that stands, in *tr*'s language: the days left,
        due today or the days late while the office owes it; otherwise that it has answered or
        waits for the resident. The status screen and the staff's summary say this one sentence."""
        when = tr.both_dates(self.expected_by)
        left = self.working_days_left
        if not self.status.awaits_office:
            return tr("status.expected_not_owed", date=when)
        if self.is_late:
            return tr.plural("status.expected_late", -left, date=when)
        if left == 0:
            return tr("status.expected_today", date=when)
        return tr.plural("status.expected_left", left, date=when)


@dataclass(frozen=True)
class NextStep:
    """One sentence of what a person is told to do next: a catalogue key, the stored text it
    quotes (already through the one safe path), and the part of the status screen it fills."""

    part: str
    """``next`` for the status's own sentence; ``action``, ``reason`` or ``collect`` for what
    staff asked or said."""
    key: str
    fields: tuple[tuple[str, str], ...] = ()

    def said(self, tr: Translations) -> str:
        """The sentence in *tr*'s language."""
        return tr(self.key, **dict(self.fields))


# What a return, a rejection and an acceptance add to the next step: the screen's part, the
# sentence, and its field; the stored text it quotes is the action for a return, else the note.
_QUOTED = {
    RequestStatus.RETURNED: ("action", "status.required_action", "action"),
    RequestStatus.REJECTED: ("reason", "status.reject_reason", "reason"),
    RequestStatus.ACCEPTED: ("collect", "status.accepted_note", "note"),
}


def next_steps(request: TawasulRequest, progress: RequestProgress) -> tuple[NextStep, ...]:
    """What the person is told to do next, in order, on the status screen and the receipt
    alike: the status's sentence (the counter when the request is late, RequestStatus.next_step),
    then what staff asked for or said, when there is any."""
    steps = [NextStep("next", progress.next_step)]
    quoted = _QUOTED.get(request.status)
    if quoted is not None:
        part, key, field = quoted
        text = request.required_action if request.status.needs_action else request.last_note
        # Stored text takes the one safe path, whoever wrote the file; nothing left, no line.
        if shown := drawn_text(text):
            steps.append(NextStep(part, key, ((field, shown),)))
    return tuple(steps)


TEXT_TOO_LONG = "answer.text_too_long"
"""The catalogue key of the sentence for an answer's text over ANSWER_LIMIT (``{limit}``)."""

TEXT_CLEANED = "answer.text_cleaned"
"""The catalogue key of the sentence for typed text that held what the typed-text rule removes
(escapes, control characters, direction overrides): the resident reads what is kept first."""

TEXT_NEEDED = "answer.text_needed"
"""The catalogue key of the sentence for an answer that says nothing without the resident's
words (``other``) and has none."""


@dataclass(frozen=True)
class AnswerText:
    """The few words a resident adds to an answer, as they would be stored, and what is wrong
    with them, if anything: the catalogue key of one sentence (TEXT_TOO_LONG, TEXT_CLEANED,
    TEXT_NEEDED), filled with ``limit``."""

    text: str
    problem: str | None = None

    def said(self, tr: Translations) -> str:
        """The problem in *tr*'s language (empty when there is none)."""
        if self.problem is None:
            return ""
        return tr(self.problem, limit=tr.number(ANSWER_LIMIT))


def answer_text(typed: str, answer: str) -> AnswerText:
    """*typed*, added to the answer *answer*, checked by the one rule of typed text (DESIGN §3):
    too long is refused, never cut; text that loses characters to the cleaning is shown back
    cleaned before it is sent, so the resident sends only what they have read."""
    try:
        cleaned = clean_answer(typed)
    except InvalidInput:
        return AnswerText(typed, TEXT_TOO_LONG)
    # Composed forms (NFC) are what the rule stores anyway: only characters it removed count.
    if cleaned != unicodedata.normalize("NFC", typed.strip()):
        return AnswerText(cleaned, TEXT_CLEANED)
    if not cleaned and answer_needs_text(answer):
        return AnswerText(cleaned, TEXT_NEEDED)
    return AnswerText(cleaned)


def step_note(entry: HistoryEntry, tr: Translations) -> str:
    """What the history step *entry* says, through the one safe path: for a resident's answer,
    the choice in *tr*'s language and the words they added; for any other step, its note. The
    resident's timeline, the staff console and ``tawasul request show`` say this."""
    if not entry.answer:
        return entry.note and drawn_text(entry.note)
    choice = tr(f"answer.choice.{drawn_text(entry.answer, NAME_LIMIT)}")
    text = drawn_text(entry.note)
    return tr("answer.said", choice=choice, text=text) if text else choice


@dataclass(frozen=True)
class RequestFilter:
    """What a staff or operator listing asks for; empty fields match everything."""

    status: RequestStatus | None = None
    type_code: str | None = None
    applicant_id: str | None = None

    def matches(self, request: TawasulRequest) -> bool:
        """Whether *request* passes every given condition."""
        return (
            (self.status is None or request.status is self.status)
            and (self.type_code is None or request.type_code == self.type_code)
            and (self.applicant_id is None or request.applicant_id == self.applicant_id)
        )


class RequestService:
    """The use cases around requests; every change is checked and audited."""

    def __init__(
        self,
        store: Store,
        catalogue: RequestTypeCatalogue,
        calendar: WorkingDayCalendar,
        clock: Clock = utc_now,
        response_target_days: int = 7,
        kiosk_id: str = "kiosk",
    ) -> None:
        """Work on *store* with the type *catalogue*, the office *calendar* and *clock*; a
        resident's change is made (and audited) as the kiosk *kiosk_id*."""
        self.store = store
        self.catalogue = catalogue
        self.calendar = calendar
        self._clock = clock
        self._target_days = response_target_days
        self._kiosk_id = kiosk_id or "kiosk"

    # --- residents -------------------------------------------------------------------------

    def requests_by_type(self, applicant_id: str) -> dict[str, list[TawasulRequest]]:
        """Every type code in catalogue order → the applicant's requests of it, newest first."""
        grouped: dict[str, list[TawasulRequest]] = {code: [] for code in self.catalogue.codes}
        for request in self.store.requests_of(applicant_id):
            grouped.setdefault(request.type_code, []).append(request)
        return grouped

    def request_for_owner(self, applicant_id: str, typed_number: str) -> TawasulRequest:
        """The request *typed_number* if it belongs to *applicant_id*; else NotFound."""
        number = parse_request_number(typed_number)
        request = self.store.request(number)
        if request is None or request.applicant_id != applicant_id:
            raise NotFound(NOT_FOUND_TEXT)
        return request

    def quick_lookup(self, typed_number: str, typed_last4: str) -> TawasulRequest:
        """The request *typed_number* whose owner's ID ends in *typed_last4*; else NotFound."""
        number = parse_request_number(typed_number)
        last4 = normalise_digits(typed_last4)
        if len(last4) != 4 or not last4.isascii() or not last4.isdigit():
            raise InvalidInput("Type the last 4 digits of the ID number.")
        request = self.store.request(number)
        if request is None or not request.applicant_id.endswith(last4):
            raise NotFound(NOT_FOUND_TEXT)
        return request

    def latest(self, request: TawasulRequest) -> TawasulRequest:
        """*request* as stored now (staff may have changed it since it was read); the same
        request if it is no longer found. Its number and owner never change."""
        return self.store.request(request.number) or request

    def request_type(self, request: TawasulRequest) -> RequestType:
        """The catalogue entry of *request*'s type."""
        return self.catalogue.get(request.type_code)

    def progress(self, request: TawasulRequest, today: date | None = None) -> RequestProgress:
        """Submitted date, expected answer date and working days left (negative when late)."""
        today = today or riyadh_date(self._clock())
        submitted = riyadh_date(request.created)
        expected = request.expected_by(self.calendar, self._target_days)
        left = self.calendar.working_days_between(today, expected)
        return RequestProgress(request.status, submitted, expected, left)

    # --- staff and operators ---------------------------------------------------------------

    def find(self, typed_number: str) -> TawasulRequest:
        """The request *typed_number*, for staff (NotFound names the number)."""
        number = parse_request_number(typed_number)
        request = self.store.request(number)
        if request is None:
            raise NotFound(f"There is no request {number}.")
        return request

    def list(self, wanted: RequestFilter = RequestFilter()) -> list[TawasulRequest]:
        """The requests *wanted* asks for, newest first."""
        found = [r for r in self.store.all_requests() if wanted.matches(r)]
        return sorted(found, key=lambda r: r.created, reverse=True)

    def change_status(
        self,
        typed_number: str,
        status: RequestStatus,
        by: str,
        note: str = "",
        required_action: str | None = None,
        client: str = "",
        seen: RequestStatus | None = None,
    ) -> TawasulRequest:
        """Move a request to *status* if the rules allow it; record history and audit together.

        *seen* is the status the person was shown: if the stored one differs, someone else
        changed the request meanwhile, and nothing is saved (checked inside the write).
        The note, the required action and *by* are typed text: cleaned (DESIGN §3) before they
        are stored, and refused with InvalidInput when too long.
        """
        number = parse_request_number(typed_number)
        by = _changed_by(by)
        note = clean_note(note)
        required_action = clean_note(required_action or "", "The required action") or None
        return self._record_change(
            number, status, by, note, required_action=required_action, client=client, seen=seen
        )

    def _record_change(
        self,
        number: str,
        status: RequestStatus,
        by: str,
        note: str,
        *,
        required_action: str | None = None,
        client: str = "",
        seen: RequestStatus | None = None,
        answer: str = "",
        owner: str | None = None,
    ) -> TawasulRequest:
        """The one way a status changes, for staff and residents alike: checked against the
        stored request inside the write (its *owner*, when a resident makes the change, and the
        *seen* status), moved by the transition rules, and recorded in history and audit."""
        now = self._clock()
        with self.store.transaction() as tx:
            current = self._changeable(tx, number)
            if owner is not None and current.applicant_id != owner:
                raise NotFound(NOT_FOUND_TEXT)
            if seen is not None and current.status is not seen:
                last = current.history[-1]
                raise ChangedMeanwhile(
                    f"{drawn_text(last.by, NAME_LIMIT)} changed request {number} meanwhile: "
                    f"it is now {staff_label(current.status)}. Nothing was saved; look at it again."
                )
            changed = current.with_status(status, now, by, note, required_action, answer)
            tx.put_request(changed)
            details: dict[str, object] = {"from": current.status.value, "to": status.value}
            if note:
                details["note"] = note
            if required_action:
                details["required_action"] = required_action
            if answer:
                details["answer"] = answer
            if client:
                details["client"] = client
            tx.append_audit(AuditEntry(now, by, "request.status", number, details))
        return changed

    # --- residents answering a returned request --------------------------------------------

    def answer_choices(self, request: TawasulRequest) -> tuple[str, ...]:
        """The codes of what a resident may say they did about *request* (its type's answers)."""
        return self.request_type(request).answers

    def answer_returned(
        self, applicant_id: str, typed_number: str, answer: str, typed_text: str = ""
    ) -> TawasulRequest:
        """The resident *applicant_id* answers their returned request: it becomes resubmitted
        through the same rules, history and audit as a staff change, made by this kiosk for the
        masked ID. ChangedMeanwhile (nothing saved) when it is no longer returned, which also
        stops a second submit; NotFound when it is not theirs; InvalidInput for an answer its
        type does not offer or text that breaks the typed-text rules."""
        number = parse_request_number(typed_number)
        request = self.store.request(number)
        if request is None or request.applicant_id != applicant_id:
            raise NotFound(NOT_FOUND_TEXT)
        if answer not in self.answer_choices(request):
            raise InvalidInput(f"{answer!r} is not an answer a {request.type_code} request takes.")
        text = answer_text(typed_text, answer)
        if text.problem == TEXT_TOO_LONG:
            clean_answer(typed_text)  # raises InvalidInput with the limit in it
        if text.problem == TEXT_NEEDED:
            raise InvalidInput(f"The answer {answer!r} needs a few words of what was done.")
        by = _changed_by(f"kiosk {self._kiosk_id} for {mask_id(applicant_id)}")
        return self._record_change(
            number,
            RequestStatus.RESUBMITTED,
            by,
            text.text,
            client=self._kiosk_id,
            seen=RequestStatus.RETURNED,
            answer=answer,
            owner=applicant_id,
        )

    def _changeable(self, tx: StoreTransaction, number: str) -> TawasulRequest:
        """The live request *number* under the lock; archived ones are read-only."""
        current = tx.request(number)
        if current is not None:
            return current
        if self.store.is_archived(number):
            raise NotAllowed(f"Request {number} is archived; archived requests cannot be changed.")
        raise NotFound(f"There is no request {number}.")

    def add_internal_note(
        self, typed_number: str, text: str, by: str, client: str = ""
    ) -> TawasulRequest:
        """Add a staff-only note to a request (audited); the text is cleaned as typed text is."""
        text = clean_note(text, "The internal note")
        if not text:
            raise InvalidInput("An internal note cannot be empty.")
        by = _changed_by(by)
        number = parse_request_number(typed_number)
        now = self._clock()
        with self.store.transaction() as tx:
            current = self._changeable(tx, number)
            changed = current.with_internal_note(now, by, text)
            tx.put_request(changed)
            details = {"client": client} if client else {}
            tx.append_audit(AuditEntry(now, by, "request.note", number, details))
        return changed

    def add_request(
        self,
        typed_applicant_id: str,
        type_code: str,
        by: str,
        note: str = "",
        rng: random.Random | None = None,
    ) -> TawasulRequest:
        """Open a new request, under review, with a fresh request number (audited)."""
        applicant_id = parse_id(typed_applicant_id)
        by = _changed_by(by)
        note = clean_note(note)
        self.catalogue.get(type_code)
        rng = rng or random.SystemRandom()
        now = self._clock()
        with self.store.transaction() as tx:
            if tx.applicant(applicant_id) is None:
                raise NotFound(f"No applicant has the ID {mask_id(applicant_id)}.")
            number = make_request_number(rng)
            # Archived numbers are taken too: the archive run would drop a second holder.
            while tx.request(number) is not None or self.store.is_archived(number):
                number = make_request_number(rng)
            request = TawasulRequest(
                number=number,
                applicant_id=applicant_id,
                type_code=type_code,
                status=RequestStatus.UNDER_REVIEW,
                history=(HistoryEntry(RequestStatus.UNDER_REVIEW, now, by, note),),
                created=now,
                updated=now,
            )
            tx.put_request(request)
            tx.append_audit(AuditEntry(now, by, "request.add", number, {"type": type_code}))
        return request

    def counts(self) -> dict[str, int]:
        """Status code → number of requests, every status listed."""
        counts = self.store.status_counts()
        return {status.value: counts.get(status.value, 0) for status in RequestStatus}


def _changed_by(typed: str) -> str:
    """Who makes a change, cleaned as a typed name; InvalidInput when nothing is left of it."""
    by = clean_name(typed, "The name of who makes the change")
    if not by:
        raise InvalidInput("Say who makes the change: the name is empty.")
    return by

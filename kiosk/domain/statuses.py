"""Request statuses and the allowed transitions; the labels people read are in the catalogues
(``status.<code>.label``, the resident's and Absher's; ``status.<code>.staff``, the office's)."""

from enum import StrEnum

from kiosk.errors import InvalidInput, TransitionRefused


class RequestStatus(StrEnum):
    """The stable status codes stored in the data file and printed in the QR payload."""

    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CLOSED = "closed"

    @property
    def is_final(self) -> bool:
        """Whether nothing more can happen to a request in this status."""
        return not ALLOWED_TRANSITIONS[self]

    @property
    def awaits_office(self) -> bool:
        """Whether Jawazat owes the resident an answer: only then do the expected date, the
        working days left and lateness mean anything."""
        return self in (RequestStatus.UNDER_REVIEW, RequestStatus.RESUBMITTED)

    def is_late(self, working_days_left: int) -> bool:
        """Whether a request in this status is late, *working_days_left* working days before its
        expected answer date (negative: after it): the office owes an answer and the date has
        passed by a working day."""
        return self.awaits_office and working_days_left < 0

    def next_step(self, working_days_left: int) -> str:
        """The catalogue key of what the person is told to do next, the one sentence every
        screen, receipt and command shows: a late request sends them to the counter, and
        nothing beside it says that nothing is needed."""
        if self.is_late(working_days_left):
            return LATE_NEXT_STEP
        return f"status.{self.value}.next"

    @property
    def needs_note(self) -> bool:
        """Whether moving *to* this status must say why (the resident reads the note)."""
        return self in (RequestStatus.RETURNED, RequestStatus.REJECTED)

    @property
    def needs_action(self) -> bool:
        """Whether moving *to* this status must say what the resident must do, and where."""
        return self is RequestStatus.RETURNED


LATE_NEXT_STEP = "status.late.next"
"""The catalogue key of the next step of a late request (see RequestStatus.next_step)."""

ALLOWED_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.UNDER_REVIEW: frozenset(
        {RequestStatus.RETURNED, RequestStatus.ACCEPTED, RequestStatus.REJECTED}
    ),
    RequestStatus.RETURNED: frozenset({RequestStatus.RESUBMITTED, RequestStatus.CLOSED}),
    RequestStatus.RESUBMITTED: frozenset(
        {
            RequestStatus.UNDER_REVIEW,
            RequestStatus.RETURNED,
            RequestStatus.ACCEPTED,
            RequestStatus.REJECTED,
        }
    ),
    RequestStatus.ACCEPTED: frozenset({RequestStatus.CLOSED}),
    RequestStatus.REJECTED: frozenset({RequestStatus.CLOSED}),
    RequestStatus.CLOSED: frozenset(),
}


def parse_status(text: str) -> RequestStatus:
    """The status whose code is *text*, or InvalidInput listing the codes."""
    try:
        return RequestStatus(text.strip().lower())
    except ValueError:
        codes = ", ".join(status.value for status in RequestStatus)
        raise InvalidInput(f"Unknown status {text!r}; the statuses are: {codes}.") from None


def allowed_next(status: RequestStatus) -> list[RequestStatus]:
    """The statuses a request in *status* may move to, in the table's order."""
    return [s for s in RequestStatus if s in ALLOWED_TRANSITIONS[status]]


def check_transition(
    current: RequestStatus, new: RequestStatus, note: str, required_action: str = ""
) -> None:
    """Raise TransitionRefused unless *current* may become *new* with this *note* and
    *required_action*: the one rule the console, the staff service, the CLI and the store's
    writes all apply (returned and rejected say why; returned also says what the resident
    must do, which the resident reads on the status screen and the receipt)."""
    if new not in ALLOWED_TRANSITIONS[current]:
        options = ", ".join(s.value for s in allowed_next(current)) or "none: it is final"
        raise TransitionRefused(
            f"A request that is {current.value} cannot become {new.value} (allowed: {options})."
        )
    if new.needs_note and not note.strip():
        raise TransitionRefused(f"Say why when a request becomes {new.value}: a note is required.")
    if new.needs_action and not required_action.strip():
        raise TransitionRefused(
            "Say what the resident must do when a request is returned: the action is required."
        )

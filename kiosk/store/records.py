"""How domain records are written in the data file: plain JSON, UTC times in ISO 8601."""

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from kiosk.domain.models import (
    Applicant,
    AuditEntry,
    HistoryEntry,
    InternalNote,
    Language,
    StaffMember,
    StaffRole,
    TawasulRequest,
)
from kiosk.domain.statuses import RequestStatus
from kiosk.store.storage import DamagedDocument, DocumentCheck

Document = dict[str, Any]


Record = TypeVar("Record")


def _decoder(kind: str) -> Callable[[Callable[[Document], Record]], Callable[[Document], Record]]:
    """Turn a document of the wrong shape (hand-edited, another program's) into a clear error."""

    def wrap(decode: Callable[[Document], Record]) -> Callable[[Document], Record]:
        @functools.wraps(decode)
        def checked(doc: Document) -> Record:
            try:
                return decode(doc)
            except (KeyError, ValueError, TypeError, AttributeError) as error:
                detail = f"a stored {kind} is damaged ({type(error).__name__}: {error})"
                raise DamagedDocument(
                    f"{detail[0].upper()}{detail[1:]}; "
                    "the data file was left untouched: restore it from a backup.",
                    detail,
                ) from None

        return checked

    return wrap


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _optional_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _history_to_document(entry: HistoryEntry) -> Document:
    stored: Document = {
        "status": entry.status.value,
        "at": entry.at.isoformat(),
        "by": entry.by,
        "note": entry.note,
    }
    # Only a resident's resubmission has an answer: every other step is stored as before.
    if entry.answer:
        stored["answer"] = entry.answer
    return stored


def request_to_document(request: TawasulRequest) -> Document:
    """The stored form of *request*."""
    return {
        "number": request.number,
        "applicant": request.applicant_id,
        "type": request.type_code,
        "status": request.status.value,
        "history": [_history_to_document(e) for e in request.history],
        "required_action": request.required_action,
        "created": request.created.isoformat(),
        "updated": request.updated.isoformat(),
        "internal_notes": [
            {"at": n.at.isoformat(), "by": n.by, "text": n.text} for n in request.internal_notes
        ],
    }


@_decoder("request")
def request_from_document(doc: Document) -> TawasulRequest:
    """The request stored as *doc*."""
    return TawasulRequest(
        number=doc["number"],
        applicant_id=doc["applicant"],
        type_code=doc["type"],
        status=RequestStatus(doc["status"]),
        history=tuple(
            HistoryEntry(
                RequestStatus(e["status"]),
                _time(e["at"]),
                e["by"],
                e.get("note", ""),
                e.get("answer", ""),
            )
            for e in doc["history"]
        ),
        created=_time(doc["created"]),
        updated=_time(doc["updated"]),
        required_action=doc.get("required_action", ""),
        internal_notes=tuple(
            InternalNote(_time(n["at"]), n["by"], n["text"]) for n in doc.get("internal_notes", ())
        ),
    )


def applicant_to_document(applicant: Applicant) -> Document:
    """The stored form of *applicant*."""
    return {
        "id_number": applicant.id_number,
        "name_ar": applicant.name_ar,
        "name_en": applicant.name_en,
        "password_hash": applicant.password_hash,
        "failed_attempts": applicant.failed_attempts,
        "locked_until": applicant.locked_until.isoformat() if applicant.locked_until else None,
        "preferred_language": applicant.preferred_language.value,
        "last_failure": applicant.last_failure.isoformat() if applicant.last_failure else None,
    }


@_decoder("applicant")
def applicant_from_document(doc: Document) -> Applicant:
    """The applicant stored as *doc*."""
    return Applicant(
        id_number=doc["id_number"],
        name_ar=doc["name_ar"],
        name_en=doc["name_en"],
        password_hash=doc.get("password_hash"),
        failed_attempts=int(doc.get("failed_attempts", 0)),
        locked_until=_optional_time(doc.get("locked_until")),
        preferred_language=Language(doc.get("preferred_language", "ar")),
        last_failure=_optional_time(doc.get("last_failure")),
    )


def staff_to_document(member: StaffMember) -> Document:
    """The stored form of *member*."""
    return {"username": member.username, "display_name": member.display_name, "role": member.role}


@_decoder("staff member")
def staff_from_document(doc: Document) -> StaffMember:
    """The staff member stored as *doc*."""
    return StaffMember(doc["username"], doc["display_name"], StaffRole(doc["role"]))


def audit_to_document(entry: AuditEntry) -> Document:
    """The stored form of *entry*."""
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "details": entry.details,
    }


@_decoder("audit entry")
def audit_from_document(doc: Document) -> AuditEntry:
    """The audit entry stored as *doc*."""
    return AuditEntry(
        _time(doc["at"]), doc["actor"], doc["action"], doc["target"], doc.get("details", {})
    )


@_decoder("sign-in guard")
def sign_in_guard_from_document(doc: Document) -> tuple[int, datetime | None]:
    """The failed attempts and lock time stored as *doc* for an ID without an applicant."""
    return int(doc.get("failed_attempts", 0)), _optional_time(doc.get("locked_until"))


def stored_under(field: str, decode: Callable[[Document], object]) -> DocumentCheck:
    """A check that a document fits the model *decode* reads, and is stored under its *field*
    (a request under its number): otherwise a lookup by id finds another record."""

    def check(doc_id: str, doc: Document) -> None:
        decode(doc)
        if doc.get(field) != doc_id:
            raise DamagedDocument(
                f"A stored document is not under its own {field}.",
                f"it is stored under another {field} than its own",
            )

    return check


def fits(decode: Callable[[Document], object]) -> DocumentCheck:
    """A check that a document fits the model *decode* reads."""

    def check(_doc_id: str, doc: Document) -> None:
        decode(doc)

    return check

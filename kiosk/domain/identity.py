"""Saudi ID numbers: national ID, Iqama and border numbers; checking, classifying and masking."""

from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.digits import is_ascii_digits, normalise_digits, passes_luhn
from kiosk.errors import InvalidInput

ID_LENGTH = 10


class IdKind(StrEnum):
    """What a 10-digit number identifies, by its first digit."""

    CITIZEN = "citizen"
    RESIDENT = "resident"
    BORDER = "border"


class IdProblem(StrEnum):
    """Why a typed ID number is not valid; each has a sentence for the person."""

    EMPTY = "empty"
    NOT_DIGITS = "not_digits"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    BAD_FIRST_DIGIT = "bad_first_digit"
    CHECK_DIGIT = "check_digit"


ID_PROBLEM_TEXT: dict[IdProblem, str] = {
    IdProblem.EMPTY: "no number was entered",
    IdProblem.NOT_DIGITS: "an ID number holds digits only",
    IdProblem.TOO_SHORT: "an ID number has 10 digits; this one is shorter",
    IdProblem.TOO_LONG: "an ID number has 10 digits; this one is longer",
    IdProblem.BAD_FIRST_DIGIT: (
        "an ID number starts with 1 (citizen), 2 (resident) or 3 or 4 (border number)"
    ),
    IdProblem.CHECK_DIGIT: "the check digit does not match: the number is probably mistyped",
}

_KIND_BY_FIRST_DIGIT = {
    "1": IdKind.CITIZEN,
    "2": IdKind.RESIDENT,
    "3": IdKind.BORDER,
    "4": IdKind.BORDER,
}


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking a typed ID number: the cleaned digits and, if any, the problem."""

    typed: str
    number: str
    kind: IdKind | None
    problem: IdProblem | None

    @property
    def is_valid(self) -> bool:
        """Whether the number can be used."""
        return self.problem is None

    @property
    def reason(self) -> str:
        """The problem in plain English, or an empty string when valid."""
        return ID_PROBLEM_TEXT[self.problem] if self.problem else ""


def check_id(typed: str) -> IdCheck:
    """Clean *typed* and say whether it is a valid ID number, of which kind, or why not.

    Citizen and resident numbers carry a Luhn check digit; border numbers have no known one.
    """
    number = normalise_digits(typed)
    kind = _KIND_BY_FIRST_DIGIT.get(number[:1])

    def result(problem: IdProblem | None) -> IdCheck:
        return IdCheck(typed, number, kind, problem)

    if not number:
        return result(IdProblem.EMPTY)
    if not is_ascii_digits(number):
        return result(IdProblem.NOT_DIGITS)
    if kind is None:
        return result(IdProblem.BAD_FIRST_DIGIT)
    if len(number) < ID_LENGTH:
        return result(IdProblem.TOO_SHORT)
    if len(number) > ID_LENGTH:
        return result(IdProblem.TOO_LONG)
    if kind is not IdKind.BORDER and not passes_luhn(number):
        return result(IdProblem.CHECK_DIGIT)
    return result(None)


def parse_id(typed: str) -> str:
    """Return the normalised ID number in *typed*, or raise InvalidInput saying why not."""
    checked = check_id(typed)
    if not checked.is_valid:
        raise InvalidInput(f"Not a valid ID number: {checked.reason}.")
    return checked.number


def mask_id(number: str, visible: int = 4) -> str:
    """Show only the last *visible* digits of an ID number: ``******9010``."""
    if len(number) <= visible:
        return "*" * len(number)
    return "*" * (len(number) - visible) + number[-visible:]

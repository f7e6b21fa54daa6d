"""Tawasul request numbers: 10 digits, starting with 9, ending in a Luhn check digit.

Starting with 9 keeps them apart from IDs (1, 2), border numbers (3, 4) and establishment
numbers (7); the check digit catches a mistyped number before any lookup.
"""

import random
from enum import StrEnum

from kiosk.domain.digits import is_ascii_digits, luhn_check_digit, normalise_digits, passes_luhn
from kiosk.errors import InvalidInput

REQUEST_NUMBER_LENGTH = 10
REQUEST_NUMBER_PREFIX = "9"


class RequestNumberProblem(StrEnum):
    """Why a typed request number is not one, found in the order a person types it: the first
    digit is wrong as soon as it is typed, the length only once typing stops."""

    EMPTY = "empty"
    NOT_DIGITS = "not_digits"
    BAD_FIRST_DIGIT = "bad_first_digit"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CHECK_DIGIT = "check_digit"


REQUEST_NUMBER_PROBLEM_TEXT: dict[RequestNumberProblem, str] = {
    RequestNumberProblem.EMPTY: "no request number was entered",
    RequestNumberProblem.NOT_DIGITS: "a request number holds digits only",
    RequestNumberProblem.BAD_FIRST_DIGIT: "a request number starts with 9",
    RequestNumberProblem.TOO_SHORT: "a request number has 10 digits; this one is shorter",
    RequestNumberProblem.TOO_LONG: "a request number has 10 digits; this one is longer",
    RequestNumberProblem.CHECK_DIGIT: (
        "the check digit does not match: the number is probably mistyped"
    ),
}
"""Each problem in plain English, for staff and the CLI (the kiosk reads the catalogues)."""


def request_number_problem(typed: str) -> RequestNumberProblem | None:
    """Why *typed* (in any digit script) is not a request number; None when it is one."""
    number = normalise_digits(typed)
    if not number:
        return RequestNumberProblem.EMPTY
    if not is_ascii_digits(number):
        return RequestNumberProblem.NOT_DIGITS
    if not number.startswith(REQUEST_NUMBER_PREFIX):
        return RequestNumberProblem.BAD_FIRST_DIGIT
    if len(number) < REQUEST_NUMBER_LENGTH:
        return RequestNumberProblem.TOO_SHORT
    if len(number) > REQUEST_NUMBER_LENGTH:
        return RequestNumberProblem.TOO_LONG
    if not passes_luhn(number):
        return RequestNumberProblem.CHECK_DIGIT
    return None


def is_request_number(typed: str) -> bool:
    """Whether *typed* (in any digit script) is a well-formed request number."""
    return request_number_problem(typed) is None


def parse_request_number(typed: str) -> str:
    """Return the normalised request number in *typed*, or raise InvalidInput saying why not."""
    problem = request_number_problem(typed)
    if problem is not None:
        raise InvalidInput(f"Not a valid request number: {REQUEST_NUMBER_PROBLEM_TEXT[problem]}.")
    return normalise_digits(typed)


def make_request_number(rng: random.Random) -> str:
    """A new well-formed request number drawn from *rng* (the store makes sure it is unused)."""
    body = REQUEST_NUMBER_PREFIX + "".join(rng.choice("0123456789") for _ in range(8))
    return body + str(luhn_check_digit(body))

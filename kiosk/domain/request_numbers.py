"""Tawasul request numbers: 10 digits, starting with 9, ending in a Luhn check digit.

Starting with 9 keeps them apart from IDs (1, 2), border numbers (3, 4) and establishment
numbers (7); the check digit catches a mistyped number before any lookup.
"""

import random

from kiosk.domain.digits import is_ascii_digits, luhn_check_digit, normalise_digits, passes_luhn
from kiosk.errors import InvalidInput

REQUEST_NUMBER_LENGTH = 10
REQUEST_NUMBER_PREFIX = "9"


def request_number_problem(typed: str) -> str:
    """Why *typed* is not a request number, in plain English; empty when it is one."""
    number = normalise_digits(typed)
    if not number:
        return "no request number was entered"
    if not is_ascii_digits(number):
        return "a request number holds digits only"
    if len(number) != REQUEST_NUMBER_LENGTH:
        return f"a request number has 10 digits; this one has {len(number)}"
    if not number.startswith(REQUEST_NUMBER_PREFIX):
        return "a request number starts with 9"
    if not passes_luhn(number):
        return "the check digit does not match: the number is probably mistyped"
    return ""


def is_request_number(typed: str) -> bool:
    """Whether *typed* (in any digit script) is a well-formed request number."""
    return not request_number_problem(typed)


def parse_request_number(typed: str) -> str:
    """Return the normalised request number in *typed*, or raise InvalidInput saying why not."""
    problem = request_number_problem(typed)
    if problem:
        raise InvalidInput(f"Not a valid request number: {problem}.")
    return normalise_digits(typed)


def make_request_number(rng: random.Random) -> str:
    """A new well-formed request number drawn from *rng* (the store makes sure it is unused)."""
    body = REQUEST_NUMBER_PREFIX + "".join(rng.choice("0123456789") for _ in range(8))
    return body + str(luhn_check_digit(body))

"""Request numbers: 10 digits, a leading 9, a Luhn check digit."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.identity import check_id
from kiosk.domain.request_numbers import (
    is_request_number,
    make_request_number,
    parse_request_number,
)
from kiosk.errors import InvalidInput


def test_generated_numbers_are_valid_and_never_ids() -> None:
    rng = random.Random(1)
    for _ in range(500):
        number = make_request_number(rng)
        assert is_request_number(number)
        assert number.startswith("9") and len(number) == 10
        assert not check_id(number).is_valid


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "no request number"),
        ("90000002O9", "digits only"),
        ("900000020", "has 10 digits; this one is shorter"),
        ("90000002091", "has 10 digits; this one is longer"),
        ("2109876546", "starts with 9"),
        ("9000000208", "probably mistyped"),
    ],
)
def test_problems_are_explained(typed: str, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        parse_request_number(typed)


def test_arabic_indic_digits_are_accepted() -> None:
    assert parse_request_number("٩٠٠٠٠٠٠٢٠٩") == "9000000209"


@given(st.text(max_size=20))
def test_parser_never_raises_anything_but_invalid_input(text: str) -> None:
    try:
        number = parse_request_number(text)
    except InvalidInput:
        return
    assert is_request_number(number)


@given(st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_is_caught(position: int, shift: int) -> None:
    number = make_request_number(random.Random(position * 10 + shift))
    digit = (int(number[position]) + shift) % 10
    typo = number[:position] + str(digit) + number[position + 1 :]
    assert not is_request_number(typo)

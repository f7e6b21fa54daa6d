"""ID numbers: normalising every digit script, classifying, explaining, masking."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.digits import luhn_check_digit, normalise_digits, passes_luhn
from kiosk.domain.identity import IdKind, IdProblem, check_id, mask_id, parse_id
from kiosk.errors import InvalidInput

RESIDENT = "2109876546"
CITIZEN = "1234567897"


def to_script(number: str, zero: int) -> str:
    """*number* written with the digits of the block starting at code point *zero*."""
    return "".join(chr(zero + int(d)) for d in number)


@pytest.mark.parametrize(
    "zero", [ord("0"), 0x0660, 0x06F0, 0xFF10], ids=["ascii", "arabic", "persian", "fullwidth"]
)
def test_every_digit_script_gives_the_same_number(zero: int) -> None:
    checked = check_id(to_script(RESIDENT, zero))
    assert checked.is_valid
    assert checked.number == RESIDENT
    assert checked.kind is IdKind.RESIDENT


def test_spaces_hyphens_and_direction_marks_are_dropped() -> None:
    typed = "\u200f2109 876-546\u200e\u2066"
    assert check_id(typed).number == RESIDENT


@pytest.mark.parametrize(
    ("typed", "kind"),
    [(CITIZEN, IdKind.CITIZEN), (RESIDENT, IdKind.RESIDENT), ("3000000001", IdKind.BORDER),
     ("4123456789", IdKind.BORDER)],
)  # fmt: skip
def test_kind_comes_from_the_first_digit(typed: str, kind: IdKind) -> None:
    checked = check_id(typed)
    assert checked.is_valid, checked.reason
    assert checked.kind is kind


def test_border_numbers_have_no_check_digit() -> None:
    assert check_id("3999999999").is_valid
    assert check_id("4000000000").is_valid


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", IdProblem.EMPTY),
        ("21098x6546", IdProblem.NOT_DIGITS),
        ("210987654", IdProblem.TOO_SHORT),
        ("21098765460", IdProblem.TOO_LONG),
        ("5109876546", IdProblem.BAD_FIRST_DIGIT),
        ("2109876547", IdProblem.CHECK_DIGIT),
    ],
)
def test_each_problem_is_named_with_a_reason(typed: str, problem: IdProblem) -> None:
    checked = check_id(typed)
    assert checked.problem is problem
    assert checked.reason


def test_a_swapped_pair_of_digits_is_caught_as_a_typo() -> None:
    swapped = RESIDENT[:3] + RESIDENT[4] + RESIDENT[3] + RESIDENT[5:]
    assert check_id(swapped).problem is IdProblem.CHECK_DIGIT


def test_parse_id_raises_a_clear_message() -> None:
    with pytest.raises(InvalidInput, match="probably mistyped"):
        parse_id("2109876547")
    assert parse_id("٢١٠٩٨٧٦٥٤٦") == RESIDENT


def test_mask_shows_only_the_last_four() -> None:
    assert mask_id(RESIDENT) == "******6546"
    assert mask_id("123") == "***"


def test_luhn_matches_the_design_rule() -> None:
    # DESIGN §3: digits 1, 3, 5, 7, 9 from the left are doubled.
    digits = [int(d) for d in RESIDENT]
    total = 0
    for position, digit in enumerate(digits, start=1):
        if position % 2 == 1:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    assert total % 10 == 0
    assert passes_luhn(RESIDENT)


@given(st.text(max_size=30))
def test_check_id_never_raises_and_only_accepts_ten_ascii_digits(text: str) -> None:
    checked = check_id(text)
    if checked.is_valid:
        assert len(checked.number) == 10
        assert checked.number.isascii() and checked.number.isdigit()
        assert checked.number[0] in "1234"
    else:
        assert checked.reason


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True), st.sampled_from([0x30, 0x0660, 0x06F0]))
def test_any_number_with_its_check_digit_is_valid_in_any_script(body: str, zero: int) -> None:
    number = body + str(luhn_check_digit(body))
    assert check_id(to_script(number, zero)).number == number
    assert check_id(to_script(number, zero)).is_valid


@given(st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩ -\u200f", max_size=20))
def test_normalised_digits_are_ascii(text: str) -> None:
    cleaned = normalise_digits(text)
    assert all(c in "0123456789" for c in cleaned)

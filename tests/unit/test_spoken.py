"""How numbers are read aloud: identifiers digit by digit in groups, counts whole."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.spoken import digit_groups, speakable, spoken_text


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("9000000100", "9 0 0, 0 0 0, 0 1 0 0"),  # a lone last digit joins the group before
        ("2109876546", "2 1 0, 9 8 7, 6 5 4 6"),
        ("12345", "1 2 3, 4 5"),
        ("123456", "1 2 3, 4 5 6"),
        ("٩٠٠٠٠٠٠١٠٠", "9 0 0, 0 0 0, 0 1 0 0"),  # Arabic-Indic digits read as the same digits
    ],
)
def test_an_identifier_is_read_digit_by_digit_in_groups(number: str, said: str) -> None:
    assert digit_groups(number) == said


def test_counts_days_and_years_are_read_whole() -> None:
    assert speakable("7 working days left, 1448 AH, call 992") == (
        "7 working days left, 1448 AH, call 992"
    )
    assert speakable("Request 9000000100") == "Request 9 0 0, 0 0 0, 0 1 0 0"
    assert speakable("يتبقى ٣ أيام") == "يتبقى 3 أيام"


@given(st.text(alphabet="0123456789", min_size=5, max_size=20))
def test_every_digit_is_read_once_in_its_order(number: str) -> None:
    said = digit_groups(number)
    assert said.replace(", ", " ").split(" ") == list(number)
    assert all(2 <= len(group.split(" ")) <= 4 for group in said.split(", "))


def test_sentences_end_in_a_stop_so_the_engine_pauses() -> None:
    assert spoken_text(["Request 9000000100", "", "Accepted.", "What to do next?"]) == (
        "Request 9 0 0, 0 0 0, 0 1 0 0.\nAccepted.\nWhat to do next?"
    )

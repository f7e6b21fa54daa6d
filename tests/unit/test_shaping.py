"""Arabic shaping shared by the screens and the receipt: letters join, words stay words."""

import pytest

from kiosk.domain.languages import BidiMode
from kiosk.domain.text import display_line, shape_arabic


@pytest.mark.parametrize("word", ["عبدالله", "ريال", "محمد", "رسول"])
def test_names_are_never_replaced_by_word_ligatures(word: str) -> None:
    shaped = shape_arabic(word)
    # Word ligatures live in U+FDF0-U+FDFD (ﷲ, ﷼, ﷴ, ...): a name must keep its letters.
    assert not any("\ufdf0" <= ch <= "\ufdfd" for ch in shaped)
    assert len(shaped) == len(word)


def test_lam_alef_still_joins() -> None:
    assert shape_arabic("لا") == "\ufefb"


def test_the_kiosk_line_keeps_the_name() -> None:
    line = display_line("أهلا عبدالله", BidiMode.APP, rtl=True)
    assert "\ufdf2" not in line

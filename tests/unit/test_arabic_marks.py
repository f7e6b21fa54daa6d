"""Arabic diacritics (harakat) through the text layer: kept, each drawn on its own letter."""

import unicodedata

import pytest

from kiosk.domain.languages import BidiMode
from kiosk.domain.text import display_line
from kiosk.printing.text import Shaping, text_style

MUHAMMAD = "مُحَمَّد"  # damma on meem, fatha on hah, fatha and shadda on the second meem


def marks_by_letter(visual: str) -> list[tuple[str, str]]:
    """(letter, its marks) in the order drawn: a mark belongs to the character before it."""
    found: list[tuple[str, str]] = []
    for character in visual:
        if unicodedata.combining(character):
            assert found, "a mark before any letter is drawn on nothing"
            letter, marks = found[-1]
            found[-1] = (letter, marks + character)
        else:
            found.append((character, ""))
    return found


def test_the_terminal_line_keeps_each_mark_after_its_letter() -> None:
    visual = display_line(MUHAMMAD, BidiMode.APP, rtl=True)
    # Right to left on screen: dal, meem with fatha+shadda, hah with fatha, meem with damma.
    drawn = [
        (unicodedata.name(letter).split()[2], marks) for letter, marks in marks_by_letter(visual)
    ]
    assert drawn == [
        ("DAL", ""),
        ("MEEM", "\u064e\u0651"),
        ("HAH", "\u064e"),
        ("MEEM", "\u064f"),
    ]
    assert display_line(MUHAMMAD, BidiMode.TERMINAL, rtl=True) == MUHAMMAD


def test_the_receipt_without_raqm_keeps_the_marks_too() -> None:
    style = text_style("DejaVuSans.ttf", 20, Shaping.RESHAPER)
    visual = style.visual(MUHAMMAD, rtl=True)
    assert visual == display_line(MUHAMMAD, BidiMode.APP, rtl=True)
    assert sum(1 for ch in visual if unicodedata.combining(ch)) == 4


@pytest.mark.parametrize("text", ["جارٍ التحقق…", "فضلًا اكتب كلمة المرور."])
def test_catalogue_sentences_keep_their_tanween(text: str) -> None:
    marks = [ch for ch in text if unicodedata.combining(ch)]
    assert [
        ch for ch in display_line(text, BidiMode.APP, rtl=True) if unicodedata.combining(ch)
    ] == marks

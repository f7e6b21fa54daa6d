"""The one rule for text people type (DESIGN §3): what is kept, what is refused, what is cut."""

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.languages import BidiMode
from kiosk.domain.text import bounded, display_line, display_lines
from kiosk.domain.typed_text import (
    ELLIPSIS,
    NAME_LIMIT,
    NOTE_LIMIT,
    PARAGRAPH_LIMIT,
    clean_name,
    clean_note,
    drawn_text,
    safe_characters,
)
from kiosk.errors import InvalidInput

OSC_52 = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=\x1b\\"
CLEAR_AND_REWRITE = "\x1b[2J\x1b[HYOUR REQUEST WAS ACCEPTED"

# What may never be left: controls (C0 but the newline, DEL, C1), bidi embeddings, overrides
# and isolates, hiding zero-width characters, lone surrogates.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff\ud800-\udfff]"
)

# Text as a terminal attacker or a careless paste makes it: escapes, controls, bidi, Arabic.
_PIECES = st.sampled_from(
    [
        "\x1b",
        "\x1b[",
        "\x1b]",
        "\x1b\\",
        "\x07",
        "\x9b",
        "\x9d",
        "\x9c",
        "[2J",
        "52;c;",
        "\u202e",
        "\u2067",
        "\u2069",
        "\u200b",
        "\u200c",
        "\u200d",
        "\ufeff",
        "\r\n",
        "\t",
        "سَلَامٌ",
        "e\u0301",
        "😀",
    ]
)
TYPED = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=24).map("".join)


@given(TYPED)
def test_cleaning_is_idempotent_and_leaves_nothing_forbidden(text: str) -> None:
    cleaned = safe_characters(text)
    assert safe_characters(cleaned) == cleaned
    assert not FORBIDDEN.search(cleaned)
    assert unicodedata.is_normalized("NFC", cleaned)


@given(TYPED, st.integers(min_value=1, max_value=40))
def test_drawn_text_is_safe_bounded_and_stable(text: str, limit: int) -> None:
    shown = drawn_text(text, limit)
    assert len(shown) <= limit
    assert not FORBIDDEN.search(shown)
    assert drawn_text(shown, limit) == shown


@given(TYPED)
def test_the_text_layer_never_hands_a_terminal_a_control(text: str) -> None:
    for bidi in BidiMode:
        for line in display_lines(text, 20, bidi, rtl=True):
            assert not re.search("[\x00-\x1f\x7f-\x9f]", line)


def test_whole_escape_sequences_go_not_just_their_escape_byte() -> None:
    assert safe_characters(OSC_52) == ""
    assert safe_characters(CLEAR_AND_REWRITE) == "YOUR REQUEST WAS ACCEPTED"
    assert safe_characters("a\x9b31mred\x1b[0m b") == "ared b"  # C1 CSI, then 7-bit SGR
    link = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    assert safe_characters(link) == "click"
    assert safe_characters("unterminated \x1b]52;c;Y3Vy") == "unterminated "


def test_arabic_with_diacritics_and_joiners_is_kept() -> None:
    # Harakat, shadda, and a ZWNJ inside a Persian word; a ZWJ between Arabic letters.
    for text in ("مُحَمَّد", "می\u200cخواهم", "ع\u200dلي", "Gesch\u00e4ft"):
        assert safe_characters(text) == text


def test_hidden_and_reordering_characters_go() -> None:
    assert safe_characters("ad\u200bmin") == "admin"
    assert safe_characters("\u202etxt.exe") == "txt.exe"
    assert safe_characters("\u2067عربي\u2069") == "عربي"
    assert safe_characters("\u200dlead and trail\u200c") == "lead and trail"
    assert safe_characters("one\r\ntwo\rthree\ttab") == "one\ntwo\nthree tab"
    assert safe_characters("e\u0301") == "\u00e9"


def test_over_long_text_is_refused_with_its_length_not_cut() -> None:
    assert clean_note("x" * NOTE_LIMIT) == "x" * NOTE_LIMIT
    with pytest.raises(InvalidInput, match=f"501 characters long; keep it to {NOTE_LIMIT}"):
        clean_note("x" * (NOTE_LIMIT + 1), "The note")
    with pytest.raises(InvalidInput, match=f"The name is 81 .* {NAME_LIMIT} or fewer"):
        clean_name("y" * (NAME_LIMIT + 1))
    # The limit counts what is kept: escapes do not use it up.
    assert clean_note(OSC_52 * 100 + "ok") == "ok"
    assert clean_name("  Fatima \n  Al-Harbi ") == "Fatima Al-Harbi"


def test_huge_stored_text_is_cut_with_an_ellipsis_quickly() -> None:
    huge = "word " * 1_000_000
    shown = drawn_text(huge)
    assert len(shown) == NOTE_LIMIT and shown.endswith(ELLIPSIS)
    paragraph = bounded(huge)
    assert len(paragraph) == PARAGRAPH_LIMIT and paragraph.endswith(ELLIPSIS)
    assert len(display_lines(huge, 70, BidiMode.APP, rtl=False)) < PARAGRAPH_LIMIT // 60


def test_the_text_layer_keeps_its_own_isolates_and_drops_escapes() -> None:
    # The program wraps a masked ID in an isolate for a bidi terminal: that must pass.
    line = "رقم \u2066******6546\u2069 \x1b[2J"
    assert display_lines(line, 40, BidiMode.TERMINAL, rtl=True) == ["رقم \u2066******6546\u2069"]


@pytest.mark.parametrize("text", ["a\u200dلا", "52;c;\u200d0000سَلَامٌ", "\u200dلا"])
def test_a_joiner_before_lam_alef_is_drawn_not_raised(text: str) -> None:
    """arabic-reshaper raises IndexError on these (a joiner before a ligature); the text layer
    draws the letters without the joiner instead of stopping the screen or the receipt."""
    line = display_line(text, BidiMode.APP, rtl=True)
    assert "\u200d" not in line
    assert "ﻻ" in line or "ﻼ" in line  # the lam-alef ligature, joined

"""The one text layer of DESIGN §6: how a piece of text becomes terminal lines.

With ``bidi = "app"`` the program does what the terminal cannot: it wraps the logical text
first, then shapes (arabic-reshaper) and reorders (python-bidi's legacy algorithm, which
mirrors brackets) each display line on its own. With ``bidi = "terminal"`` the terminal
shapes and reorders, so the text is handed over in logical order, only wrapped.
"""

import re
import textwrap
import unicodedata

import arabic_reshaper
from bidi.algorithm import get_display

# Re-exported: the text layer's callers name the setting where they name the functions.
from kiosk.domain.languages import BidiMode as BidiMode
from kiosk.domain.languages import mirrors_layout as mirrors_layout
from kiosk.domain.typed_text import ELLIPSIS, PARAGRAPH_LIMIT, strip_terminal_controls

REPLACEMENT_CHARACTER = "\ufffd"
"""What stands for a character that cannot be drawn (U+FFFD, which DejaVu Sans has)."""

# Arabic letters and the presentation forms; a line holding one needs shaping and reordering.
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
# The legacy algorithm raises on directional isolates (U+2066-U+2069) but honours the older
# embeddings, which do the same job inside one line: so isolates become embeddings first.
_ISOLATES_AS_EMBEDDINGS = str.maketrans(
    {"\u2066": "\u202a", "\u2067": "\u202b", "\u2068": None, "\u2069": "\u202c"}
)
# Marks and embeddings left in the reordered line would be drawn as stray cells.
_DIRECTION_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")

# Letter ligatures (lam-alef) are how Arabic is written; word ligatures are not: the default
# reshaper turns the name عبدالله into the single sign ﷲ and a price's ريال into ﷼. Its default
# also deletes the harakat (fatha, damma, shadda…), which change what a word says: keep them.
_RESHAPER = arabic_reshaper.ArabicReshaper(
    configuration={
        "delete_harakat": False,
        **{
            name: False
            for name, _ in (
                *arabic_reshaper.ligatures.WORDS_LIGATURES,
                *arabic_reshaper.ligatures.SENTENCES_LIGATURES,
            )
        },
    }
)
# Reversing a right-to-left run puts each Arabic mark before its letter; a terminal cell (and
# Pillow's basic layout) draws a combining mark on the character before it, so move them back.
_MARKS_BEFORE_LETTER = re.compile(
    "([\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8"
    "\u06ea-\u06ed\u08d3-\u08ff]+)"
    "([\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9"
    "\ufb50-\ufdff\ufe70-\ufefc])"
)


def _letter_first(found: re.Match[str]) -> str:
    # The reversal turned the marks around too: give them back their logical order.
    return found[2] + found[1][::-1]


# arabic-reshaper 3.0 loses count of its letters when a zero-width joiner stands before a
# lam-alef ligature ("a\u200dلا" raises IndexError). Such text is shaped without its joiners,
# which a terminal cell cannot show anyway; were it still refused, the letters are left unjoined.
_ZWJ = "\u200d"


def shape_arabic(text: str) -> str:
    """*text* with Arabic letters in their joined presentation forms (logical order kept)."""
    for attempt in (text, text.replace(_ZWJ, "")):
        try:
            shaped: str = _RESHAPER.reshape(attempt)
        except IndexError:
            continue
        return shaped
    return text


def visual_order(text: str, rtl: bool) -> str:
    """One line shaped and reordered for a device that draws characters in the order given
    (a terminal, Pillow's basic layout), marks after their letters, with no direction controls.
    """
    # The legacy algorithm fails on a character without a bidi class (one Unicode assigned
    # after this Python's tables): it is drawn as the replacement mark instead.
    logical = "".join(
        ch if unicodedata.bidirectional(ch) else REPLACEMENT_CHARACTER
        for ch in text.translate(_ISOLATES_AS_EMBEDDINGS)
    )
    visual: str = get_display(shape_arabic(logical), base_dir="R" if rtl else "L")
    return _DIRECTION_CONTROLS.sub("", _MARKS_BEFORE_LETTER.sub(_letter_first, visual))


LEFT_TO_RIGHT = "\u2066{}\u2069"
"""An isolate that keeps a number, code or masked ID in its own order inside an Arabic line."""


def has_rtl(text: str) -> bool:
    """Whether *text* holds any right-to-left letter."""
    return _RTL_LETTER.search(text) is not None


def display_line(line: str, bidi: BidiMode, rtl: bool) -> str:
    """One line, ready for the terminal; *rtl* says the line's base direction is right to left.

    The line must already fit: wrapping after reordering would put a paragraph's lines
    upside down. Nothing a terminal would obey reaches it, in either mode.
    """
    line = bounded(line)
    if bidi != BidiMode.APP:
        return line
    if not has_rtl(line):
        return _DIRECTION_CONTROLS.sub("", line)
    return visual_order(line, rtl)


def bounded(text: str) -> str:
    """Any *text* about to be drawn (a sentence with stored text in it) made harmless: no escape
    sequence or control character, at most PARAGRAPH_LIMIT characters ("…" ends a cut one).

    The net under every screen and the receipt; the program's own direction isolates pass.
    """
    if len(text) > PARAGRAPH_LIMIT:
        text = text[: PARAGRAPH_LIMIT - 1] + ELLIPSIS
    return strip_terminal_controls(text)


def left_to_right(text: str) -> str:
    """*text* kept left to right wherever it is placed (a masked ID: ``******6546``)."""
    return LEFT_TO_RIGHT.format(text)


def display_lines(text: str, width: int, bidi: BidiMode, rtl: bool) -> list[str]:
    """*text* wrapped to *width* cells in logical order, then each line made ready to show.

    Line breaks in *text* start new paragraphs; an empty paragraph stays an empty line.
    """
    lines: list[str] = []
    for paragraph in bounded(text).split("\n"):
        wrapped = textwrap.wrap(paragraph, max(width, 1), break_on_hyphens=False) or [""]
        lines.extend(display_line(line, bidi, rtl) for line in wrapped)
    return lines

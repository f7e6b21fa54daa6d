"""Text people type (notes, required actions, names, the banner): the one rule of what is kept.

Typed text ends on terminals and on paper. A terminal obeys what it is sent: an escape sequence
can set its clipboard (OSC 52), clear and rewrite the screen (CSI 2J, CSI H) or hide a link
(OSC 8); the C1 control 0x9B is a CSI on its own; a bidi override reorders the text around it;
a zero-width space hides inside a word. So typed text is cleaned once, before it is stored
(:func:`clean_text`, which refuses what is too long), and stored text is cleaned again, and cut,
before it is drawn (:func:`drawn_text`): a data file may be old or edited by hand.
"""

import re
import unicodedata

from kiosk.errors import InvalidInput

NOTE_LIMIT = 500
"""The longest note, required action or internal note, in characters."""

NAME_LIMIT = 80
"""The longest name (a staff member's, the ``--by`` of a change), in characters."""

ANSWER_LIMIT = 200
"""The longest text a resident adds to their answer to a returned request, in characters: a
few words for staff, typed at a kiosk."""

BANNER_LIMIT = 160
"""The longest welcome banner, in characters: it must fit one line of the kiosk screen."""

PARAGRAPH_LIMIT = 2_000
"""The most the text layer draws of one paragraph: the longest catalogue sentence (under 500
characters) around the longest note, with room to spare, and never a screen frozen by a file."""

ELLIPSIS = "…"
"""What ends text that was cut to its limit."""

# ECMA-48 sequences, removed whole so that no "[2J" or "52;c;…" is left behind. A string
# command (OSC, DCS, SOS, PM, APC) runs to its terminator (ST, BEL, or CAN/SUB, which abort it)
# or, unterminated, to the end: a terminal would swallow all of that too.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|[\x18\x1a]|\Z)
  | (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?
  | \x1b [\x20-\x2f]* [\x30-\x7e]?
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls but the newline, DEL and C1; lone surrogates (undecodable bytes in argv).
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), and the zero-width
# characters that only hide things: ZWSP, word joiner and invisible operators, BOM, Mongolian VS.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff\u180e]")
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")
_JOINERS = "\u200c\u200d"


def strip_terminal_controls(text: str) -> str:
    """*text* without escape sequences and control characters (newlines kept).

    What no terminal may be sent; the text layer applies it to everything it draws, the
    catalogue's sentences too (they hold the program's own direction isolates, which it keeps).
    """
    text = _LINE_BREAK.sub("\n", text).replace("\t", " ")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def _is_word_character(character: str) -> bool:
    return unicodedata.category(character)[0] in "LMN"


def _drop_stray_joiners(text: str) -> str:
    """ZWJ and ZWNJ kept only between two letters (where they shape Arabic, Persian, Indic)."""
    if not any(joiner in text for joiner in _JOINERS):
        return text
    kept = []
    last = len(text) - 1
    for index, character in enumerate(text):
        if character in _JOINERS and not (
            0 < index < last
            and _is_word_character(text[index - 1])
            and _is_word_character(text[index + 1])
        ):
            continue
        kept.append(character)
    return "".join(kept)


def safe_characters(text: str) -> str:
    """*text* with nothing a terminal obeys or hides: the cleaning of typed and stored text.

    Removes escape sequences whole, C0 controls but the newline, C1 controls, bidi embeddings,
    overrides and isolates, zero-width characters other than ZWJ/ZWNJ inside words; NFC.
    """
    text = _INVISIBLE.sub("", strip_terminal_controls(text))
    return unicodedata.normalize("NFC", _drop_stray_joiners(text))


def clean_text(text: str, limit: int, what: str, *, one_line: bool = False) -> str:
    """Typed *text* as it may be stored; InvalidInput naming *what* when it is over *limit*.

    Spaces at either end are dropped; *one_line* text (a name, the banner) also has its runs
    of spaces and line breaks made one space. Over-long text is refused, never silently cut.
    """
    cleaned = safe_characters(text)
    cleaned = " ".join(cleaned.split()) if one_line else cleaned.strip()
    if len(cleaned) > limit:
        raise InvalidInput(
            f"{what} is {len(cleaned):,} characters long; keep it to {limit} or fewer."
        )
    return cleaned


def drawn_text(text: str, limit: int = NOTE_LIMIT) -> str:
    """Stored *text* made safe to draw: cleaned as typed text is, and cut to *limit* with "…".

    The one path stored text takes to a screen or the receipt, so a data file written by an
    older version or by hand is harmless and bounded. Fast on huge text: it is cut first.
    """
    # Cleaning only removes characters, so this much of the stored text is enough to fill
    # *limit* unless it is mostly escapes, and then a cut is what it deserves.
    room = 4 * limit + 64
    cut = len(text) > room
    cleaned = safe_characters(text[:room] if cut else text)
    if cut or len(cleaned) > limit:
        # A joiner left at the cut would stand before "…", outside a word.
        return _drop_stray_joiners(cleaned[: max(limit - 1, 0)].rstrip() + ELLIPSIS)
    return cleaned


def clean_note(text: str, what: str = "The note") -> str:
    """A typed note, required action or internal note as it may be stored (NOTE_LIMIT)."""
    return clean_text(text, NOTE_LIMIT, what)


def clean_answer(text: str, what: str = "The answer's text") -> str:
    """The text a resident adds to an answer as it may be stored: ANSWER_LIMIT characters."""
    return clean_text(text, ANSWER_LIMIT, what)


def clean_name(text: str, what: str = "The name") -> str:
    """A typed name (a staff member's, who makes a change) as it may be stored: one line,
    NAME_LIMIT characters."""
    return clean_text(text, NAME_LIMIT, what, one_line=True)

"""Which languages the kiosk speaks, which of them are written right to left, and who reorders
right-to-left text: the one definition every screen, receipt and command reads.

A new language is one more ``Language`` member (and its catalogue); its direction is said here,
once, never by comparing language codes.
"""

from dataclasses import dataclass
from enum import StrEnum


class Language(StrEnum):
    """The languages the kiosk speaks; the value is the catalogue's folder name."""

    ARABIC = "ar"
    ENGLISH = "en"

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self in RIGHT_TO_LEFT

    @property
    def digits(self) -> str:
        """The CLDR numbering system of the digits in this language's dates and counts."""
        return DATE_DIGITS[self]


RIGHT_TO_LEFT: frozenset[Language] = frozenset({Language.ARABIC})
"""The languages written right to left (Urdu joins them with the next issue's languages)."""

DATE_DIGITS: dict[Language, str] = {
    # Western, like the request and ID numbers beside them on every screen and receipt, so
    # that no text mixes two digit systems (CLDR's own ar-SA default is Arabic-Indic, "arab").
    Language.ARABIC: "latn",
    Language.ENGLISH: "latn",
}
"""The digits each language's dates and counts are written in, decided per language (the
README's "Languages" section says why). Request and ID numbers are Western everywhere."""


class BidiMode(StrEnum):
    """Who reorders right-to-left text: the program (``app``) or the terminal."""

    APP = "app"
    TERMINAL = "terminal"


@dataclass(frozen=True)
class TextSetting:
    """How one person's text is shown: their language, and who reorders right-to-left text."""

    language: Language
    bidi: BidiMode

    @property
    def rtl(self) -> bool:
        """Whether the person reads right to left."""
        return self.language.rtl

    @property
    def mirrored(self) -> bool:
        """Whether the program lays the screen out right to left (right-aligned, buttons
        reversed); a bidi terminal mirrors every row by itself, so then the program must not."""
        return mirrors_layout(self.bidi, self.rtl)


def mirrors_layout(bidi: BidiMode, rtl: bool) -> bool:
    """Whether the program lays a right-to-left text out mirrored under the setting *bidi*."""
    return rtl and bidi == BidiMode.APP

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
    BENGALI = "bn"
    URDU = "ur"
    HINDI = "hi"
    MALAYALAM = "ml"
    FILIPINO = "fil"
    INDONESIAN = "id"

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self in RIGHT_TO_LEFT

    @property
    def on_screen(self) -> bool:
        """Whether the kiosk can show this language as terminal text today (ON_SCREEN)."""
        return self in ON_SCREEN

    @property
    def digits(self) -> str:
        """The CLDR numbering system of the digits in this language's dates and counts."""
        return DATE_DIGITS[self]


RIGHT_TO_LEFT: frozenset[Language] = frozenset({Language.ARABIC, Language.URDU})
"""The languages written right to left: both go through the one Arabic-script text layer."""

ON_SCREEN: tuple[Language, ...] = (
    Language.ARABIC,
    Language.ENGLISH,
    Language.URDU,
    Language.FILIPINO,
    Language.INDONESIAN,
)
"""The languages every terminal draws as plain text, in Welcome's order: Arabic script (shaped
by the text layer) and Latin. Bengali, Hindi and Malayalam are left out: no terminal shapes
their vowel signs and conjuncts, so they wait for text drawn as Sixel images; until then no
screen offers them and the configuration and ``--lang`` refuse them."""

DATE_DIGITS: dict[Language, str] = {
    # Western, like the request and ID numbers beside them on every screen and receipt, so
    # that no text mixes two digit systems (CLDR's own ar-SA default is Arabic-Indic, "arab").
    Language.ARABIC: "latn",
    Language.ENGLISH: "latn",
    # Pakistan writes dates in Western digits (CLDR's ur default too; only ur-IN is "arabext").
    Language.URDU: "latn",
    # Bengali text often uses Bengali digits (CLDR's bn default, "beng"), but the Iqama, the
    # passport and Absher's messages a Bangladeshi resident holds are in Western digits, and the
    # request number beside the date is too: Western, like every other language here.
    Language.BENGALI: "latn",
    # Indian dates are written in Western digits (CLDR's hi and ml default, "latn").
    Language.HINDI: "latn",
    Language.MALAYALAM: "latn",
    Language.FILIPINO: "latn",
    Language.INDONESIAN: "latn",
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


def on_screen_language(code: str) -> Language:
    """The language whose code is *code*, if the kiosk can show it; else ValueError with the
    sentence the configuration check and ``--lang`` show (the one place that says why)."""
    shown = ", ".join(language.value for language in ON_SCREEN)
    try:
        language = Language(code)
    except ValueError:
        raise ValueError(f"{code!r} is not a language of the kiosk: choose {shown}.") from None
    if language not in ON_SCREEN:
        raise ValueError(
            f"{code!r} cannot be shown yet: its script needs text drawn as images, which this "
            f"kiosk does not do yet; choose {shown}."
        )
    return language

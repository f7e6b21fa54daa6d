"""The translation catalogues: every sentence the kiosk shows, in each shipped language, and the
dates and counts inside them (the domain keeps the codes and the numbers).

The catalogues are gettext ``.po`` files in ``data/locale/<lang>/LC_MESSAGES/kiosk.po``, compiled
to ``.mo`` at build or install time (``hatch_build.py``) and read with the standard library's
``gettext``: one ``.mo`` load costs well under a millisecond on the first screen. A message with
a number is a plural entry, chosen by ``ngettext`` with the catalogue's ``Plural-Forms`` (CLDR's
rule for its language: Arabic has six forms, a test holds each header to CLDR's rule). Message
ids are stable keys (``signin.title``) rather than English sentences, so English is a
translation like Arabic and a missing one is caught the same way.

Month names and number formats come from CLDR through Babel, the Umm al-Qura (Hijri) month
names from CLDR's islamic calendar (``data/cldr/islamic_months.json``, written by ``python
hatch_build.py hijri-months`` from Unicode's release): neither is a table of ours. Babel is
imported only when a date or a count is first written, not for Welcome, which shows neither.
"""

import gettext
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from kiosk.domain.calendar import to_hijri
from kiosk.domain.languages import Language
from kiosk.domain.statuses import RequestStatus
from kiosk.resources import data_dir

LANGUAGES = tuple(Language)
"""The languages the kiosk ships; each has a catalogue."""

STAFF_LANGUAGE = Language.ENGLISH
"""The language of the staff console's and the commands' own words (their catalogue)."""

DOMAIN = "kiosk"
"""The gettext domain of the kiosk's catalogues."""


@cache
def hijri_month_names() -> dict[str, list[str]]:
    """The twelve Umm al-Qura month names of each language, from Muharram on, as CLDR writes
    them (Saudi usage in Arabic: ربيع الآخر, جمادى الآخرة)."""
    data = json.loads((data_dir() / "cldr" / "islamic_months.json").read_text(encoding="utf-8"))
    months: dict[str, list[str]] = data["months"]
    return months


@cache
def language_name(language: Language) -> str:
    """*language*'s name in itself, as CLDR writes it (العربية, اردو, Filipino): read from
    ``data/cldr/language_names.json`` (``python hatch_build.py language-names`` writes it from
    Babel), so Welcome, which shows every name, does not import Babel."""
    path = data_dir() / "cldr" / "language_names.json"
    names: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["names"]
    return names[language]


def catalogue_path(language: Language, root: Path | None = None) -> Path:
    """Where the ``.po`` file of *language* lives (its compiled ``.mo`` is beside it)."""
    return (root or data_dir() / "locale") / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled_path(language: Language, root: Path | None = None) -> Path:
    """Where the compiled ``.mo`` of *language* lives."""
    return catalogue_path(language, root).with_suffix(".mo")


class CatalogueNotCompiled(RuntimeError):
    """A catalogue has no ``.mo``: the checkout was not installed (``pip install -e .``)."""


@dataclass(frozen=True)
class Translations:
    """One language's messages; a missing key shows itself rather than failing the kiosk."""

    language: Language
    catalogue: gettext.NullTranslations

    def __call__(self, key: str, **values: object) -> str:
        """The message *key*, with ``{name}`` fields filled from *values*."""
        text = self.catalogue.gettext(key)
        return text.format(**values) if values else text

    def plural(self, key: str, count: int, **values: object) -> str:
        """The plural entry *key* in the form its language uses for *count* (CLDR's rule), with
        ``{count}`` written as the language writes numbers and the other fields from *values*.

        A form may leave ``{count}`` out where the word says it (Arabic ثانية واحدة, ثانيتين).
        """
        text = self.catalogue.ngettext(key, key, count)
        return text.format(count=self.number(count), **values)

    def number(self, value: int) -> str:
        """*value* as a count in this language (CLDR's grouping, the language's digits)."""
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.language, numbering_system=self.language.digits)

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.language.rtl

    def status_label(self, status: RequestStatus) -> str:
        """The label of *status* a resident reads (the Arabic one is Absher's)."""
        return self(f"status.{status.value}.label")

    def staff_status_label(self, status: RequestStatus) -> str:
        """The label of *status* staff read: the office's view ("Returned to the applicant",
        where the resident reads "Returned to you: action needed")."""
        return self(f"status.{status.value}.staff")

    def gregorian(self, day: date) -> str:
        """``25 November 2026`` or ``25 نوفمبر 2026 م``: CLDR's month name in the catalogue's
        order of day, month and year."""
        from babel.dates import get_month_names

        month = get_month_names("wide", "format", locale=self.language)[day.month]
        return self(
            "date.gregorian", day=self._digits(day.day), month=month, year=self._digits(day.year)
        )

    def hijri(self, day: date) -> str:
        """The Umm al-Qura date of *day*: ``15 جمادى الآخرة 1448 هـ``, ``15 Jumada al-Akhirah 1448
        AH`` (InvalidInput outside 1343–1500 AH); the month's name is CLDR's."""
        hijri = to_hijri(day)
        month = hijri_month_names()[self.language][hijri.month - 1]
        return self(
            "date.hijri", day=self._digits(hijri.day), month=month, year=self._digits(hijri.year)
        )

    def both_dates(self, day: date) -> str:
        """The Hijri date beside the Gregorian one, as DESIGN §3 shows them."""
        return self("date.both", hijri=self.hijri(day), gregorian=self.gregorian(day))

    def _digits(self, value: int) -> str:
        # A day or a year: the language's digits, never grouped (2026, not 2,026).
        from babel.numbers import format_decimal

        return format_decimal(
            value, format="0", locale=self.language, numbering_system=self.language.digits
        )


def load_translations(language: Language, root: Path | None = None) -> Translations:
    """The compiled catalogue of *language* under *root* (the shipped ones by default)."""
    path = compiled_path(language, root)
    try:
        with path.open("rb") as compiled:
            catalogue = gettext.GNUTranslations(compiled)
    except FileNotFoundError:
        raise CatalogueNotCompiled(
            f"{path} is missing: install the kiosk (pip install -e . in a checkout), which "
            "compiles the catalogues"
        ) from None
    return Translations(Language(language), catalogue)


@cache
def translations(language: Language) -> Translations:
    """The shipped catalogue of *language*, read once."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for {language!r}")
    return load_translations(Language(language))


def staff_words() -> Translations:
    """The catalogue the staff console and the commands read their shared sentences from."""
    return translations(STAFF_LANGUAGE)


def staff_label(status: RequestStatus) -> str:
    """The label of *status* the staff console and the commands show."""
    return staff_words().staff_status_label(status)


def staff_label_with_arabic(status: RequestStatus) -> str:
    """The staff label of *status* with the Arabic one beside it (``Accepted — مقبول``), where
    staff pick or read a status they may tell a resident about."""
    return f"{staff_label(status)} — {translations(Language.ARABIC).staff_status_label(status)}"

"""The translation catalogues: every string the kiosk shows, in Arabic and English: sentences,
status labels and the names of months alike (the domain keeps the codes and the numbers).

The catalogues are gettext ``.po`` files in ``data/locale/<lang>/LC_MESSAGES/kiosk.po``, written
with Babel (``pybabel``) and read here by a small reader of the subset they use: no plural
forms, no contexts. Parsing them with Babel cost the kiosk's first screen ~20 ms. Message ids
are stable keys (``signin.title``) rather than English sentences, so English is a translation
like Arabic and a missing one is caught the same way.
"""

import re
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


def catalogue_path(language: Language, root: Path | None = None) -> Path:
    """Where the ``.po`` file of *language* lives."""
    return (root or data_dir() / "locale") / language / "LC_MESSAGES" / f"{DOMAIN}.po"


# A quoted PO string, and the backslash escapes it may hold.
_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def read_catalogue(path: Path) -> dict[str, str]:
    """The message id → translation pairs of the ``.po`` file at *path* (empty ones included).

    Comments (obsolete ``#~`` entries too) are skipped and the header (empty id) left out;
    ValueError names the line of anything else this reader does not know.
    """
    messages: dict[str, str] = {}
    fields: dict[str, list[str]] = {}
    current = ""

    def keep() -> None:
        msgid = "".join(fields.get("msgid", []))
        if msgid:
            messages[msgid] = "".join(fields.get("msgstr", []))

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgid", "msgstr"):
            if keyword == "msgid":
                keep()
                fields = {}
            current, line = keyword, rest.strip()
        quoted = _QUOTED.match(line)
        if quoted is None or not current:
            raise ValueError(f"{path}:{number}: not understood: {raw!r}")
        text = _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(0)), quoted.group(1))
        fields.setdefault(current, []).append(text)
    keep()
    return messages


@dataclass(frozen=True)
class Translations:
    """One language's messages; a missing key shows itself rather than failing the kiosk."""

    language: Language
    messages: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        """The message *key*, with ``{name}`` fields filled from *values*."""
        text = self.messages.get(key) or key
        return text.format(**values) if values else text

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
        """``25 November 2026`` or ``25 نوفمبر 2026 م``."""
        month = self(f"month.gregorian.{day.month}")
        return self("date.gregorian", day=day.day, month=month, year=day.year)

    def hijri(self, day: date) -> str:
        """The Umm al-Qura date of *day*: ``15 جمادى الآخرة 1448 هـ``, ``15 Jumada al-Akhirah 1448
        AH`` (InvalidInput outside 1343–1500 AH)."""
        hijri = to_hijri(day)
        month = self(f"month.hijri.{hijri.month}")
        return self("date.hijri", day=hijri.day, month=month, year=hijri.year)

    def both_dates(self, day: date) -> str:
        """The Hijri date beside the Gregorian one, as DESIGN §3 shows them."""
        return self("date.both", hijri=self.hijri(day), gregorian=self.gregorian(day))


@cache
def translations(language: Language) -> Translations:
    """The shipped catalogue of *language*, read once."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for {language!r}")
    return Translations(Language(language), read_catalogue(catalogue_path(language)))


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

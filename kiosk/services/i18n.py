"""The translation catalogues: every string the kiosk shows, in Arabic and English.

The catalogues are gettext ``.po`` files in ``data/locale/<lang>/LC_MESSAGES/kiosk.po``, written
with Babel (``pybabel``) and read here by a small reader of the subset they use: no plural
forms, no contexts. Parsing them with Babel cost the kiosk's first screen ~20 ms. Message ids
are stable keys (``signin.title``) rather than English sentences, so English is a translation
like Arabic and a missing one is caught the same way.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.resources import data_dir

LANGUAGES = ("ar", "en")
"""The languages the kiosk ships; each has a catalogue."""

DOMAIN = "kiosk"
"""The gettext domain of the kiosk's catalogues."""


def catalogue_path(language: str, root: Path | None = None) -> Path:
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

    language: str
    messages: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        """The message *key*, with ``{name}`` fields filled from *values*."""
        text = self.messages.get(key) or key
        return text.format(**values) if values else text

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.language == "ar"


@cache
def translations(language: str) -> Translations:
    """The shipped catalogue of *language* (``ar`` or ``en``), read once."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for {language!r}")
    return Translations(language, read_catalogue(catalogue_path(language)))

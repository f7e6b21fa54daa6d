"""The translation catalogues: every string the kiosk shows, in Arabic and English.

The catalogues are gettext ``.po`` files in ``data/locale/<lang>/LC_MESSAGES/kiosk.po``, read
with Babel. Message ids are stable keys (``signin.title``) rather than English sentences, so
English is a translation like Arabic and a missing one is caught the same way.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from kiosk.resources import data_dir

LANGUAGES = ("ar", "en")
"""The languages the kiosk ships; each has a catalogue."""

DOMAIN = "kiosk"
"""The gettext domain of the kiosk's catalogues."""


def catalogue_path(language: str, root: Path | None = None) -> Path:
    """Where the ``.po`` file of *language* lives."""
    return (root or data_dir() / "locale") / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> dict[str, str]:
    """The message id → translation pairs of the ``.po`` file at *path* (empty ones included)."""
    with path.open("rb") as handle:
        parsed = read_po(handle)
    return {
        str(message.id): str(message.string or "")
        for message in parsed
        if message.id and isinstance(message.id, str)
    }


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

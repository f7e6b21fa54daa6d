"""Argument types shared by the ``tawasul`` subcommands."""

import argparse
import os
from pathlib import Path

from kiosk.config import default_db_path
from kiosk.domain.languages import ON_SCREEN, Language, on_screen_language
from kiosk.store.postgres.location import OfficeDatabase, is_database_url

DataLocation = Path | OfficeDatabase
"""Where an office's data is: a TinyDB-format data file, or an office in a PostgreSQL database."""


def path_argument(text: str) -> Path:
    """*text* as a path; argparse's usage error (exit 2) for a path no file can have.

    Without this check the NUL byte reaches the first ``os.stat`` as a ValueError, a crash.
    """
    if "\0" in text:
        raise argparse.ArgumentTypeError("a path cannot hold a NUL character")
    return Path(text)


def db_argument(text: str) -> Path | str:
    """``--db``: a data file's path, or a ``postgresql://`` URL kept as typed; data_location()
    reads the URL, so a wrong one (a password in it, no office) is refused in one sentence."""
    return text if is_database_url(text) else path_argument(text)


def data_location(given: Path | str | None) -> DataLocation:
    """The location ``--db`` gave, else ``$TAWASUL_DB`` (a URL or a path), else the state
    folder's data file; InvalidInput for a URL that carries a password or names no office."""
    if isinstance(given, Path):
        return given
    explicit = given or os.environ.get("TAWASUL_DB", "")
    return OfficeDatabase.parse(explicit) if is_database_url(explicit) else default_db_path()


LANGUAGE_CODES = tuple(language.value for language in ON_SCREEN)
"""The codes ``--lang`` accepts: the languages the kiosk shows, as the configuration writes them."""


def language_argument(text: str) -> Language:
    """*text* as a language the kiosk shows; argparse's usage error (exit 2) with the sentence
    that says why otherwise (a language whose script the kiosk cannot draw yet, say)."""
    try:
        return on_screen_language(text)
    except ValueError as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None

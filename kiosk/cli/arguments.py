"""Argument types shared by the ``tawasul`` subcommands."""

import argparse
from pathlib import Path

from kiosk.domain.languages import Language


def path_argument(text: str) -> Path:
    """*text* as a path; argparse's usage error (exit 2) for a path no file can have.

    Without this check the NUL byte reaches the first ``os.stat`` as a ValueError, a crash.
    """
    if "\0" in text:
        raise argparse.ArgumentTypeError("a path cannot hold a NUL character")
    return Path(text)


LANGUAGE_CODES = tuple(language.value for language in Language)
"""The codes ``--lang`` accepts: the kiosk's languages, as the configuration writes them."""

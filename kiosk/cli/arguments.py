"""Argument types shared by the ``tawasul`` subcommands."""

import argparse
from pathlib import Path


def path_argument(text: str) -> Path:
    """*text* as a path; argparse's usage error (exit 2) for a path no file can have.

    Without this check the NUL byte reaches the first ``os.stat`` as a ValueError, a crash.
    """
    if "\0" in text:
        raise argparse.ArgumentTypeError("a path cannot hold a NUL character")
    return Path(text)

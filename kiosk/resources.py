"""Files shipped in data/: found beside the package when installed, in the checkout otherwise."""

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.domain.calendar import PublicHolidays
    from kiosk.domain.request_types import RequestTypeCatalogue

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The folder of shipped data: ``kiosk/_data`` in a wheel, the checkout's ``data/`` else."""
    installed = _PACKAGE / "_data"
    return installed if installed.is_dir() else _PACKAGE.parent / "data"


def data_file(name: str) -> Path:
    """The shipped data file *name*."""
    return data_dir() / name


@cache
def request_types() -> "RequestTypeCatalogue":
    """The request-type catalogue from ``data/request_types.json``."""
    from kiosk.domain.request_types import RequestTypeCatalogue

    return RequestTypeCatalogue.from_json(data_file("request_types.json").read_text("utf-8"))


SAUDI_HOLIDAYS = "holidays/saudi_arabia.json"
"""The Saudi public holidays of a range of years (``python hatch_build.py saudi-holidays``)."""


@cache
def saudi_public_holidays() -> "PublicHolidays":
    """The Saudi public holidays from ``data/holidays/saudi_arabia.json``: the holidays package's
    answers for the years it covers, read without importing the package (issue 19: loading it
    was most of the staff console's start); the package answers for any other year."""
    from datetime import date

    from kiosk.domain.calendar import PublicHolidays

    table = json.loads(data_file(SAUDI_HOLIDAYS).read_text("utf-8"))
    first, last = table["years"]
    known = {date.fromisoformat(day): name for day, name in table["holidays"].items()}
    return PublicHolidays(known, range(first, last + 1))

"""Files shipped in data/: found beside the package when installed, in the checkout otherwise."""

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

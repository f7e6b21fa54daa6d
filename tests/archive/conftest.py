"""Fixtures of the archive tests: a demo office whose older finished requests can be archived."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.services import Services
from tests.conftest import frozen_clock, make_demo_file


@pytest.fixture
def office(db_path: Path) -> Path:
    """A demo file of 600 synthetic requests made at the frozen moment (ages up to 120 days)."""
    return make_demo_file(db_path, count=600)


@pytest.fixture
def office_services(office: Path) -> Iterator[Services]:
    """Services over the office file with the frozen clock."""
    bundle = open_services(office, KioskConfig(), clock=frozen_clock)
    yield bundle
    bundle.store.close()

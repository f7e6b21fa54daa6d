"""The README's pictures (docs/screenshots) are the English snapshots, kept identical.

When a screen changes, update the snapshots, then refresh the pictures with
``TAWASUL_UPDATE_SCREENSHOTS=1 pytest tests/kiosk/test_screenshots.py``.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.kiosk.test_snapshots import SCREENS

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"
PICTURES = ROOT / "docs" / "screenshots"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_readme_picture_is_current(screen: str) -> None:
    """docs/screenshots/<screen>.svg is the English snapshot of that screen."""
    snapshot = SNAPSHOTS / f"test_resident_screen[{screen}-en].svg"
    picture = PICTURES / f"{screen}.svg"
    if os.environ.get("TAWASUL_UPDATE_SCREENSHOTS") == "1":
        PICTURES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(snapshot, picture)
    assert picture.exists(), f"{picture} is missing: see this module's docstring"
    assert picture.read_bytes() == snapshot.read_bytes(), f"{picture} is out of date"

"""Starting the kiosk as `tawasul kiosk` does: the frame first, each document after Welcome."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kiosk.app.kiosk as kiosk_app
from kiosk.app import start_kiosk
from kiosk.app.kiosk import VERIFY_AFTER_SECONDS
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import Language
from kiosk.services import Services
from kiosk.store.storage import DamagedDataFile, MissingDataFile
from screens.resident import OutOfServiceScreen, WelcomeScreen
from tests.conftest import frozen_clock
from tests.kiosk.conftest import FakeMonotonic, settle


def services_of(path: Path) -> Services:
    """The services over *path* with the frozen clock."""
    return open_services(path, KioskConfig(), clock=frozen_clock)


def test_a_missing_or_unparsable_file_stops_the_start(tmp_path: Path, demo_template: Path) -> None:
    with pytest.raises(MissingDataFile, match="no data file"):
        start_kiosk(services_of(tmp_path / "nowhere.json"), Language.ENGLISH, handle_signals=False)
    cut = tmp_path / "cut.json"
    cut.write_bytes(demo_template.read_bytes()[:5000])
    with pytest.raises(DamagedDataFile, match=r"cut\.json is damaged"):
        start_kiosk(services_of(cut), Language.ENGLISH, handle_signals=False)


async def test_a_damaged_document_found_after_welcome_keeps_the_kiosk_out_of_service(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk_app, "DATA_FILE_POLL_SECONDS", 0.05)
    db = tmp_path / "tawasul.json"
    raw = demo_template.read_bytes()
    # Same length, so the file's outline still matches: only parsing the document finds it.
    good, bad = b'"number":"9000000209"', b'"number"::9000000209"'
    assert len(good) == len(bad) and good in raw
    db.write_bytes(raw.replace(good, bad, 1))
    app = start_kiosk(
        services_of(db), Language.ENGLISH, monotonic=FakeMonotonic(), handle_signals=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.pause(VERIFY_AFTER_SECONDS + 0.1)
        await settle(pilot)
        assert isinstance(app.screen, OutOfServiceScreen)
        assert isinstance(app.screen_stack[-2], WelcomeScreen)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, OutOfServiceScreen)
        assert app.data_error is not None
        assert f"{db} is damaged" in str(app.data_error)
        assert db.read_bytes() == raw.replace(good, bad, 1)
        db.write_bytes(raw)  # restored from a backup
        for _ in range(40):
            await pilot.pause(0.05)
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.data_error is None
        assert app.is_running


async def test_a_sound_file_leaves_welcome_alone(tmp_path: Path, demo_template: Path) -> None:
    db = tmp_path / "tawasul.json"
    shutil.copy(demo_template, db)
    app = start_kiosk(
        services_of(db), Language.ENGLISH, monotonic=FakeMonotonic(), handle_signals=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(VERIFY_AFTER_SECONDS + 0.1)
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
    assert app.data_error is None


def test_the_first_screen_imports_only_what_welcome_needs() -> None:
    heavy = ["escpos", "PIL", "qrcode", "argon2", "holidays", "hijridate", "tinydb"]
    heavy += [
        "kiosk.services.receipts",
        "kiosk.app.staff",
        "screens.resident.sign_in",
        "screens.resident.status",
    ]
    probe = (
        "import sys, kiosk.app, kiosk.config, kiosk.services; "
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []


def test_the_command_line_loads_no_simulator_and_no_printing_to_start() -> None:
    """`tawasul kiosk` and `tawasul staff` build the whole parser at every start: the Nafath
    simulator's JWT stack and the receipt service's printing stack load only for their commands."""
    heavy = ["kiosk.nafath.simulator", "jwt", "cryptography", "kiosk.services.receipts"]
    heavy += ["escpos", "PIL"]
    probe = (
        "import sys; from kiosk.cli import build_parser; build_parser(); "
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []

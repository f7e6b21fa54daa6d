"""A check of ``tawasul doctor`` that fails keeps the kiosk out of service, with the reason for
staff, on the same notice a damaged data file puts up; fixed, the kiosk comes back by itself."""

import logging
import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

import kiosk.app.kiosk as kiosk_app
from kiosk.app import make_kiosk_app
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import Language
from kiosk.printing.payload import load_or_create_key
from screens.resident import OutOfServiceScreen, RequestTypeScreen, WelcomeScreen
from tests.conftest import frozen_clock
from tests.kiosk.conftest import AHMED, FakeMonotonic, FakeReceipts, settle, sign_in, wait_until
from tests.kiosk.test_recovery import screen_types


async def test_a_world_readable_key_keeps_the_kiosk_out_of_service_until_fixed(
    demo_template: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """chmod 644 on the receipt key: out of service, the key's line shown, no visit starts;
    chmod 640: back to Welcome by itself, and a resident signs in."""
    monkeypatch.setattr(kiosk_app, "HEALTH_RECHECK_SECONDS", 0.1)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_CTYPE"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "tawasul.json"
    shutil.copy(demo_template, db)
    key = db.with_name(f"{db.name}.receipt-key")
    load_or_create_key(key)
    key.chmod(0o644)
    services = open_services(db, KioskConfig(), clock=frozen_clock)
    app = make_kiosk_app(
        services,
        Language.ENGLISH,
        FakeReceipts(),
        monotonic=FakeMonotonic(),
        handle_signals=False,
        check_health=True,
    )
    with caplog.at_level(logging.INFO, logger="tawasul.kiosk"):
        async with app.run_test() as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, OutOfServiceScreen))
            reasons = str(app.screen.query_one("#oos-reasons", Static).render())
            assert reasons == (
                f"receipt-key: The receipt key {key} may be read or changed by others; "
                "run chmod 640 on it (or replace it)."
            )
            assert not app.screen.query("#oos-ok")
            await pilot.press("enter", "e", "n", "enter")
            await pilot.pause(0.5)
            await settle(pilot)
            assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
            assert app.visit is None
            key.chmod(0o640)
            await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
            assert screen_types(app) == ["WelcomeScreen"]
            assert not app.out_of_service
            await sign_in(pilot, *AHMED)
            assert isinstance(app.screen, RequestTypeScreen)
    assert caplog.text.count("out of service until these checks pass") == 1
    assert "back in service" in caplog.text


async def test_a_healthy_kiosk_stays_in_service(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks pass (no key yet is only a warning): Welcome stays, a resident signs in."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_CTYPE"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "tawasul.json"
    shutil.copy(demo_template, db)
    services = open_services(db, KioskConfig(), clock=frozen_clock)
    app = make_kiosk_app(
        services,
        Language.ENGLISH,
        FakeReceipts(),
        monotonic=FakeMonotonic(),
        handle_signals=False,
        check_health=True,
    )
    async with app.run_test() as pilot:
        await pilot.pause(kiosk_app.VERIFY_AFTER_SECONDS + 0.2)
        await settle(pilot)
        assert screen_types(app) == ["WelcomeScreen"]
        assert not app.out_of_service
        await sign_in(pilot, *AHMED)
        assert isinstance(app.screen, RequestTypeScreen)

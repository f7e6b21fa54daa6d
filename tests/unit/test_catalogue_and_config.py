"""The shipped request-type catalogue and the operator's TOML configuration."""

from datetime import date
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, load_config
from kiosk.errors import InvalidInput
from kiosk.resources import request_types


def test_the_catalogue_lists_the_tawasul_categories_in_both_languages() -> None:
    catalogue = request_types()
    assert len(catalogue) == 10
    assert catalogue.codes[0] == "passport" and catalogue.codes[-1] == "other"
    for kind in catalogue:
        assert kind.name_ar and kind.name_en
        assert 1 <= kind.min_working_days <= kind.max_working_days <= 7
        if kind.fee_note_en:
            assert kind.fee_note_ar and kind.fee_checked is not None


def test_unknown_type_lists_the_codes() -> None:
    with pytest.raises(InvalidInput, match="passport"):
        request_types().get("visa")


def test_no_file_means_defaults() -> None:
    assert load_config(None) == KioskConfig()


def test_a_full_config_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'kiosk_id = "KIOSK-07"\nlanguage = "en"\nbidi = "terminal"\nidle_seconds = 90\n'
        'closures = ["2026-11-29", "٢٠٢٦-١٢-٠١"]\n'
        '[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = 9100\ntimeout = 3\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.kiosk_id == "KIOSK-07"
    assert config.idle_seconds == 90.0
    assert config.closures == {date(2026, 11, 29), date(2026, 12, 1)}
    assert config.printer.kind == "network" and config.printer.timeout == 3.0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('kiosk = "x"', "kiosk is not a setting"),
        ('bidi = "auto"', "bidi must be one of app, terminal"),
        ("idle_seconds = true", "idle_seconds should be a float"),
        ("[printer]\nspeed = 3", "printer.speed is not a setting"),
        ("language = ", "cannot be read"),
        ('closures = ["soon"]', "Not a date"),
        ('[printer]\nkind = "laser"', "printer.kind must be one of file, network"),
        ("[printer]\nwidth_mm = 70", "printer.width_mm must be one of 58, 80"),
        ("idle_seconds = -5", "idle_seconds must be more than 0"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=fragment):
        load_config(path)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no configuration file"):
        load_config(tmp_path / "nope.toml")

"""The shipped request-type catalogue and the operator's TOML configuration."""

import re
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import RANGES, KioskConfig, load_config
from kiosk.domain.languages import Language
from kiosk.errors import InvalidInput
from kiosk.resources import data_dir, request_types


def test_the_catalogue_lists_the_tawasul_categories_in_both_languages() -> None:
    catalogue = request_types()
    assert len(catalogue) == 10
    assert catalogue.codes[0] == "passport" and catalogue.codes[-1] == "other"
    for kind in catalogue:
        assert kind.name_ar and kind.name_en
        assert 1 <= kind.min_working_days <= kind.max_working_days <= 7
        if kind.fee_note_en:
            assert kind.fee_note_ar and kind.fee_checked is not None


def test_every_type_is_named_in_every_language_with_its_fee_note() -> None:
    """Each type has its own name in all eight languages (none falls back to English), and a
    type with a fee note has it in all eight too."""
    for kind in request_types():
        assert set(kind.names) == set(Language), kind.code
        assert all(name.strip() for name in kind.names.values()), kind.code
        assert kind.name("ur") != kind.name("en") and kind.name("id") != kind.name("en")
        if kind.fee_note_en:
            assert set(kind.fee_notes) == set(Language), kind.code
        else:
            assert kind.fee_notes == {} and kind.fee_note("ur") == ""


@pytest.mark.parametrize("code", ["bn", "hi", "ml"])
def test_each_type_is_named_as_its_languages_glossary_names_it(code: str) -> None:
    """The glossary's table of request types is the reviewed wording: the data file says the same,
    so the screen, the receipt and the catalogue's sentences agree."""
    glossary = (data_dir() / "locale" / code / "glossary.md").read_text(encoding="utf-8")
    table = glossary.split("## Request types", 1)[1]
    named = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+?) \|", table, re.MULTILINE))
    assert {kind.code: kind.name(code) for kind in request_types()} == named


@pytest.mark.parametrize("code", ["bn", "hi", "ml"])
def test_a_language_the_terminal_cannot_draw_is_refused_with_a_sentence(
    code: str, tmp_path: Path
) -> None:
    """Bengali, Hindi and Malayalam need text drawn as images: the configuration says so."""
    path = tmp_path / "config.toml"
    path.write_text(f'language = "{code}"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=f"'{code}' cannot be shown yet: .*choose ar, en, ur"):
        load_config(path)
    with pytest.raises(ValueError, match="cannot be shown yet"):
        KioskConfig(language=code)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["ur", "fil", "id"])
def test_the_new_plain_text_languages_are_accepted(code: str, tmp_path: Path) -> None:
    """Urdu, Filipino and Indonesian can be the kiosk's own language."""
    path = tmp_path / "config.toml"
    path.write_text(f'language = "{code}"\n', encoding="utf-8")
    assert load_config(path).language == Language(code)


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
        ("idle_seconds = true", "idle_seconds should be a number"),
        ("[printer]\nport = 9100.5", "printer.port should be a whole number"),
        ("[printer]\nspeed = 3", "printer.speed is not a setting"),
        ("language = ", "is not valid TOML"),
        ('closures = ["soon"]', "Not a date"),
        ('[printer]\nkind = "laser"', "printer.kind must be one of file, network"),
        ("[printer]\nwidth_mm = 70", "printer.width_mm must be one of 58, 80"),
        ("idle_seconds = -5", "idle_seconds must be between 10 and 3600; it is -5."),
        ("closures = [1]", "closures should be a list of dates"),
        ('"\\u001b[2J" = 1', r"'\\x1b\[2J' is not a setting"),
        (
            'sign_in = ["absher"]',
            'sign_in must list "nafath", "password" or one of them, each once',
        ),
        ("sign_in = []", "sign_in must list"),
        ('sign_in = ["password", "password"]', "each once"),
        ('sign_in = "nafath"', "sign_in must list"),
        ("nafath = 1", r"\[nafath\] must be a table"),
        ('[nafath]\nurl = "file:///etc/passwd"', "nafath.url must start with http:// or https://"),
        ("[nafath]\npoll_seconds = 10", "nafath.poll_seconds must be between 2 and 3"),
        ("[nafath]\napp_key = 'x'", "nafath.app_key is not a setting"),
        ('[speech]\nengine = " "', "speech.engine must name the speech engine's command"),
        ("[speech]\nengine = 'espeak-ng \"-v'", "its quotes closed"),
        ("[speech]\nvolume = 201", "speech.volume must be between 0 and 200"),
        ("[speech]\ntones = 1", "speech.tones should be true or false"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=fragment):
        load_config(path)


def test_the_office_chooses_its_sign_in_methods(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'sign_in = ["nafath", "password"]\n[nafath]\nurl = "https://nafath.example"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.sign_in == ("nafath", "password")
    assert config.nafath.url == "https://nafath.example"
    assert KioskConfig().sign_in == ("password",)  # an office that says nothing keeps passwords


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no configuration file"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("idle_seconds = nan", "idle_seconds must be between 10 and 3600; it is nan."),
        ("idle_seconds = inf", "idle_seconds must be between 10 and 3600; it is inf."),
        ("countdown_seconds = -inf", "countdown_seconds must be between 5 and 300; it is -inf."),
        ("countdown_seconds = nan", "countdown_seconds must be between 5 and 300; it is nan."),
        (
            "staff_session_idle_minutes = inf",
            "staff_session_idle_minutes must be between 1 and 480; it is inf.",
        ),
        ("[printer]\ntimeout = nan", "printer.timeout must be between 0.5 and 4.5; it is nan."),
        ("[printer]\ntimeout = inf", "printer.timeout must be between 0.5 and 4.5; it is inf."),
        ("[printer]\nport = 65536", "printer.port must be between 1 and 65535; it is 65536."),
        (
            "archive_after_days = 1000000",
            "archive_after_days must be between 1 and 3650; it is 1000000.",
        ),
    ],
)
def test_a_number_outside_its_range_is_refused_with_the_range(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        load_config(path)
    assert str(refused.value) == f"{path}: {message}"


def test_every_number_has_a_range_whose_ends_are_allowed_and_no_further(tmp_path: Path) -> None:
    defaults = KioskConfig()
    numbers = {
        name
        for section in (
            defaults,
            defaults.printer,
            defaults.nafath,
            defaults.speech,
            defaults.accessibility,
        )
        for name, value in vars(section).items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    assert numbers - {"width_mm"} == set(RANGES)  # width_mm is a choice of 58 or 80
    path = tmp_path / "config.toml"
    for name, bounds in RANGES.items():
        tables = {
            "printer": defaults.printer,
            "nafath": defaults.nafath,
            "speech": defaults.speech,
            "accessibility": defaults.accessibility,
        }
        owner = next((t for t, section in tables.items() if hasattr(section, name)), "")
        table = f"[{owner}]\n" if owner else ""
        kind = type(getattr(tables[owner] if owner else defaults, name))
        step = 1 if kind is int else 0.25
        for value, allowed in (
            (bounds.low, True),
            (bounds.high, True),
            (bounds.low - step, False),
            (bounds.high + step, False),
        ):
            path.write_text(f"{table}{name} = {kind(value)!r}\n", encoding="utf-8")
            if allowed:
                load_config(path)
            else:
                with pytest.raises(InvalidInput, match=f"{name} must be between"):
                    load_config(path)


def test_the_readme_gives_every_range() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("| key | default | meaning |", 1)[1].split("\n\n", 1)[0]
    for name, bounds in RANGES.items():
        low, high = (f"{v:,}".removesuffix(".0") for v in (bounds.low, bounds.high))
        rows = [row for row in table.splitlines() if f"`{name}`" in row]
        assert any(f"`{name}` {low} to {high}" in row for row in rows), name

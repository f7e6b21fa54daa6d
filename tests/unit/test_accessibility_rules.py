"""The accessibility rules of the domain: WCAG contrast, and the time a resident is given."""

from pathlib import Path

import pytest

from kiosk.config import AccessibilityConfig, KioskConfig, load_config
from kiosk.domain.accessibility import (
    MORE_TIME_FACTOR,
    AccessChoice,
    Presentation,
    contrast_ratio,
    idle_seconds,
    relative_luminance,
)
from kiosk.errors import InvalidInput


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ((0, 0, 0), (255, 255, 255), 21.0),
        ((255, 255, 255), (255, 255, 255), 1.0),
        # Values WCAG's own examples and every contrast checker give.
        ((0x76, 0x76, 0x76), (255, 255, 255), 4.54),
        ((0x59, 0x59, 0x59), (255, 255, 255), 7.0),
        ((255, 0, 0), (0, 0, 0), 5.25),
    ],
)
def test_the_contrast_ratio_is_wcags(
    first: tuple[int, int, int], second: tuple[int, int, int], ratio: float
) -> None:
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


def test_luminance_runs_from_black_to_white() -> None:
    assert relative_luminance((0, 0, 0)) == 0
    assert relative_luminance((255, 255, 255)) == pytest.approx(1)
    assert relative_luminance((0, 255, 0)) > relative_luminance((255, 0, 0))


@pytest.mark.parametrize(
    ("presentation", "seconds"),
    [
        (Presentation(), 60),
        (Presentation(high_contrast=True), 60),
        (Presentation(large=True), 120),
        (Presentation(speech=True), 120),
        (Presentation(large=True, speech=True), 120),
    ],
)
def test_the_large_layout_and_speech_double_the_idle_time(
    presentation: Presentation, seconds: float
) -> None:
    assert MORE_TIME_FACTOR == 2
    assert idle_seconds(60, presentation) == seconds


def test_the_office_sets_how_much_more_time() -> None:
    assert idle_seconds(60, Presentation(large=True), 3) == 180
    assert idle_seconds(60, Presentation(), 3) == 60


def test_a_choice_toggles_alone() -> None:
    start = Presentation(large=True, speech=True)
    contrast = start.toggled(AccessChoice.HIGH_CONTRAST)
    assert contrast == Presentation(high_contrast=True, large=True, speech=True)
    assert contrast.toggled(AccessChoice.LARGE) == Presentation(high_contrast=True, speech=True)
    assert contrast.toggled(AccessChoice.HIGH_CONTRAST) == start


def test_the_office_default_is_the_config() -> None:
    assert KioskConfig().accessibility.presentation == Presentation()
    office = AccessibilityConfig(high_contrast=True, large=True)
    assert office.presentation == Presentation(high_contrast=True, large=True)


def test_the_accessibility_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[accessibility]\nhigh_contrast = true\nmore_time_factor = 3\n")
    config = load_config(path).accessibility
    assert config == AccessibilityConfig(high_contrast=True, more_time_factor=3.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[accessibility]\nlarge = "yes"', "accessibility.large should be true or false."),
        ("[accessibility]\nbig = true", "accessibility.big is not a setting."),
        ("accessibility = 1", "[accessibility] must be a table."),
        (
            "[accessibility]\nmore_time_factor = 0.5",
            "accessibility.more_time_factor must be between 1 and 10; it is 0.5.",
        ),
    ],
)
def test_a_wrong_accessibility_setting_is_one_sentence(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(InvalidInput) as refused:
        load_config(path)
    assert str(refused.value) == f"{path}: {message}"

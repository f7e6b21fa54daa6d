"""The kiosk display's shipped files agree with each other and with the README's layout."""

import shlex
import subprocess
from pathlib import Path

DEPLOY = Path(__file__).parents[2] / "deploy"


def unit_settings(path: Path) -> dict[str, list[str]]:
    """Each key of a systemd unit file with its values in order (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_display_unit_runs_the_kiosk_in_foot_in_cage_forever_as_the_kiosk_account() -> None:
    unit = unit_settings(DEPLOY / "tawasul-display.service")
    cage, separator, foot, config, shell, dash_c, script = shlex.split(unit["ExecStart"][0])
    assert (cage, separator, foot) == ("/usr/bin/cage", "--", "/usr/bin/foot")
    assert config == "--config=/opt/tawasul/deploy/foot.ini"
    assert (shell, dash_c) == ("/bin/sh", "-c")
    assert script.endswith("exec /opt/tawasul/.venv/bin/tawasul kiosk")
    assert unit["User"] == ["tawasul-kiosk"] and unit["Group"] == ["tawasul"]
    assert unit["Restart"] == ["always"] and unit["StartLimitIntervalSec"] == ["0"]
    assert "tawasul-kiosk.service" in unit["Conflicts"][0].split()
    assert "LANG=C.UTF-8" in unit["Environment"]


def test_foot_ini_names_the_fonts_the_display_test_compares_with() -> None:
    from tests.kiosk.test_kiosk_host import FALLBACK, FONT_PIXELS, MONO

    fonts = unit_settings(DEPLOY / "foot.ini")["font"][0]
    assert [name.strip() for name in fonts.split(",")] == [
        "DejaVu Sans Mono:size=14",
        "Noto Naskh Arabic:size=14",
    ]
    assert (MONO.name, FALLBACK.name, FONT_PIXELS) == (
        "DejaVuSansMono.ttf",
        "NotoNaskhArabic-Regular.ttf",
        19,  # 14 pt at 96 dpi (dpi-aware=no), as foot rounds it
    )
    assert unit_settings(DEPLOY / "foot.ini")["dpi-aware"] == ["no"]


def test_systemd_accepts_the_display_unit() -> None:
    """systemd-analyze (TEST_DEBS: systemd) reads the unit, and finds cage where it names it."""
    done = subprocess.run(
        ["systemd-analyze", "verify", str(DEPLOY / "tawasul-display.service")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr

"""The operator's configuration: one TOML file, every key optional (README lists them)."""

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.errors import InvalidInput


def state_dir() -> Path:
    """The user's folder for Tawasul's data and logs: ``$XDG_STATE_HOME/tawasul``."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "tawasul"


def default_db_path() -> Path:
    """``$TAWASUL_DB``, else ``tawasul.json`` in the user's state folder (never the package)."""
    explicit = os.environ.get("TAWASUL_DB")
    return Path(explicit) if explicit else state_dir() / "tawasul.json"


def default_config_path() -> Path | None:
    """``$TAWASUL_CONFIG`` if set, else ``/etc/tawasul/config.toml`` when it exists."""
    explicit = os.environ.get("TAWASUL_CONFIG")
    if explicit:
        return Path(explicit)
    system = Path("/etc/tawasul/config.toml")
    return system if system.exists() else None


@dataclass(frozen=True)
class PrinterConfig:
    """Where receipts go: ``file`` (default), ``network``, ``usb``, ``serial``, ``cups``, ``none``.

    Only the fields of the chosen kind are used.
    """

    kind: str = "file"
    path: str = ""
    host: str = ""
    port: int = 9100
    timeout: float = 4.0
    vendor_id: int = 0
    product_id: int = 0
    device: str = ""
    baudrate: int = 19200
    queue: str = ""
    width_mm: int = 80


@dataclass(frozen=True)
class KioskConfig:
    """Everything the operator may set; defaults suit a demo on a laptop."""

    office_name_ar: str = "المديرية العامة للجوازات — مكتب الرياض"
    office_name_en: str = "General Directorate of Passports — Riyadh office"
    kiosk_id: str = "KIOSK-01"
    language: str = "ar"
    bidi: str = "app"
    idle_seconds: float = 60.0
    countdown_seconds: float = 20.0
    out_of_service_seconds: float = 15.0
    staff_exit_chord: str = "ctrl+alt+x"
    staff_pin_hash: str = ""
    staff_session_idle_minutes: float = 30.0
    closures: frozenset[date] = field(default_factory=frozenset)
    response_target_days: int = 7
    archive_after_days: int = 90
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    receipt_key_path: str = ""
    spool_dir: str = ""
    log_path: str = ""

    def office_name(self, language: str) -> str:
        """The office name in *language*."""
        return self.office_name_ar if language == "ar" else self.office_name_en


_CHOICES: dict[str, tuple[object, ...]] = {
    "language": ("ar", "en"),
    "bidi": ("app", "terminal"),
    "kind": ("file", "network", "usb", "serial", "cups", "none"),
    "width_mm": (58, 80),
}
# Times and counts that must be above zero for the kiosk to work at all.
_POSITIVE = frozenset(
    {"idle_seconds", "countdown_seconds", "out_of_service_seconds", "staff_session_idle_minutes",
     "response_target_days", "archive_after_days", "timeout", "port", "baudrate"}
)  # fmt: skip


def load_config(path: Path | None) -> KioskConfig:
    """Read the TOML file at *path* (None: all defaults); InvalidInput names a wrong key."""
    if path is None:
        return KioskConfig()
    import tomllib  # here: the kiosk without a configuration file starts without it

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"There is no configuration file at {path}.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"The configuration file {path} cannot be read: {error}.") from None
    return config_from_mapping(raw, str(path))


def config_from_mapping(raw: dict[str, Any], source: str = "configuration") -> KioskConfig:
    """Build a KioskConfig from parsed TOML, refusing unknown keys and wrong types."""
    top = {key: value for key, value in raw.items() if key != "printer"}
    if "closures" in top:
        from kiosk.domain.calendar import parse_date

        if not isinstance(top["closures"], list):
            raise InvalidInput(f"{source}: closures should be a list of dates.")
        closures = frozenset(parse_date(str(day)) for day in top.pop("closures"))
    else:
        closures = frozenset()
    printer_raw = raw.get("printer", {})
    if not isinstance(printer_raw, dict):
        raise InvalidInput(f"{source}: [printer] must be a table.")
    printer = PrinterConfig(**_checked(printer_raw, PrinterConfig(), f"{source}: printer."))
    return KioskConfig(
        **_checked(top, KioskConfig(), f"{source}: "), closures=closures, printer=printer
    )


def _checked(raw: dict[str, Any], defaults: Any, where: str) -> dict[str, Any]:
    """*raw*'s values, each a known field of *defaults* with the default's type and choices."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in defaults.__dataclass_fields__ or key in ("printer", "closures"):
            raise InvalidInput(f"{where}{key} is not a setting.")
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise InvalidInput(f"{where}{key} should be a {expected.__name__}.")
        if key in _CHOICES and value not in _CHOICES[key]:
            choices = ", ".join(str(choice) for choice in _CHOICES[key])
            raise InvalidInput(f"{where}{key} must be one of {choices}.")
        if key in _POSITIVE and value <= 0:
            raise InvalidInput(f"{where}{key} must be more than 0.")
        values[key] = value
    return values

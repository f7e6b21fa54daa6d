"""The operator's configuration: one TOML file, every key optional (README lists them)."""

import os
import shlex
import stat
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.domain.accessibility import MORE_TIME_FACTOR, Presentation, idle_seconds
from kiosk.domain.languages import BidiMode, Language, on_screen_language
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


SIGN_IN_METHODS = ("nafath", "password")
"""The ways a resident may sign in: Nafath (a number chosen on the phone) or the password."""


@dataclass(frozen=True)
class NafathConfig:
    """How the kiosk reaches Nafath (``[nafath]``); used when ``sign_in`` lists ``nafath``.

    The APP-ID and APP-KEY come from the environment or *credentials_file*, never from here.
    """

    url: str = "http://127.0.0.1:8765"
    service: str = "Login"
    credentials_file: str = ""
    issuer: str = "tawasul-nafath-sim"
    audience: str = ""
    """The ``aud`` the tokens must carry; empty: the APP-ID."""
    decision_seconds: float = 60.0
    """The service's decision window: the countdown the resident sees."""
    poll_seconds: float = 2.5
    request_timeout: float = 4.0


@dataclass(frozen=True)
class SpeechConfig:
    """Spoken guidance (``[speech]``): the screens read aloud through a headphone jack or handset.

    *engine* is the speech engine's command line (espeak-ng's options follow it); *volume* is
    espeak-ng's amplitude (0-200, 100 its own default) and *rate* its words a minute. *tones*
    (a tick for a key on a masked field, a double tone for an error) sound with speech on or off.
    """

    enabled: bool = False
    engine: str = "espeak-ng"
    volume: int = 100
    rate: int = 150
    tones: bool = True


@dataclass(frozen=True)
class AccessibilityConfig:
    """What every visit starts with (``[accessibility]``); a resident changes it for their visit."""

    high_contrast: bool = False
    large: bool = False
    more_time_factor: float = MORE_TIME_FACTOR
    """How many times the idle time a resident gets with the large layout or speech on."""

    @property
    def presentation(self) -> Presentation:
        """The office's default presentation, which every visit starts from."""
        return Presentation(high_contrast=self.high_contrast, large=self.large)


@dataclass(frozen=True)
class KioskConfig:
    """Everything the operator may set; defaults suit a demo on a laptop."""

    office_name_ar: str = "المديرية العامة للجوازات — مكتب الرياض"
    office_name_en: str = "General Directorate of Passports — Riyadh office"
    kiosk_id: str = "KIOSK-01"
    language: Language = Language.ARABIC
    bidi: BidiMode = BidiMode.APP
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
    sign_in: tuple[str, ...] = ("password",)
    """The sign-in methods the kiosk offers, the first one first."""
    nafath: NafathConfig = field(default_factory=NafathConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    accessibility: AccessibilityConfig = field(default_factory=AccessibilityConfig)
    receipt_key_path: str = ""
    spool_dir: str = ""
    log_path: str = ""

    def __post_init__(self) -> None:
        """Hold the language and the bidi setting as their types, whoever built the config
        (a code written in a test or a script becomes its member; an unknown one, or one the
        kiosk cannot show yet, ValueError)."""
        object.__setattr__(self, "language", on_screen_language(self.language))
        object.__setattr__(self, "bidi", BidiMode(self.bidi))

    def office_name(self, language: Language) -> str:
        """The office name for a visit in *language*, in ``office_language(language)``."""
        if self.office_language(language) is Language.ARABIC:
            return self.office_name_ar
        return self.office_name_en

    @staticmethod
    def office_language(language: Language) -> Language:
        """The language the office's name is written in for a visit in *language*: Arabic, else
        English (the two the office writes its name in)."""
        return Language.ARABIC if language == Language.ARABIC else Language.ENGLISH

    @property
    def presentation(self) -> Presentation:
        """How every visit starts: the office's ``[accessibility]`` defaults, and whether the
        screens are read aloud (``[speech]``); a resident switches the first two for a visit."""
        return replace(self.accessibility.presentation, speech=self.speech.enabled)

    @property
    def visit_idle_seconds(self) -> float:
        """How long a visit, as the office starts it, goes without a key or click before the
        countdown (``idle_seconds`` through the one rule, ``accessibility.idle_seconds``)."""
        factor = self.accessibility.more_time_factor
        return idle_seconds(self.idle_seconds, self.presentation, factor)


_CHOICES: dict[str, tuple[object, ...]] = {
    "bidi": tuple(BidiMode),
    "kind": ("file", "network", "usb", "serial", "cups", "none"),
    "width_mm": (58, 80),
}


@dataclass(frozen=True)
class Bounds:
    """The lowest and highest value a number may take (both allowed)."""

    low: float
    high: float

    def check(self, name: str, value: float) -> None:
        """InvalidInput naming *name* and the range unless *value* lies in it (never nan)."""
        if not self.low <= value <= self.high:  # nan fails both comparisons
            raise InvalidInput(
                f"{name} must be between {_plain(self.low)} and {_plain(self.high)}; "
                f"it is {_plain(value)}."
            )


# Every number of the configuration, with the values that make sense for an office (the README's
# configuration table lists the same). Keys are the names in the file, [printer] keys included.
RANGES: dict[str, Bounds] = {
    "idle_seconds": Bounds(10, 3600),
    "countdown_seconds": Bounds(5, 300),
    # Short notices are for rehearsals and tests; five minutes is as long as a hall should wait.
    "out_of_service_seconds": Bounds(1, 300),
    "staff_session_idle_minutes": Bounds(1, 480),
    "response_target_days": Bounds(1, 60),
    # Ten years: older than that is history, and the cut-off date stays far from year 1.
    "archive_after_days": Bounds(1, 3650),
    "port": Bounds(1, 65535),
    # At most the fault budget (4.5 s): a resident hears about a printer fault within 5 s.
    "timeout": Bounds(0.5, 4.5),
    "vendor_id": Bounds(0, 0xFFFF),
    "product_id": Bounds(0, 0xFFFF),
    "baudrate": Bounds(300, 921_600),
    # [nafath]: Login's window is 60 s, other services' up to 180 s; integrators poll every 2-3 s.
    "decision_seconds": Bounds(10, 600),
    "poll_seconds": Bounds(2, 3),
    "request_timeout": Bounds(0.5, 10),
    # [speech]: espeak-ng's amplitude range, and words a minute from slow to as fast as it goes.
    "volume": Bounds(0, 200),
    "rate": Bounds(80, 450),
    # [accessibility]: WCAG 2.2.1 asks that a time limit can be made at least ten times longer.
    "more_time_factor": Bounds(1, 10),
}
_TABLES = ("printer", "nafath", "speech", "accessibility")
_SPECIAL = ("closures", "sign_in")
_MAX_BYTES = 1024 * 1024  # a configuration is a few hundred bytes
_TYPE_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


def _plain(value: float) -> str:
    """*value* as a person writes it: 10, not 10.0; 0.5; nan; inf."""
    return str(int(value)) if float(value).is_integer() else str(value)


def load_config(path: Path | None) -> KioskConfig:
    """Read the TOML file at *path* (None: all defaults); InvalidInput names a wrong key."""
    if path is None:
        return KioskConfig()
    import tomllib  # here: the kiosk without a configuration file starts without it

    try:
        raw = tomllib.loads(_config_text(path))
    except FileNotFoundError:
        raise InvalidInput(f"There is no configuration file at {path}.") from None
    except OSError as error:
        raise InvalidInput(
            f"The configuration file {path} cannot be read: {error.strerror or error}."
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"The configuration file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"The configuration file {path} is not valid TOML: {error}.") from None
    except RecursionError:
        # tomllib parses nested arrays and tables by recursion; no setting nests at all.
        raise InvalidInput(
            f"The configuration file {path} nests its values too deeply to be read."
        ) from None
    return config_from_mapping(raw, str(path))


def _config_text(path: Path) -> str:
    """The text of the configuration file *path*: a regular file of at most ``_MAX_BYTES``."""
    with path.open("rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise InvalidInput(f"The configuration file {path} is not a file.")
        data = handle.read(_MAX_BYTES + 1)  # not read_text: /dev/zero never ends
    if len(data) > _MAX_BYTES:
        raise InvalidInput(f"The configuration file {path} is larger than 1 MB.")
    return data.decode("utf-8")


def config_from_mapping(raw: dict[str, Any], source: str = "configuration") -> KioskConfig:
    """Build a KioskConfig from parsed TOML, refusing unknown keys, wrong types and ranges."""
    top = {key: value for key, value in raw.items() if key not in _TABLES}
    if "closures" in top:
        from kiosk.domain.calendar import parse_date

        days = top.pop("closures")
        if not isinstance(days, list) or not all(isinstance(day, str | date) for day in days):
            raise InvalidInput(f"{source}: closures should be a list of dates.")
        closures = frozenset(parse_date(str(day)) for day in days)
    else:
        closures = frozenset()
    printer_raw = raw.get("printer", {})
    if not isinstance(printer_raw, dict):
        raise InvalidInput(f"{source}: [printer] must be a table.")
    printer = PrinterConfig(**_checked(printer_raw, PrinterConfig(), f"{source}: ", "printer."))
    nafath_raw = raw.get("nafath", {})
    if not isinstance(nafath_raw, dict):
        raise InvalidInput(f"{source}: [nafath] must be a table.")
    nafath = NafathConfig(**_checked(nafath_raw, NafathConfig(), f"{source}: ", "nafath."))
    if not nafath.url.startswith(("http://", "https://")):
        raise InvalidInput(f"{source}: nafath.url must start with http:// or https://.")
    speech_raw = raw.get("speech", {})
    if not isinstance(speech_raw, dict):
        raise InvalidInput(f"{source}: [speech] must be a table.")
    speech = SpeechConfig(**_checked(speech_raw, SpeechConfig(), f"{source}: ", "speech."))
    try:
        engine = shlex.split(speech.engine)
    except ValueError:  # an unclosed quote: the kiosk could not run it
        engine = []
    if not engine:
        raise InvalidInput(
            f"{source}: speech.engine must name the speech engine's command "
            "(a command line, its quotes closed)."
        )
    access_raw = raw.get("accessibility", {})
    if not isinstance(access_raw, dict):
        raise InvalidInput(f"{source}: [accessibility] must be a table.")
    accessibility = AccessibilityConfig(
        **_checked(access_raw, AccessibilityConfig(), f"{source}: ", "accessibility.")
    )
    sign_in = _sign_in_methods(top.pop("sign_in", ["password"]), source)
    return KioskConfig(
        **_checked(top, KioskConfig(), f"{source}: ", ""),
        closures=closures,
        printer=printer,
        sign_in=sign_in,
        nafath=nafath,
        speech=speech,
        accessibility=accessibility,
    )


def _sign_in_methods(value: object, source: str) -> tuple[str, ...]:
    """The ``sign_in`` list: one or both methods, each once, the one offered first first."""
    choices = ", ".join(f'"{method}"' for method in SIGN_IN_METHODS)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(method, str) and method in SIGN_IN_METHODS for method in value)
        or len(set(value)) != len(value)
    ):
        raise InvalidInput(
            f"{source}: sign_in must list {choices} or one of them, each once "
            f'(the first is offered first), such as sign_in = ["nafath", "password"].'
        )
    return tuple(value)


def _checked(raw: dict[str, Any], defaults: Any, where: str, table: str) -> dict[str, Any]:
    """*raw*'s values, each a known field of *defaults* with the default's type, choices and range.

    Messages start with *where* and name a key with its *table* (``printer.``) in front.
    """
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{table}{key}" if key.isprintable() else repr(f"{table}{key}")
        if key not in defaults.__dataclass_fields__ or key in (*_TABLES, *_SPECIAL):
            raise InvalidInput(f"{where}{name} is not a setting.")
        expected = type(getattr(defaults, key))
        # A setting with named choices is written as its code: the code becomes the member.
        named = expected if issubclass(expected, StrEnum) else None
        expected = str if named else expected
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise InvalidInput(f"{where}{name} should be {_TYPE_WORDS[expected]}.")
        if key == "language":
            try:
                on_screen_language(value)
            except ValueError as refused:
                raise InvalidInput(f"{where}{name}: {refused}") from None
        if key in _CHOICES and value not in _CHOICES[key]:
            choices = ", ".join(str(choice) for choice in _CHOICES[key])
            raise InvalidInput(f"{where}{name} must be one of {choices}.")
        if key in RANGES:
            RANGES[key].check(f"{where}{name}", value)
        values[key] = named(value) if named else value
    return values

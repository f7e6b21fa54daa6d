"""``tawasul doctor``: whether this host can serve residents, one check a line, each with what
to do about it.

Each check gives ok, a warning (the kiosk serves, something is missing or soon will be) or a
failure (residents cannot be served right). The CLI prints the findings and turns them into its
exit status; the kiosk runs the checks of KIOSK_CHECKS itself and stays out of service while
one fails.
"""

import contextlib
import logging
import os
import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk import BUILD_YEAR
from kiosk.domain.calendar import riyadh_stamp
from kiosk.domain.languages import ON_SCREEN, Language
from kiosk.errors import DataFileError, StoreUnreachable, TawasulError
from kiosk.services.bundle import Services
from kiosk.services.i18n import catalogue_path

log = logging.getLogger("tawasul.doctor")


class Verdict(StrEnum):
    """How one check came out."""

    OK = "ok"
    WARNING = "warning"
    FAILURE = "failure"


@dataclass(frozen=True)
class Finding:
    """What one check found: its name, its verdict, and one sentence saying what to do."""

    check: str
    verdict: Verdict
    words: str

    @property
    def line(self) -> str:
        """The finding as the one line ``tawasul doctor`` prints (and the kiosk shows staff)."""
        return f"{self.verdict.value:<8} {self.check:<15} {self.words}"

    def as_json(self) -> dict[str, Any]:
        """The stable JSON form for monitoring: ``check``, ``verdict``, ``message``."""
        return {"check": self.check, "verdict": self.verdict.value, "message": self.words}


@dataclass(frozen=True)
class TerminalFacts:
    """What is known of the terminal the kiosk draws on; None where it cannot be known."""

    size: tuple[int, int] | None
    """Columns and lines; None when the output is not a terminal (a pipe, the journal)."""
    encoding: str
    """The character set of the locale (``LC_ALL``, ``LC_CTYPE``, ``LANG``)."""
    colorterm: str
    """``$COLORTERM``: ``truecolor`` or ``24bit`` where the terminal says it draws true colour."""


def terminal_facts(size: tuple[int, int] | None = None) -> TerminalFacts:
    """The terminal of this process: *size* if given (the kiosk knows its own), else stdout's
    size when it is a terminal; the locale and colours from the environment."""
    if size is None:
        with contextlib.suppress(OSError):
            columns, lines = os.get_terminal_size(1)
            size = (columns, lines)
    return TerminalFacts(size, _locale_encoding(os.environ), os.environ.get("COLORTERM", ""))


def _locale_encoding(environment: Mapping[str, str]) -> str:
    # The POSIX order: LC_ALL overrides LC_CTYPE overrides LANG; "C" and "POSIX" are ASCII.
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = environment.get(name, "")
        if value:
            if "." not in value:
                return "ANSI_X3.4-1968" if value in ("C", "POSIX") else value
            return value.split(".", 1)[1].split("@", 1)[0]
    return "ANSI_X3.4-1968"


MIN_TERMINAL = (80, 24)
"""The smallest terminal every screen is laid out for (README, "Terminal settings")."""


@dataclass(frozen=True)
class ScriptFont:
    """A font a language needs, as fontconfig names it, and the Debian package that ships it."""

    family: str
    script_lang: str
    package: str


RECEIPT_FONT = ScriptFont("DejaVu Sans", "ar", "fonts-dejavu-core")
"""Receipts print Arabic and Latin with DejaVu Sans (kiosk.printing.text)."""

SCRIPT_FONTS: dict[str, ScriptFont] = {
    # Terminals cannot shape these: their text is drawn by Pillow's raqm with Noto.
    "bn": ScriptFont("Noto Sans Bengali", "bn", "fonts-noto-core"),
    "hi": ScriptFont("Noto Sans Devanagari", "hi", "fonts-noto-core"),
    "ml": ScriptFont("Noto Sans Malayalam", "ml", "fonts-noto-core"),
    # Receipts print Urdu in Nastaliq (the screen shows it in the terminal's Naskh).
    "ur": ScriptFont("Noto Nastaliq Urdu", "ur", "fonts-noto-core"),
}
"""The fonts the languages beyond Arabic and English need, by catalogue code; a language's font
is checked once the kiosk offers it."""

RECEIPT_FILES: dict[ScriptFont, str] = {RECEIPT_FONT: "ar", SCRIPT_FONTS["ur"]: "ur"}
"""The fonts receipts open by their files' paths, and the language each prints."""

DRAWN_AS_IMAGES = frozenset(language.value for language in Language if not language.on_screen)
"""Languages no terminal shapes: shown as Sixel images (DESIGN §6), so they need Sixel."""

DISK_FAILURE_BYTES = 20 * 1024 * 1024
"""Free space under the data folder below which writes are about to fail: every write of the
data file makes a whole copy of it first."""

DISK_WARNING_BYTES = 200 * 1024 * 1024
"""Free space below which the operator should make room soon (logs, spool, archives grow)."""


def shipped_languages() -> list[str]:
    """The codes of the languages this installation offers residents: on screen, with a catalogue.

    A catalogue that ships for a language no screen offers yet (Bengali, Hindi and Malayalam wait
    for Sixel) asks nothing of the host: a missing font for it must not put the kiosk out of
    service."""
    return [language.value for language in ON_SCREEN if catalogue_path(language).is_file()]


class Doctor:
    """The checks of one installation, over its services; blocking (call from a worker)."""

    def __init__(
        self,
        services: Services,
        languages: Sequence[str] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Checks of *services*; *languages* are the shipped catalogues' codes (default: those
        installed), *clock* the clock checked (default: the services' clock)."""
        self.services = services
        self.languages = list(languages) if languages is not None else shipped_languages()
        self.clock = clock or services.clock

    def run(self, terminal: TerminalFacts, checks: Iterable[str] | None = None) -> list[Finding]:
        """Every check (or those named in *checks*), in the order of ALL_CHECKS."""
        wanted = set(checks) if checks is not None else set(ALL_CHECKS)
        findings: list[Finding] = []
        for name in ALL_CHECKS:
            if name in wanted:
                findings.append(self._one(name, terminal))
        return findings

    def _one(self, name: str, terminal: TerminalFacts) -> Finding:
        try:
            if name in _TERMINAL_CHECKS:
                return _TERMINAL_CHECKS[name](self, terminal)
            return _CHECKS[name](self)
        except Exception:
            # A self-test that crashes tells nothing of the other checks: this one fails.
            log.exception("the %s check failed unexpectedly", name)
            return Finding(
                name,
                Verdict.FAILURE,
                "the check itself met an unexpected error (its traceback is in the log).",
            )

    # --- the terminal -----------------------------------------------------------------------

    def terminal_size(self, terminal: TerminalFacts) -> Finding:
        """At least 80×24."""
        name = "terminal.size"
        if terminal.size is None:
            return Finding(
                name,
                Verdict.WARNING,
                "not run in a terminal, so its size is unknown; run tawasul doctor in the "
                "kiosk's terminal to check it.",
            )
        columns, lines = terminal.size
        if columns < MIN_TERMINAL[0] or lines < MIN_TERMINAL[1]:
            return Finding(
                name,
                Verdict.FAILURE,
                f"{columns}×{lines} is smaller than 80×24; start the terminal larger or with a "
                "smaller font.",
            )
        return Finding(name, Verdict.OK, f"{columns}×{lines} (at least 80×24).")

    def terminal_locale(self, terminal: TerminalFacts) -> Finding:
        """A UTF-8 locale: without it Arabic cannot reach the terminal."""
        name = "terminal.locale"
        encoding = terminal.encoding
        if encoding.replace("-", "").lower() != "utf8":
            return Finding(
                name,
                Verdict.FAILURE,
                f"the locale's character set is {encoding}, not UTF-8; set LANG=C.UTF-8.",
            )
        return Finding(name, Verdict.OK, "UTF-8.")

    def terminal_colour(self, terminal: TerminalFacts) -> Finding:
        """True colour, as the terminal announces it in COLORTERM."""
        name = "terminal.colour"
        if terminal.colorterm.lower() in ("truecolor", "24bit"):
            return Finding(name, Verdict.OK, f"true colour (COLORTERM={terminal.colorterm}).")
        return Finding(
            name,
            Verdict.WARNING,
            "the terminal does not announce true colour (COLORTERM is not truecolor); use a "
            "terminal that draws it (foot, xterm) and set COLORTERM=truecolor.",
        )

    def terminal_sixel(self, terminal: TerminalFacts) -> Finding:
        """Sixel, where a shipped language is shown as images; a warning for now."""
        name = "terminal.sixel"
        needing = sorted(DRAWN_AS_IMAGES.intersection(self.languages))
        if not needing:
            return Finding(
                name, Verdict.OK, f"not needed: no shipped language ({', '.join(self.languages)}) "
                "is drawn as images."
            )  # fmt: skip
        # The terminal can only be asked by writing to it and reading its answer, which
        # would garble the kiosk's screen; foot and xterm -ti vt340 draw Sixel.
        return Finding(
            name,
            Verdict.WARNING,
            f"{', '.join(needing)} are drawn as Sixel images and whether this terminal draws "
            "Sixel is not known; run the kiosk in foot or xterm -ti vt340.",
        )

    # --- fonts ------------------------------------------------------------------------------

    def fonts(self) -> Finding:
        """The receipt font for Arabic and Latin, and each shipped script's font, in fontconfig."""
        name = "fonts"
        if shutil.which("fc-list") is None:
            return Finding(
                name,
                Verdict.FAILURE,
                "fontconfig's fc-list is not installed, so no font can be found; "
                "apt-get install fontconfig.",
            )
        wanted = [RECEIPT_FONT, *(SCRIPT_FONTS[c] for c in self.languages if c in SCRIPT_FONTS)]
        # Receipts open their fonts' files by path, whatever fontconfig says.
        missing = [
            font
            for font in wanted
            if not _fontconfig_has(font)
            or (font in RECEIPT_FILES and not _receipt_font_file(RECEIPT_FILES[font]))
        ]
        if missing:
            names = ", ".join(f"{font.family} ({font.script_lang})" for font in missing)
            packages = " ".join(sorted({font.package for font in missing}))
            return Finding(
                name,
                Verdict.FAILURE,
                f"missing {names}; apt-get install {packages}.",
            )
        found = ", ".join(font.family for font in wanted)
        return Finding(name, Verdict.OK, f"{found}: installed.")

    # --- the data store ---------------------------------------------------------------------

    def data(self) -> Finding:
        """The data: readable and not damaged, writable now, and kept from other accounts."""
        name = "data"
        store = self.services.store
        try:
            store.check()
        except StoreUnreachable as error:
            return Finding(
                name,
                Verdict.FAILURE,
                f"{_sentence(error)} Start it, or check the network and the URL's host and port.",
            )
        except DataFileError as error:
            return Finding(name, Verdict.FAILURE, f"{_sentence(error)} Restore it from a backup.")
        except OSError as error:
            return Finding(
                name, Verdict.FAILURE, f"{store.location} cannot be read: {error.strerror}."
            )
        problem = store.probe_write_problem()
        if problem is not None:
            return Finding(
                name,
                Verdict.FAILURE,
                f"{store.location} can be read but not written: {problem.sentence}; "
                "free space or fix the folder's permissions.",
            )
        exposed = store.readable_by_others()
        if exposed:
            return Finding(
                name,
                Verdict.FAILURE,
                f"every account on this host can read {', '.join(exposed)} (and through it IDs, "
                f"names, password hashes); run chmod o-rwx {' '.join(exposed)}.",
            )
        return Finding(name, Verdict.OK, f"{store.location}: readable, writable, not damaged.")

    # --- the receipt key --------------------------------------------------------------------

    def receipt_key(self) -> Finding:
        """The receipt key: there, and readable by nobody but its owner and group."""
        from kiosk.printing.payload import read_key
        from kiosk.services.receipts import ReceiptFiles

        name = "receipt-key"
        path = ReceiptFiles.beside(self.services.files_beside, self.services.config).key_path
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return Finding(
                name,
                Verdict.WARNING,
                f"there is no receipt key at {path} yet; the first receipt makes one: back it "
                "up with the data file.",
            )
        except OSError as error:
            return Finding(name, Verdict.FAILURE, f"{path} cannot be read: {error.strerror}.")
        try:
            # The rule receipts follow: the group (staff verify) may read, nobody else.
            read_key(path)
        except TawasulError as error:
            return Finding(name, Verdict.FAILURE, _sentence(error))
        return Finding(name, Verdict.OK, f"{path}: private (mode {stat.S_IMODE(mode):04o}).")

    # --- the printer ------------------------------------------------------------------------

    def printer(self) -> Finding:
        """The configured printer, as ``tawasul printer check`` asks it; a warning when it is
        not ready, since the kiosk then shows the number and the QR code on screen."""
        from kiosk.services.receipts import ReceiptService

        name = "printer"
        report = ReceiptService.open(self.services).check_printer()
        if report.problem is not None:
            return Finding(
                name,
                Verdict.WARNING,
                f"{report.words} Residents get the QR code on screen until it is fixed.",
            )
        if report.paper_low:
            return Finding(name, Verdict.WARNING, f"{report.words} Load a new roll soon.")
        return Finding(name, Verdict.OK, report.words)

    # --- the clock --------------------------------------------------------------------------

    def clock_check(self) -> Finding:
        """The clock: not before this version was built; Riyadh time shown to compare."""
        name = "clock"
        now = self.clock()
        shown = f"{riyadh_stamp(now)} Asia/Riyadh ({now:%H:%M} UTC)"
        if now.year < BUILD_YEAR:
            return Finding(
                name,
                Verdict.FAILURE,
                f"{shown} is before {BUILD_YEAR}, when this version was built; set the clock "
                "(timedatectl set-ntp true).",
            )
        return Finding(name, Verdict.OK, f"{shown}; compare it with a watch.")

    # --- the disk ---------------------------------------------------------------------------

    def disk(self) -> Finding:
        """Free space under the data folder."""
        name = "disk"
        folder = Path(self.services.files_beside).absolute().parent
        # An office's folder is made with its first receipt: until then, the disk it will be on.
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        try:
            free = shutil.disk_usage(folder).free
        except OSError as error:
            return Finding(
                name, Verdict.FAILURE, f"{folder} cannot be looked at: {error.strerror}."
            )
        words = f"{_megabytes(free)} free under {folder}"
        if free < DISK_FAILURE_BYTES:
            return Finding(
                name, Verdict.FAILURE, f"only {words}; free space (old logs, backups) now."
            )
        if free < DISK_WARNING_BYTES:
            return Finding(name, Verdict.WARNING, f"only {words}; free space soon.")
        return Finding(name, Verdict.OK, f"{words}.")

    # --- speech -----------------------------------------------------------------------------

    def speech(self) -> Finding:
        """The speech engine ``[speech] engine`` names; optional, so its absence is a warning."""
        name = "speech"
        command = shlex.split(self.services.config.speech.engine)[0]  # the config checked it
        engine = shutil.which(command)
        if engine is None:
            remedy = (
                "apt-get install espeak-ng"
                if Path(command).name == "espeak-ng"
                else "install it or correct [speech] engine"
            )
            return Finding(
                name,
                Verdict.WARNING,
                f"{command} is not installed, so spoken guidance stays silent; {remedy}.",
            )
        return Finding(name, Verdict.OK, f"{command} at {engine}.")


_TERMINAL_CHECKS: dict[str, Callable[[Doctor, TerminalFacts], Finding]] = {
    "terminal.size": Doctor.terminal_size,
    "terminal.locale": Doctor.terminal_locale,
    "terminal.colour": Doctor.terminal_colour,
    "terminal.sixel": Doctor.terminal_sixel,
}

_CHECKS: dict[str, Callable[[Doctor], Finding]] = {
    "fonts": Doctor.fonts,
    "data": Doctor.data,
    "receipt-key": Doctor.receipt_key,
    "printer": Doctor.printer,
    "clock": Doctor.clock_check,
    "disk": Doctor.disk,
    "speech": Doctor.speech,
}

ALL_CHECKS: tuple[str, ...] = (*_TERMINAL_CHECKS, *_CHECKS)
"""Every check, in the order ``tawasul doctor`` prints them."""

KIOSK_CHECKS: tuple[str, ...] = ("terminal.locale", "fonts", "receipt-key", "clock")
"""The checks the running kiosk makes itself and stays out of service for. Left out: the data
file (the kiosk verifies and watches it itself), a full disk or an unwritable store (the kiosk
serves reads and degrades, DESIGN §4 and §5), the terminal's size (the kiosk's own notice asks
for a larger one), the printer and speech (warnings only: the kiosk serves without them)."""


def exit_status(findings: Iterable[Finding]) -> int:
    """0 when every check is ok, EXIT_WARNINGS when some warn and none fails, 1 on a failure."""
    verdicts = {finding.verdict for finding in findings}
    if Verdict.FAILURE in verdicts:
        return 1
    return EXIT_WARNINGS if Verdict.WARNING in verdicts else 0


EXIT_WARNINGS = 5
"""``tawasul doctor``'s status when some checks warn and none fails (README's exit table)."""


def _fontconfig_has(font: ScriptFont) -> bool:
    """Whether fontconfig knows *font*'s family with the letters of its language."""
    try:
        found = subprocess.run(
            ["fc-list", f"{font.family}:lang={font.script_lang}", "family"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0 and any(
        font.family in line.split(",") for line in found.stdout.splitlines()
    )


def _receipt_font_file(language: str) -> bool:
    """Whether the font files of receipts in *language* are where the receipt drawing looks."""
    from kiosk.printing.text import ReceiptFontError, check_fonts

    try:
        check_fonts([Language(language)])
    except ReceiptFontError:
        return False
    return True


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes / 1024:.1f} GB" if megabytes >= 1024 else f"{megabytes:.1f} MB"


def _sentence(error: Exception) -> str:
    """*error*'s message as one sentence ending with a full stop."""
    text = str(error).strip()
    return text if text.endswith(".") else f"{text}."

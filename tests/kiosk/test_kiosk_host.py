"""The shipped kiosk display, run headless: cage + foot with deploy/foot.ini, the kiosk inside.

cage refuses to run as root, so cage and foot run as an unprivileged account (made here when the
tests run as root, as the PostgreSQL fixture does). foot runs a placeholder that writes down its
terminal's name; the kiosk then runs as this test's account with that terminal as its output,
because the test's interpreter may live where the display account cannot read (pyenv under
/root). Keys come through a pty this test holds: Debian 12's cage has no virtual-keyboard
protocol (wtype: "Compositor does not support the virtual keyboard protocol").

Each screen is photographed with grim (kept in $TAWASUL_HOST_SHOTS when set), and one line of
it is compared with the same string drawn by Pillow's raqm layout in the same fonts and size:
the kiosk's own shaping and ordering (bidi = "app") in foot must look like what raqm makes of
the text. The same comparison refuses the string unshaped, or laid out left to right, and what
foot shows with bidi = "terminal".
"""

import contextlib
import functools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from arabic_reshaper.letters import (
    LETTERS_ARABIC,
    ZWJ,
    connects_with_letter_after,
    connects_with_letter_before,
)
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageStat, features

from kiosk.domain.languages import Language
from kiosk.services.i18n import translations
from tests.conftest import make_demo_file
from tests.kiosk.terminal import AHMED_KEYS, REPOSITORY, wait_until

FOOT_INI = REPOSITORY / "deploy" / "foot.ini"
MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
FALLBACK = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
"""foot.ini's fonts: DejaVu Sans Mono, then Noto Naskh Arabic for the letters it lacks."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("cage", "foot", "grim", "setpriv")),
        reason="needs cage, foot and grim (./dev test installs them)",
    ),
    pytest.mark.skipif(not features.check("raqm"), reason="needs Pillow's raqm layout"),
    pytest.mark.skipif(
        not (MONO.exists() and FALLBACK.exists()),
        reason="needs fonts-dejavu-core and fonts-noto-core (./dev test installs them)",
    ),
]

FONT_PIXELS = 19
"""foot.ini's 14 pt at 96 dpi, in pixels (foot logs "size=14.00pt/19px")."""
DISPLAY_ACCOUNT = "tawasul-display-test"
X11_SOCKETS = Path("/tmp/.X11-unix")
BLUR = 1.5
"""Radius in pixels of the blur before comparing (about a stroke's width)."""
STEADY = 0.6
"""Seconds a screen stays unchanged before it counts as drawn (a screen change takes ~0.1 s)."""
MATCH = 0.85
"""The least normalised correlation of a line on screen with raqm's drawing of its text. Seen
here: the right text 0.91 to 0.95; unshaped 0.42 to 0.77 (Urdu's many letters that join on one
side only look alike either way), reversed 0.24 to 0.36."""


def display_account() -> pwd.struct_passwd:
    """An unprivileged account for cage: this one, or one made when the tests run as root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(DISPLAY_ACCOUNT)
    subprocess.run(
        [
            *("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent"),
            *("--shell", "/usr/sbin/nologin", DISPLAY_ACCOUNT),
        ],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(DISPLAY_ACCOUNT)


def changed(now: Image.Image, before: Image.Image) -> bool:
    """Whether more than a text cursor (a cell or two, blinking) differs between two shots."""
    box = ImageChops.difference(now, before).getbbox()
    if box is None:
        return False
    left, top, right, bottom = box
    font = terminal_font()
    cell_width, cell_height = font.getlength("M"), sum(font.getmetrics())
    return right - left > 2 * cell_width + 2 or bottom - top > cell_height + 2


def as_account(account: pwd.struct_passwd, folder: Path, *command: str) -> list[str]:
    """*command* as *account*, its home and runtime folder *folder*, in a UTF-8 locale (the
    display unit's ``LANG``: foot warns on its screen otherwise)."""
    return [
        *("setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups"),
        *("env", "-i", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"),
        *(f"HOME={folder}", f"XDG_RUNTIME_DIR={folder}", *command),
    ]


def keep(screen: Image.Image, name: str) -> None:
    """Save *screen* as NAME.png in $TAWASUL_HOST_SHOTS, if set, to look at."""
    folder = os.environ.get("TAWASUL_HOST_SHOTS")
    if folder:
        screen.save(Path(folder) / f"{name}.png")


@dataclass
class Display:
    """cage + foot on a headless output, and the kiosk drawing into foot's terminal."""

    folder: Path
    account: pwd.struct_passwd
    cage: subprocess.Popen[bytes]
    terminal: str
    keys: int = -1
    kiosk: subprocess.Popen[bytes] | None = None

    def as_account(self, *command: str) -> list[str]:
        """*command* as the display account, in the display's environment."""
        return as_account(self.account, self.folder, *command)

    def start_kiosk(self, db: Path, language: Language, config_text: str) -> Image.Image:
        """``tawasul kiosk`` in foot's terminal, its keys from a pty of this test; its first
        screen once drawn."""
        empty = self.screenshot()
        config = self.folder / "config.toml"
        config.write_text(config_text, encoding="utf-8")
        screen = os.open(self.terminal, os.O_WRONLY | os.O_NOCTTY)
        self.keys, keyboard = os.openpty()
        # What foot sets for what it runs (TERM from foot.ini, COLORTERM and LANG from its
        # [environment] section).
        env = {**os.environ, "TERM": "foot", "COLORTERM": "truecolor", "LANG": "C.UTF-8",
               "XDG_STATE_HOME": str(self.folder / "state")}  # fmt: skip
        command = [sys.executable, "-m", "kiosk", "kiosk", "--db", str(db),
                   "--config", str(config), "--lang", language.value]  # fmt: skip
        self.kiosk = subprocess.Popen(
            command, stdin=keyboard, stdout=screen, stderr=screen, cwd=REPOSITORY, env=env
        )
        os.close(screen)
        os.close(keyboard)
        return self.settled(empty, "first")

    def press(self, keys: str) -> None:
        """Type *keys* (text and escape sequences) into the kiosk."""
        os.write(self.keys, keys.encode())

    def screenshot(self) -> Image.Image:
        """What the screen shows now, taken with grim."""
        shot = self.folder / "screen.png"
        subprocess.run(
            self.as_account("WAYLAND_DISPLAY=wayland-0", "grim", str(shot)),
            check=True,
            capture_output=True,
        )
        with Image.open(shot) as image:
            return image.convert("RGB")

    def settled(
        self, before: Image.Image | None = None, what: str = "screen", seconds: float = 20
    ) -> Image.Image:
        """The screen once it differs from *before* and has stayed the same for STEADY seconds
        (a blinking text cursor aside)."""
        deadline = time.monotonic() + seconds
        last = self.screenshot()
        steady_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = self.screenshot()
            if changed(now, last):
                last, steady_since = now, time.monotonic()
            elif time.monotonic() - steady_since >= STEADY and (
                before is None or changed(now, before)
            ):
                return now
        keep(last, f"kiosk-host-not-{what}")
        raise AssertionError(f"the {what} screen did not show and settle in {seconds:g} s")

    def stop_kiosk(self) -> None:
        """End the kiosk with SIGTERM, as the unit does."""
        if self.kiosk is not None:
            self.kiosk.terminate()
            try:
                self.kiosk.wait(10)
            except subprocess.TimeoutExpired:
                self.kiosk.kill()
                self.kiosk.wait()
            self.kiosk = None
        if self.keys >= 0:
            os.close(self.keys)
            self.keys = -1


@pytest.fixture
def display() -> Iterator[Display]:
    """cage running foot with the shipped foot.ini, headless, as an unprivileged account."""
    account = display_account()
    if os.geteuid() == 0 and not X11_SOCKETS.exists():
        # What systemd-tmpfiles makes at boot (x11.conf): cage starts Xwayland, which refuses
        # a socket folder that another account made.
        X11_SOCKETS.mkdir(mode=0o1777)
        X11_SOCKETS.chmod(0o1777)
    # Not under pytest's tmp_path: that is closed to other accounts (mode 0700, root's).
    folder = Path(tempfile.mkdtemp(prefix="tawasul-display-"))
    os.chown(folder, account.pw_uid, account.pw_gid)
    shutil.copy(FOOT_INI, folder / "foot.ini")
    os.chmod(folder / "foot.ini", 0o644)
    placeholder = f"tty > {folder}/tty.new && mv {folder}/tty.new {folder}/tty; exec sleep 600"
    log = folder / "cage.log"
    with log.open("wb") as output:
        cage = subprocess.Popen(
            as_account(
                *(account, folder),
                *("WLR_BACKENDS=headless", "WLR_RENDERER=pixman", "WLR_LIBINPUT_NO_DEVICES=1"),
                *("cage", "--", "foot", f"--config={folder}/foot.ini", "sh", "-c", placeholder),
            ),
            stdout=output,
            stderr=output,
            cwd=folder,
        )
    try:
        try:
            wait_until((folder / "tty").exists, 10, "foot starting in cage")
        except AssertionError:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise AssertionError(f"foot did not start in cage; its log ends:\n{tail}") from None
        shown = Display(folder, account, cage, (folder / "tty").read_text().strip())
        yield shown
        shown.stop_kiosk()
    finally:
        cage.terminate()
        try:
            cage.wait(10)
        except subprocess.TimeoutExpired:
            cage.kill()
            cage.wait()
        shutil.rmtree(folder, ignore_errors=True)


def terminal_font(path: Path = MONO) -> ImageFont.FreeTypeFont:
    """One of foot.ini's fonts at its size, with raqm's layout."""
    return ImageFont.truetype(str(path), FONT_PIXELS, layout_engine=ImageFont.Layout.RAQM)


@functools.cache
def has_glyph(path: Path, character: str) -> bool:
    """Whether the font at *path* draws *character* (not its empty-box glyph)."""
    font = ImageFont.truetype(str(path), FONT_PIXELS, layout_engine=ImageFont.Layout.BASIC)
    missing = Image.Image()._new(font.getmask("\uffff")).tobytes()
    return Image.Image()._new(font.getmask(character)).tobytes() != missing


def font_runs(text: str) -> list[tuple[Path, str]]:
    """*text* cut where foot changes font: runs of DejaVu Sans Mono, and each letter it lacks
    (Urdu's ہ ے ں ڈ and full stop) alone, from foot.ini's fallback font."""
    runs: list[tuple[Path, str]] = []
    for character in text:
        font = MONO if character.isspace() or has_glyph(MONO, character) else FALLBACK
        if runs and runs[-1][0] == font == MONO:
            runs[-1] = (font, runs[-1][1] + character)
        else:
            runs.append((font, character))
    return runs


def joined(before: str, after: str) -> bool:
    """Whether two letters side by side in stored order join (from Unicode's joining types as
    arabic-reshaper keeps them)."""
    return bool(
        connects_with_letter_after(before, LETTERS_ARABIC)
        and connects_with_letter_before(after, LETTERS_ARABIC)
    )


def drawn_by_raqm(text: str, language: str, **layout: object) -> Image.Image:
    """*text* drawn by Pillow's raqm layout in the terminal's fonts and size, white on black.

    Pillow has no font fallback, so each run of one font is laid out by itself, right to left
    (or left to right with ``order="ltr"``), with a zero-width joiner where a letter joins one
    in the next run: raqm then picks the same joined forms as for the whole line. A letter of
    the fallback font takes one cell, as in foot.
    """
    order = layout.pop("order", "rtl")
    runs = font_runs(text)
    pieces = []
    for index, (path, run) in enumerate(runs):
        shaped = run
        if index > 0 and joined(runs[index - 1][1][-1], run[0]):
            shaped = ZWJ + shaped
        if index + 1 < len(runs) and joined(run[-1], runs[index + 1][1][0]):
            shaped = shaped + ZWJ
        if order == "ltr":  # left-to-right override: joined, but laid out in stored order
            shaped = f"\u202d{shaped}\u202c"
        font = terminal_font(path)
        # foot draws a letter of the fallback font in one cell of the first font.
        width = (
            font.getlength(shaped, language=language, **layout)  # type: ignore[arg-type]
            if path == MONO
            else terminal_font().getlength("M")
        )
        pieces.append((font, shaped, width))
    if order != "ltr":
        pieces.reverse()
    ascent, descent = terminal_font().getmetrics()
    image = Image.new("L", (int(sum(width for *_, width in pieces)) + 16, 3 * (ascent + descent)))
    draw = ImageDraw.Draw(image)
    x = 8.0
    for font, shaped, width in pieces:
        draw.text((x, 2 * ascent), shaped, fill=255, font=font, anchor="ls", language=language,
                  **layout)  # type: ignore[arg-type]  # fmt: skip
        x += width
    return image.crop(image.getbbox())


def ink(screen: Image.Image) -> Image.Image:
    """The grey and white text of *screen*: each pixel's darkest channel (blue borders drop)."""
    red, green, blue = screen.split()
    return ImageChops.darker(ImageChops.darker(red, green), blue).point(
        lambda value: 0 if value < 60 else value
    )


def lines_of(text_ink: Image.Image) -> list[Image.Image]:
    """Each row of the terminal's cell grid that has text, cropped to its ink.

    foot.ini has no padding, so the grid starts at the top left; a row is as high as the font's
    ascent and descent (foot's cell height: 23 pixels). Rows, not gaps between lines of ink:
    an Arabic hamza or dot stands apart from its letter by a pixel or two.
    """
    width, height = text_ink.size
    row_height = sum(terminal_font().getmetrics())
    found = []
    for row in range(height // row_height):
        band = text_ink.crop((0, row * row_height, width, (row + 1) * row_height))
        box = band.getbbox()
        if box is not None:
            found.append(band.crop(box))
    return found


def likeness(line: Image.Image, reference: Image.Image) -> float:
    """Normalised correlation of *line* with *reference* scaled to its size (1: the same).

    Both are blurred a little first: a terminal puts each glyph on a whole cell, a pixel or
    two from where raqm's own advances put it.
    """
    softly = ImageFilter.GaussianBlur(BLUR)
    line = line.filter(softly)
    scaled = reference.resize(line.size, Image.Resampling.LANCZOS).filter(softly)
    mean_line, mean_ref = ImageStat.Stat(line).mean[0], ImageStat.Stat(scaled).mean[0]
    sd_line, sd_ref = ImageStat.Stat(line).stddev[0], ImageStat.Stat(scaled).stddev[0]
    if not sd_line or not sd_ref:
        return 0.0
    both = ImageStat.Stat(ImageChops.multiply(line, scaled)).mean[0] * 255
    return (both - mean_line * mean_ref) / (sd_line * sd_ref)


def best_likeness(screen: Image.Image, reference: Image.Image) -> float:
    """How well the row of *screen* most like *reference* matches it."""
    height = reference.size[1]
    candidates = [line for line in lines_of(ink(screen)) if abs(line.size[1] - height) <= 4]
    return max((likeness(line, reference) for line in candidates), default=0.0)


def wrong_drawings(text: str, language: str) -> dict[str, Image.Image]:
    """*text* drawn the ways a terminal gets it wrong: letters unjoined, or left to right."""
    unjoined = ["-init", "-medi", "-fina", "-rlig", "-liga", "-calt"]
    return {
        "unshaped": drawn_by_raqm(text, language, features=unjoined),
        "reversed": drawn_by_raqm(text, language, order="ltr"),
    }


def assert_drawn_right(screen: Image.Image, text: str, language: str, name: str) -> None:
    """*text* is on *screen* as raqm draws it, and not as the wrong drawings of it."""
    keep(screen, name)
    right = best_likeness(screen, drawn_by_raqm(text, language))
    assert right >= MATCH, f"{name}: {text!r} on screen is not raqm's drawing ({right:.2f})"
    for how, wrong in wrong_drawings(text, language).items():
        score = best_likeness(screen, wrong)
        assert score < MATCH, f"{name}: the {how} drawing matched too ({score:.2f})"
        assert score < right - 0.15, f"{name}: {how} is as close as the right one"


def sign_in_to_status(display: Display, welcome: Image.Image) -> Image.Image:
    """From Welcome, sign in as Ahmed and open his first Iqama request; the status screen."""
    display.press("\r")
    signin = display.settled(welcome, "sign-in")
    display.press(f"{AHMED_KEYS[0]}\t{AHMED_KEYS[1]}\r")
    types = display.settled(signin, "request types")
    display.press("\x1b[B\r")  # Down to Iqama, Enter
    requests = display.settled(types, "requests")
    display.press("\r")
    return display.settled(requests, "status")


@pytest.fixture
def demo_for_display(display: Display) -> Path:
    """A demo data file in the display's folder (the kiosk writes its log and key beside it)."""
    return make_demo_file(display.folder / "demo.json", count=20)


BIDI_APP = 'bidi = "app"\n'
"""The kiosk's setting for foot, which shapes Arabic but does not reorder it."""


def test_welcome_and_a_status_in_arabic_are_drawn_as_raqm_draws_them(
    display: Display, demo_for_display: Path
) -> None:
    arabic = translations(Language.ARABIC)
    welcome = display.start_kiosk(demo_for_display, Language.ARABIC, BIDI_APP)
    prompt = arabic("welcome.prompt").split("\n")[0]
    assert_drawn_right(welcome, prompt, "ar", "kiosk-host-ar-welcome")
    status = sign_in_to_status(display, welcome)
    meaning = arabic("status.under_review.meaning")
    assert_drawn_right(status, meaning, "ar", "kiosk-host-ar-status")


def test_a_status_in_urdu_is_drawn_as_raqm_draws_it(
    display: Display, demo_for_display: Path
) -> None:
    urdu = translations(Language.URDU)
    welcome = display.start_kiosk(demo_for_display, Language.URDU, BIDI_APP)
    status = sign_in_to_status(display, welcome)
    meaning = urdu("status.under_review.meaning")
    assert_drawn_right(status, meaning, "ur", "kiosk-host-ur-status")


def test_arabic_left_to_the_terminal_in_foot_is_refused(
    display: Display, demo_for_display: Path
) -> None:
    """bidi = "terminal" is wrong for foot: the same check fails on what it then shows."""
    arabic = translations(Language.ARABIC)
    welcome = display.start_kiosk(demo_for_display, Language.ARABIC, 'bidi = "terminal"\n')
    prompt = arabic("welcome.prompt").split("\n")[0]
    keep(welcome, "kiosk-host-ar-welcome-bidi-terminal")
    assert best_likeness(welcome, drawn_by_raqm(prompt, "ar")) < MATCH

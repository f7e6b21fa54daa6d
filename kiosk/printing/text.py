"""Drawing Arabic, Urdu and Latin text with Pillow: the fonts, the shaping engine, and wrapping.

Pillow's raqm layout shapes Arabic and orders right-to-left text itself, but only when the
system FriBiDi library loads (Debian ``libfribidi0``). Without it, the text is shaped by
arabic-reshaper and ordered by python-bidi and drawn with the basic layout. The two are never
combined: reshaping text that raqm then shapes again prints it reversed.

Urdu is printed in Nastaliq (Noto Nastaliq Urdu, Debian ``fonts-noto-core``) where raqm shapes
it; Nastaliq's joining and stacking need OpenType layout, so without raqm Urdu is printed in
Noto Naskh Arabic (DejaVu Sans lacks the Urdu letters ہ and ے and the full stop ۔).
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageDraw, ImageFont, features

from kiosk.domain.languages import ON_SCREEN, Language
from kiosk.domain.text import REPLACEMENT_CHARACTER, visual_order
from kiosk.errors import TawasulError

# Debian's fonts-dejavu-core: one family that covers Arabic and Latin (Noto Naskh has no Latin).
# Debian's fonts-noto-core: Noto Nastaliq Urdu (it has no Latin letters, so it prints Urdu only).
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/local/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/noto"),
)
REGULAR_FONT = "DejaVuSans.ttf"
BOLD_FONT = "DejaVuSans-Bold.ttf"
NASTALIQ_FONT = "NotoNastaliqUrdu-Regular.ttf"
NASTALIQ_BOLD_FONT = "NotoNastaliqUrdu-Bold.ttf"
NASKH_FONT = "NotoNaskhArabic-Regular.ttf"
NASKH_BOLD_FONT = "NotoNaskhArabic-Bold.ttf"

FONT_PACKAGES = {
    REGULAR_FONT: "fonts-dejavu-core",
    BOLD_FONT: "fonts-dejavu-core",
    NASTALIQ_FONT: "fonts-noto-core",
    NASTALIQ_BOLD_FONT: "fonts-noto-core",
    NASKH_FONT: "fonts-noto-core",
    NASKH_BOLD_FONT: "fonts-noto-core",
}
"""The Debian package that installs each receipt font."""

# Direction controls are layout instructions, not glyphs; no font draws them.
_INVISIBLE = frozenset("\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e")


class ReceiptFontError(TawasulError):
    """The receipt font is not installed (a character it lacks is replaced, not an error)."""


class Shaping(StrEnum):
    """How right-to-left text is shaped and ordered before it is drawn."""

    RAQM = "raqm"
    RESHAPER = "reshaper"

    @classmethod
    def best(cls) -> "Shaping":
        """Raqm when Pillow can use it here, else arabic-reshaper with python-bidi."""
        return cls.RAQM if features.check("raqm") else cls.RESHAPER


def find_font(name: str, folders: Iterable[Path] = FONT_FOLDERS) -> Path:
    """The path of the font file *name*, or ReceiptFontError saying how to install it."""
    for folder in folders:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    package = FONT_PACKAGES.get(name, "fonts-dejavu-core")
    raise ReceiptFontError(
        f"The receipt font {name} is not installed; install Debian's {package} "
        f"(apt-get install {package})."
    )


def script_font(language: Language, bold: bool, shaping: Shaping) -> str:
    """The font file a receipt prints *language* with: for Urdu Noto Nastaliq Urdu where raqm
    shapes it, else Noto Naskh Arabic (its presentation forms need no OpenType layout); DejaVu
    Sans (Arabic's Naskh and Latin) for every other language."""
    if language is Language.URDU:
        if shaping is Shaping.RAQM:
            return NASTALIQ_BOLD_FONT if bold else NASTALIQ_FONT
        return NASKH_BOLD_FONT if bold else NASKH_FONT
    return BOLD_FONT if bold else REGULAR_FONT


class LineStyle(Protocol):
    """What the receipt layout asks of a style: one font (TextStyle) or two (MixedStyle)."""

    def covers(self, text: str) -> bool:
        """Whether every character of *text* can be drawn."""
        ...

    def drawable(self, text: str) -> str:
        """*text* with what cannot be drawn made REPLACEMENT_CHARACTER."""
        ...

    def width(self, text: str, rtl: bool) -> int:
        """How many dots *text* takes on one line."""
        ...

    def draw(self, canvas: ImageDraw.ImageDraw, x: int, y: int, text: str, rtl: bool) -> None:
        """Draw one line of *text* with its left edge at *x* and its top at *y*."""
        ...

    def wrap(self, text: str, rtl: bool, max_width: int) -> list[str]:
        """*text* broken at spaces into lines of at most *max_width* dots."""
        ...

    @property
    def line_height(self) -> int:
        """Dots from one line's top to the next."""
        ...


@dataclass
class TextStyle:
    """One font at one size, drawn with one shaping engine."""

    path: Path
    size: int
    shaping: Shaping
    _covered: dict[str, bool] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        """Open the font with the layout engine that matches the shaping."""
        engine = ImageFont.Layout.RAQM if self.shaping is Shaping.RAQM else ImageFont.Layout.BASIC
        self.font = ImageFont.truetype(str(self.path), self.size, layout_engine=engine)
        # The basic engine draws one glyph a character: the way to compare against .notdef.
        self._probe = ImageFont.truetype(
            str(self.path), self.size, layout_engine=ImageFont.Layout.BASIC
        )
        self._notdef = _glyph_pixels(self._probe, "\U0010fffd")

    def covers(self, text: str) -> bool:
        """Whether the font has a glyph for every character of *text*."""
        return all(self._has_glyph(ch) for ch in text)

    def drawable(self, text: str) -> str:
        """*text* with each character the font has no glyph for (an emoji, a control, a script
        DejaVu lacks) made REPLACEMENT_CHARACTER: a note the font cannot draw never stops a receipt.
        """
        if self.covers(text):
            return text
        return "".join(ch if self._has_glyph(ch) else REPLACEMENT_CHARACTER for ch in text)

    def _has_glyph(self, ch: str) -> bool:
        if ch.isspace() or ch in _INVISIBLE:
            return True
        if ch not in self._covered:
            self._covered[ch] = _glyph_pixels(self._probe, ch) != self._notdef
        return self._covered[ch]

    def visual(self, text: str, rtl: bool) -> str:
        """*text* as it is handed to Pillow: logical for raqm, shaped and reordered otherwise.

        English lines go through the same steps, since a staff note in Arabic may sit in one.
        """
        if self.shaping is Shaping.RAQM:
            return text
        return visual_order(text, rtl)

    def width(self, text: str, rtl: bool) -> int:
        """How many dots *text* takes on one line."""
        visual = self.visual(text, rtl)
        return round(self.font.getlength(visual, direction=self._direction(rtl)))

    def draw(self, canvas: ImageDraw.ImageDraw, x: int, y: int, text: str, rtl: bool) -> None:
        """Draw one line of *text* with its left edge at *x* and its top at *y*."""
        visual = self.visual(text, rtl)
        canvas.text((x, y), visual, font=self.font, fill=0, direction=self._direction(rtl))

    @property
    def line_height(self) -> int:
        """Dots from one line's top to the next, with room for Arabic marks above and below, and
        for the font's whole height (Nastaliq's words climb and fall far beyond its size)."""
        ascent, descent = self.font.getmetrics()
        return max(round(self.size * 1.45), ascent + descent)

    def _direction(self, rtl: bool) -> str | None:
        # Raqm guesses the direction from the first strong letter unless told; say it always.
        # The basic layout takes no direction: its text is already in visual order.
        if self.shaping is Shaping.RAQM:
            return "rtl" if rtl else "ltr"
        return None

    def wrap(self, text: str, rtl: bool, max_width: int) -> list[str]:
        """*text* broken at spaces into lines of at most *max_width* dots (``wrap``)."""
        return wrap(text, lambda line: self.width(line, rtl), max_width)

    @property
    def ascent(self) -> int:
        """Dots from a line's top to its baseline."""
        return int(self.font.getmetrics()[0])


@dataclass
class MixedStyle:
    """A script's own font, with a second for the characters it lacks: Nastaliq (and Noto Naskh)
    has no Latin letters, so a kiosk id or a staff note in English inside Urdu is drawn in DejaVu.

    A line is cut into runs, each in one font; a character both fonts have (a space, a digit,
    a colon) stays in the run it follows. Inside right-to-left text a run of the second font
    with Latin letters is a left-to-right island, drawn left to right; the runs are placed from
    the right edge in their logical order, which is how the bidi algorithm places islands in a
    right-to-left line. (Left-to-right lines are for a script's own font with Latin: not used.)
    """

    own: TextStyle
    other: TextStyle

    def covers(self, text: str) -> bool:
        """Whether one of the two fonts has a glyph for every character of *text*."""
        return all(self.own.covers(ch) or self.other.covers(ch) for ch in text)

    def drawable(self, text: str) -> str:
        """*text* with each character neither font has made REPLACEMENT_CHARACTER."""
        if self.covers(text):
            return text
        return "".join(ch if self.covers(ch) else REPLACEMENT_CHARACTER for ch in text)

    def runs(self, text: str) -> list[tuple[TextStyle, str]]:
        """*text* cut into runs of one font each, in logical order.

        A run of the second font gives its trailing spaces to the run after it: in a
        right-to-left line that space then falls between the two runs, not at the island's end.
        """
        runs: list[tuple[TextStyle, list[str]]] = []
        for ch in text:
            style = self.own if self.own.covers(ch) else self.other
            if runs and (style is runs[-1][0] or (self.own.covers(ch) and self.other.covers(ch))):
                runs[-1][1].append(ch)
            else:
                runs.append((style, [ch]))
        joined = [(style, "".join(chars)) for style, chars in runs]
        for index, (style, words) in enumerate(joined[:-1]):
            if style is self.other and words != words.rstrip():
                kept = words.rstrip()
                following_style, following = joined[index + 1]
                joined[index] = (style, kept)
                joined[index + 1] = (following_style, words[len(kept) :] + following)
        return [(style, words) for style, words in joined if words]

    def _direction(self, style: TextStyle, words: str, rtl: bool) -> bool:
        # What the own font lacks is Latin letters and signs such as a masked ID's "*": the
        # second font's run is left to right unless it holds a right-to-left letter.
        if style is self.other:
            return any(unicodedata.bidirectional(ch) in {"R", "AL"} for ch in words)
        return rtl

    def width(self, text: str, rtl: bool) -> int:
        """How many dots *text* takes on one line."""
        return sum(
            style.width(words, self._direction(style, words, rtl))
            for style, words in self.runs(text)
        )

    def draw(self, canvas: ImageDraw.ImageDraw, x: int, y: int, text: str, rtl: bool) -> None:
        """Draw one line of *text* with its left edge at *x* and its top at *y*, every run on the
        own font's baseline."""
        baseline = y + self.own.ascent
        runs = self.runs(text)
        if rtl:
            edge = x + self.width(text, rtl)
            for style, words in runs:
                direction = self._direction(style, words, rtl)
                edge -= style.width(words, direction)
                style.draw(canvas, edge, baseline - style.ascent, words, direction)
            return
        for style, words in runs:
            direction = self._direction(style, words, rtl)
            style.draw(canvas, x, baseline - style.ascent, words, direction)
            x += style.width(words, direction)

    @property
    def line_height(self) -> int:
        """The taller font's line height."""
        return max(self.own.line_height, self.other.line_height)

    def wrap(self, text: str, rtl: bool, max_width: int) -> list[str]:
        """*text* broken at spaces into lines of at most *max_width* dots (``wrap``)."""
        return wrap(text, lambda line: self.width(line, rtl), max_width)


def wrap(text: str, width: Callable[[str], int], max_width: int) -> list[str]:
    """*text* broken at spaces into lines at most *max_width* dots wide, in logical order.

    Wrapping comes before shaping, so each line is shaped and ordered on its own; a single
    word longer than the line is left whole rather than cut inside a word.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and width(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _glyph_pixels(font: ImageFont.FreeTypeFont, ch: str) -> bytes:
    left, top, right, bottom = (int(edge) for edge in font.getbbox(ch))
    image = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(image).text((-left, -top), ch, font=font, fill=255)
    return bytes(image.tobytes())


def check_fonts(languages: Iterable[Language] = ON_SCREEN) -> None:
    """ReceiptFontError unless the fonts of receipts in *languages* are installed."""
    shaping = Shaping.best()
    for language in languages:
        for bold in (False, True):
            find_font(script_font(language, bold, shaping))


@cache
def text_style(name: str, size: int, shaping: Shaping) -> TextStyle:
    """The style of the installed font *name* at *size* (kept, since opening fonts is slow)."""
    return TextStyle(find_font(name), size, shaping)

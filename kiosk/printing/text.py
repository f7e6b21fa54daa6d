"""Drawing Arabic and Latin text with Pillow: the font, the shaping engine, and wrapping.

Pillow's raqm layout shapes Arabic and orders right-to-left text itself, but only when the
system FriBiDi library loads (Debian ``libfribidi0``). Without it, the text is shaped by
arabic-reshaper and ordered by python-bidi and drawn with the basic layout. The two are never
combined: reshaping text that raqm then shapes again prints it reversed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from kiosk.domain.text import REPLACEMENT_CHARACTER, visual_order
from kiosk.errors import TawasulError

# Debian's fonts-dejavu-core: one family that covers Arabic and Latin (Noto Naskh has no Latin).
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
REGULAR_FONT = "DejaVuSans.ttf"
BOLD_FONT = "DejaVuSans-Bold.ttf"

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
    raise ReceiptFontError(
        f"The receipt font {name} is not installed; install Debian's fonts-dejavu-core "
        "(apt-get install fonts-dejavu-core)."
    )


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

    def drawable(self, text: str) -> str:
        """*text* with each character the font has no glyph for (an emoji, a control, a script
        DejaVu lacks) made REPLACEMENT_CHARACTER: a note the font cannot draw never stops a receipt.
        """
        if all(self._has_glyph(ch) for ch in text):
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
        """Dots from one line's top to the next, with room for Arabic marks above and below."""
        return round(self.size * 1.45)

    def _direction(self, rtl: bool) -> str | None:
        # Raqm guesses the direction from the first strong letter unless told; say it always.
        # The basic layout takes no direction: its text is already in visual order.
        if self.shaping is Shaping.RAQM:
            return "rtl" if rtl else "ltr"
        return None

    def wrap(self, text: str, rtl: bool, max_width: int) -> list[str]:
        """*text* broken at spaces into lines of at most *max_width* dots, in logical order.

        Wrapping comes before shaping, so each line is shaped and ordered on its own; a single
        word longer than the line is left whole rather than cut inside a word.
        """
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.width(candidate, rtl) > max_width:
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


def check_fonts() -> None:
    """ReceiptFontError unless the receipt's fonts are installed."""
    for name in (REGULAR_FONT, BOLD_FONT):
        find_font(name)


@cache
def text_style(name: str, size: int, shaping: Shaping) -> TextStyle:
    """The style of the installed font *name* at *size* (kept, since opening fonts is slow)."""
    return TextStyle(find_font(name), size, shaping)

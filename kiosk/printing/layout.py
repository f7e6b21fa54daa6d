"""The receipt drawn as one black-and-white image at the printer's width.

Thermal printers cannot shape Arabic, so the whole receipt, Arabic, Latin and the QR code, is one
1-bit picture. Every field is printed in the receipt's two languages (``receipt_languages``):
the resident's language first, then Arabic; right-to-left text right-aligned, the rest
left-aligned, each language in its own font (``script_font``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

import qrcode
from PIL import Image, ImageDraw

from kiosk.domain.languages import Language
from kiosk.domain.text import bounded
from kiosk.printing.text import (
    LineStyle,
    MixedStyle,
    Shaping,
    TextStyle,
    script_font,
    text_style,
)

PAPER_DOTS = {58: 384, 80: 576}
"""Printable width in dots (203 dpi) of the paper widths the office uses, in millimetres."""

QUIET_ZONE_MODULES = 4
_LTR_ISOLATE = "\u2066{}\u2069"


def ltr(text: str) -> str:
    """*text* in a left-to-right isolate: numbers and codes keep their order in Arabic."""
    return _LTR_ISOLATE.format(text)


class ReceiptLanguages(NamedTuple):
    """The two languages a receipt is printed in, in the order it prints them."""

    first: Language
    """The resident's language (Arabic for an Arabic visit)."""
    second: Language
    """Arabic, the office's language (English beside an Arabic visit's)."""


def receipt_languages(visit_language: Language) -> ReceiptLanguages:
    """The receipt's languages for a visit in *visit_language*: the resident's, then Arabic.

    An Arabic visit's receipt is Arabic, then English: the two languages the office writes, as
    every receipt was before the other languages came; a receipt never prints one language twice.
    """
    if visit_language is Language.ARABIC:
        return ReceiptLanguages(Language.ARABIC, Language.ENGLISH)
    return ReceiptLanguages(visit_language, Language.ARABIC)


@dataclass(frozen=True)
class ReceiptText:
    """One of the receipt's texts in each of its languages, in the order they are printed.

    Each part says the language it is written in, which sets its direction and font: an
    office with no Urdu name gives its English one in the Urdu part's place.
    """

    parts: tuple[tuple[Language, str], ...]

    @classmethod
    def each(cls, languages: ReceiptLanguages, text: Callable[[Language], str]) -> "ReceiptText":
        """*text* of each of *languages*, in their order."""
        return cls(tuple((language, text(language)) for language in languages))

    def get(self, language: Language) -> str:
        """The text in *language* (KeyError when the receipt is not printed in it)."""
        for written, text in self.parts:
            if written is language:
                return text
        raise KeyError(language)


@dataclass(frozen=True)
class ReceiptContent:
    """Everything a receipt shows, already formatted; the layout only places it."""

    languages: ReceiptLanguages
    office: ReceiptText
    kiosk_id: str
    serial: str
    issued: ReceiptText
    request_number: str
    request_type: ReceiptText
    status: ReceiptText
    last_update: ReceiptText
    next_step: ReceiptText
    expected_by: ReceiptText
    masked_id: str
    qr_payload: str
    labels: Mapping[str, ReceiptText]
    """The words of each of RECEIPT_LABELS."""


RECEIPT_LABELS = (
    "receipt", "kiosk", "issued", "number", "type", "status", "updated", "next", "expected",
    "id", "verify",
)  # fmt: skip
"""The names of the receipt's labels; their words are the catalogues' ``receipt.label.<name>``."""


@dataclass(frozen=True)
class _Styles:
    """The body, bold and big styles of one language's font."""

    body: TextStyle
    bold: TextStyle
    big: TextStyle


Kind = Literal["body", "bold", "big"]
"""Which of a language's styles a text is printed in."""


class _Fonts:
    """The styles of each language at one paper width, and the fallback for text a script's
    own font cannot draw whole."""

    def __init__(self, width_dots: int, shaping: Shaping) -> None:
        self.body_size = max(18, width_dots // 24)
        self.shaping = shaping
        self._styles: dict[Language, _Styles] = {}

    def of(self, language: Language) -> _Styles:
        """The styles *language* is printed in."""
        if language not in self._styles:
            size = self.body_size

            def style(bold: bool, scale: float) -> TextStyle:
                return text_style(
                    script_font(language, bold, self.shaping), round(size * scale), self.shaping
                )

            self._styles[language] = _Styles(style(False, 1), style(True, 1.15), style(True, 1.6))
        return self._styles[language]

    def for_text(self, language: Language, text: str, kind: Kind) -> LineStyle:
        """The style of *kind* (body, bold, big) for *text* in *language*: its own script's
        font, with DejaVu's (Arabic and Latin) beside it for the characters it lacks (Nastaliq
        has no Latin letters: a kiosk id, a staff note in English)."""
        own: TextStyle = getattr(self.of(language), kind)
        other: TextStyle = getattr(self.of(Language.ARABIC), kind)
        if own.path == other.path or own.covers(text):
            return own
        return MixedStyle(own, other)


class _Page:
    """A tall white canvas that is filled from the top and cropped when the receipt ends."""

    def __init__(self, width: int, fonts: _Fonts, languages: ReceiptLanguages) -> None:
        self.width = width
        self.margin = max(8, width // 48)
        self.fonts = fonts
        self.languages = languages
        self.image = Image.new("L", (width, 2000), 255)
        self.canvas = ImageDraw.Draw(self.image)
        self.y = self.margin

    def make_room(self, dots: int) -> None:
        """Grow the canvas when a long note would run past its bottom."""
        if self.y + dots + self.margin > self.image.height:
            taller = Image.new("L", (self.width, self.image.height * 2 + dots), 255)
            taller.paste(self.image, (0, 0))
            self.image = taller
            self.canvas = ImageDraw.Draw(taller)

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin

    def paragraph(self, text: str, language: Language, kind: Kind, centre: bool = False) -> None:
        """Wrapped lines of *text*: right-to-left text from the right edge, the rest from the left.

        Through the text layer's net (no controls, a bounded length), and what the font cannot
        draw replaced with a visible mark: whatever a data file holds, the receipt prints.
        """
        rtl = language.rtl
        text = bounded(text)
        style = self.fonts.for_text(language, text, kind)
        text = style.drawable(text)
        for line in style.wrap(text, rtl, self.text_width):
            used = style.width(line, rtl)
            if centre:
                x = (self.width - used) // 2
            elif rtl:
                x = self.width - self.margin - used
            else:
                x = self.margin
            self.make_room(style.line_height)
            style.draw(self.canvas, x, self.y, line, rtl)
            self.y += style.line_height

    def each(self, text: ReceiptText, kind: Kind, centre: bool = False) -> None:
        """*text* in each of its languages, in their order."""
        for language, words in text.parts:
            self.paragraph(words, language, kind, centre)

    def field(self, label: ReceiptText, value: ReceiptText, kind: Kind = "body") -> None:
        """One labelled field in each of the receipt's languages."""
        self.each(
            ReceiptText.each(
                self.languages, lambda language: f"{label.get(language)}: {value.get(language)}"
            ),
            kind,
        )
        self.gap(0.25)

    def rule(self) -> None:
        """A thin line across the paper between sections."""
        self.gap(0.3)
        self.canvas.rectangle((self.margin, self.y, self.width - self.margin, self.y + 1), fill=0)
        self.gap(0.6)

    def gap(self, lines: float) -> None:
        """Blank space of *lines* body lines (of Arabic's font, the same on every receipt)."""
        self.y += round(self.fonts.of(Language.ARABIC).body.line_height * lines)

    def qr(self, payload: str) -> None:
        """The QR code, centred, black modules on white with a quiet zone of 4 modules."""
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE_MODULES
        )
        code.add_data(payload)
        code.make(fit=True)
        modules = code.get_matrix()
        box = max(3, min(8, int(self.width * 0.7) // len(modules)))
        left = (self.width - box * len(modules)) // 2
        self.make_room(box * len(modules))
        for row, cells in enumerate(modules):
            for column, dark in enumerate(cells):
                if dark:
                    x = left + column * box
                    y = self.y + row * box
                    self.canvas.rectangle((x, y, x + box - 1, y + box - 1), fill=0)
        self.y += box * len(modules)

    def finished(self) -> Image.Image:
        """The used part of the page, thresholded to pure black and white (no dithering)."""
        grey = self.image.crop((0, 0, self.width, self.y + self.margin))
        return grey.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)


def _code(languages: ReceiptLanguages, code: str) -> ReceiptText:
    """*code* (a serial, an id) in each language, left-to-right inside right-to-left text."""
    return ReceiptText.each(languages, lambda language: ltr(code) if language.rtl else code)


def render_receipt(
    content: ReceiptContent, width_dots: int, shaping: Shaping | None = None
) -> Image.Image:
    """The receipt as a mode ``"1"`` image *width_dots* wide (384 for 58 mm, 576 for 80 mm).

    ReceiptFontError when a font is missing; a character it lacks prints as a replacement
    mark (never a box, never a receipt refused).
    """
    page = _Page(width_dots, _Fonts(width_dots, shaping or Shaping.best()), content.languages)
    labels = content.labels
    page.each(content.office, "bold", centre=True)
    page.gap(0.2)
    serial = _code(content.languages, content.serial)
    kiosk = _code(content.languages, content.kiosk_id)
    page.field(
        labels["receipt"],
        ReceiptText.each(
            content.languages,
            lambda language: (
                f"{serial.get(language)} — {labels['kiosk'].get(language)} {kiosk.get(language)}"
            ),
        ),
    )
    page.field(labels["issued"], content.issued)
    page.rule()
    page.each(labels["number"], "body", centre=True)
    page.paragraph(content.request_number, Language.ENGLISH, "big", centre=True)
    page.gap(0.3)
    page.field(labels["type"], content.request_type)
    page.field(labels["status"], content.status, "bold")
    page.field(labels["updated"], content.last_update)
    page.field(labels["expected"], content.expected_by)
    page.field(labels["next"], content.next_step)
    page.field(labels["id"], _code(content.languages, content.masked_id))
    page.rule()
    page.qr(content.qr_payload)
    page.each(labels["verify"], "body", centre=True)
    return page.finished()

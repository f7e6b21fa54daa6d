"""The receipt drawn as one black-and-white image at the printer's width.

Thermal printers cannot shape Arabic, so the whole receipt, Arabic, Latin and the QR code, is one
1-bit picture. Every field is printed in both languages: the resident's language first, Arabic
right-aligned, English left-aligned.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import qrcode
from PIL import Image, ImageDraw

from kiosk.domain.languages import Language
from kiosk.domain.text import bounded
from kiosk.printing.text import BOLD_FONT, REGULAR_FONT, Shaping, TextStyle, text_style

PAPER_DOTS = {58: 384, 80: 576}
"""Printable width in dots (203 dpi) of the paper widths the office uses, in millimetres."""

QUIET_ZONE_MODULES = 4
_LTR_ISOLATE = "\u2066{}\u2069"


def ltr(text: str) -> str:
    """*text* in a left-to-right isolate: numbers and codes keep their order in Arabic."""
    return _LTR_ISOLATE.format(text)


@dataclass(frozen=True)
class Bilingual:
    """A text in Arabic and in English, the receipt's two languages."""

    LANGUAGES: ClassVar[tuple[Language, Language]] = (Language.ARABIC, Language.ENGLISH)
    """The languages a receipt is printed in, in the order of the fields."""

    ar: str
    en: str

    def get(self, language: Language) -> str:
        """The text in *language*."""
        return self.ar if language == Language.ARABIC else self.en


@dataclass(frozen=True)
class ReceiptContent:
    """Everything a receipt shows, already formatted; the layout only places it."""

    office: Bilingual
    kiosk_id: str
    serial: str
    issued: Bilingual
    request_number: str
    request_type: Bilingual
    status: Bilingual
    last_update: Bilingual
    next_step: Bilingual
    expected_by: Bilingual
    masked_id: str
    qr_payload: str
    labels: Mapping[str, Bilingual]
    """The words of each of RECEIPT_LABELS."""
    first_language: Language = Language.ARABIC


RECEIPT_LABELS = (
    "receipt", "kiosk", "issued", "number", "type", "status", "updated", "next", "expected",
    "id", "verify",
)  # fmt: skip
"""The names of the receipt's labels; their words are the catalogues' ``receipt.label.<name>``."""


@dataclass(frozen=True)
class _Styles:
    body: TextStyle
    bold: TextStyle
    big: TextStyle


class _Page:
    """A tall white canvas that is filled from the top and cropped when the receipt ends."""

    def __init__(self, width: int, styles: _Styles) -> None:
        self.width = width
        self.margin = max(8, width // 48)
        self.styles = styles
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

    def paragraph(
        self, text: str, language: Language, style: TextStyle, centre: bool = False
    ) -> None:
        """Wrapped lines of *text*: Arabic from the right edge, English from the left.

        Through the text layer's net (no controls, a bounded length), and what the font cannot
        draw replaced with a visible mark: whatever a data file holds, the receipt prints.
        """
        rtl = language.rtl
        text = style.drawable(bounded(text))
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

    def both(
        self, text: Bilingual, first: Language, style: TextStyle, centre: bool = False
    ) -> None:
        """*text* in the *first* language, then in the other."""
        # A stable sort on "is not the first": the first language, then the other.
        for language in sorted(Bilingual.LANGUAGES, key=lambda language: language != first):
            self.paragraph(text.get(language), language, style, centre)

    def field(self, label: Bilingual, value: Bilingual, first: Language, style: TextStyle) -> None:
        """One labelled field in both languages."""
        self.both(Bilingual(f"{label.ar}: {value.ar}", f"{label.en}: {value.en}"), first, style)
        self.gap(0.25)

    def rule(self) -> None:
        """A thin line across the paper between sections."""
        self.gap(0.3)
        self.canvas.rectangle((self.margin, self.y, self.width - self.margin, self.y + 1), fill=0)
        self.gap(0.6)

    def gap(self, lines: float) -> None:
        """Blank space of *lines* body lines."""
        self.y += round(self.styles.body.line_height * lines)

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


def render_receipt(
    content: ReceiptContent, width_dots: int, shaping: Shaping | None = None
) -> Image.Image:
    """The receipt as a mode ``"1"`` image *width_dots* wide (384 for 58 mm, 576 for 80 mm).

    ReceiptFontError when the font is missing; a character it lacks prints as a replacement
    mark (never a box, never a receipt refused).
    """
    engine = shaping or Shaping.best()
    body_size = max(18, width_dots // 24)
    styles = _Styles(
        body=text_style(REGULAR_FONT, body_size, engine),
        bold=text_style(BOLD_FONT, round(body_size * 1.15), engine),
        big=text_style(BOLD_FONT, round(body_size * 1.6), engine),
    )
    page = _Page(width_dots, styles)
    first = content.first_language
    labels = content.labels
    page.both(content.office, first, styles.bold, centre=True)
    page.gap(0.2)
    page.field(
        labels["receipt"],
        Bilingual(
            f"{ltr(content.serial)} — {labels['kiosk'].ar} {ltr(content.kiosk_id)}",
            f"{content.serial} — {labels['kiosk'].en} {content.kiosk_id}",
        ),
        first,
        styles.body,
    )
    page.field(labels["issued"], content.issued, first, styles.body)
    page.rule()
    page.both(labels["number"], first, styles.body, centre=True)
    page.paragraph(content.request_number, Language.ENGLISH, styles.big, centre=True)
    page.gap(0.3)
    page.field(labels["type"], content.request_type, first, styles.body)
    page.field(labels["status"], content.status, first, styles.bold)
    page.field(labels["updated"], content.last_update, first, styles.body)
    page.field(labels["expected"], content.expected_by, first, styles.body)
    page.field(labels["next"], content.next_step, first, styles.body)
    page.field(
        labels["id"], Bilingual(ltr(content.masked_id), content.masked_id), first, styles.body
    )
    page.rule()
    page.qr(content.qr_payload)
    page.both(labels["verify"], first, styles.body, centre=True)
    return page.finished()

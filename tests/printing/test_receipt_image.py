"""The receipt picture and its ESC/POS bytes: read back, QR decoded independently, verified."""

from dataclasses import replace
from pathlib import Path

import arabic_reshaper
import pytest
from bidi import get_display
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

from kiosk.domain.languages import ON_SCREEN, Language
from kiosk.domain.models import TawasulRequest
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.typed_text import NOTE_LIMIT
from kiosk.printing.escpos_bytes import raster_image, receipt_bytes
from kiosk.printing.layout import PAPER_DOTS
from kiosk.printing.text import ReceiptFontError, Shaping, TextStyle, find_font, text_style
from kiosk.services.receipts import ReceiptService
from tests.conftest import frozen_clock
from tests.printing.conftest import qr_of


@pytest.mark.parametrize("language", ON_SCREEN)
@pytest.mark.parametrize("shaping", list(Shaping))
@pytest.mark.parametrize("width_mm", [58, 80])
def test_bytes_read_back_to_the_picture_whose_qr_verifies(
    receipts: ReceiptService,
    a_request: TawasulRequest,
    width_mm: int,
    shaping: Shaping,
    language: Language,
) -> None:
    """In every on-screen language (Urdu in Nastaliq with raqm, in Naskh without), at both
    paper widths: nothing replaced, the bytes read back, the QR verifies."""
    receipts = ReceiptService(
        receipts.config, receipts.requests, receipts.files, frozen_clock, shaping
    )
    issued = receipts.issue(a_request, language, width_mm)
    assert issued.image.mode == "1"
    assert issued.image.width == PAPER_DOTS[width_mm]
    assert issued.data.startswith(b"\x1b@")  # ESC @ first, as python-escpos 3.1 needs
    assert issued.data.endswith(b"\x1dV\x00")  # then a full cut
    back = raster_image(issued.data)
    assert ImageChops.difference(back.convert("L"), issued.image.convert("L")).getbbox() is None
    payload = qr_of(issued.data)
    assert payload == issued.payload
    found = receipts.verify(payload)
    assert found.is_authentic
    assert found.payload.request_number == a_request.number
    assert found.status_now is a_request.status


def test_picture_is_pure_black_and_white(
    receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    colors = receipts.issue(a_request).image.convert("L").getcolors()
    assert colors is not None
    assert {value for _, value in colors} == {0, 255}


def test_english_first_receipt_differs_but_carries_the_same_kind_of_code(
    receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    arabic_first = receipts.issue(a_request, Language.ARABIC)
    english_first = receipts.issue(a_request, Language.ENGLISH)
    assert arabic_first.image.tobytes() != english_first.image.tobytes()
    assert receipts.verify(qr_of(english_first.data)).is_authentic
    assert english_first.serial != arabic_first.serial


def _blurred(style: TextStyle, text: str, rtl: bool, as_given: bool = False) -> Image.Image:
    """*text* drawn by *style* (or exactly as given), blurred so 1-dot shifts don't count."""
    image = Image.new("L", (360, 50), 255)
    canvas = ImageDraw.Draw(image)
    if as_given:
        canvas.text((10, 5), text, font=style.font, fill=0)
    else:
        style.draw(canvas, 10, 5, text, rtl)
    return image.filter(ImageFilter.GaussianBlur(5))


def _difference(first: Image.Image, second: Image.Image) -> float:
    return float(ImageStat.Stat(ImageChops.difference(first, second)).mean[0])


@pytest.mark.skipif(Shaping.best() is not Shaping.RAQM, reason="raqm needs libfribidi0")
@pytest.mark.parametrize(
    ("text", "rtl"),
    [("الحالة: تحت المعالجة", True), ("Reason: الصورة غير واضحة", False)],
)
def test_both_shaping_engines_draw_the_same_joined_right_to_left_arabic(
    text: str, rtl: bool
) -> None:
    raqm = text_style("DejaVuSans.ttf", 24, Shaping.RAQM)
    reshaper = text_style("DejaVuSans.ttf", 24, Shaping.RESHAPER)
    by_raqm = _blurred(raqm, text, rtl)
    same = _difference(by_raqm, _blurred(reshaper, text, rtl))
    # Letters unjoined in typed order: what a printer's own text mode prints.
    unshaped = _difference(by_raqm, _blurred(reshaper, text, rtl, as_given=True))
    # Reshaped and reordered, then shaped again by raqm: the tutorial trap that reverses it.
    trap = get_display(arabic_reshaper.reshape(text), base_dir="R" if rtl else "L")
    twice = _difference(by_raqm, _blurred(raqm, trap, rtl, as_given=True))
    # Kerning differs a little between the engines (the basic layout has none), so the same
    # words land a few dots apart; the wrong drawings differ by whole letters.
    assert same * 1.5 < min(twice, unshaped)


def test_a_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReceiptFontError, match="fonts-dejavu-core"):
        find_font("DejaVuSans.ttf", folders=[tmp_path])
    # Urdu's Nastaliq comes from Noto, so the sentence names Noto's package.
    with pytest.raises(ReceiptFontError, match=r"install fonts-noto-core\)"):
        find_font("NotoNastaliqUrdu-Regular.ttf", folders=[tmp_path])


def test_a_character_the_font_lacks_is_replaced_not_a_box_nor_an_error(
    receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    assert text_style("DejaVuSans.ttf", 20, Shaping.best()).drawable("مرحبا 漢") == "مرحبا \ufffd"
    last = replace(a_request.history[-1], note="漢字")
    noted = replace(a_request, status=RequestStatus.REJECTED, history=(*a_request.history, last))
    assert receipts.verify(qr_of(receipts.issue(noted).data)).is_authentic


def test_long_notes_wrap_and_the_page_grows(
    receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    returned = replace(
        a_request,
        status=RequestStatus.RETURNED,
        required_action=("أحضر صورة جواز السفر وخطاب الكفيل مصدقًا. " * 60)[:NOTE_LIMIT],
    )
    issued = receipts.issue(returned, Language.ARABIC, 58)
    # The longest action there may be, in both languages' paragraphs: many lines longer.
    assert issued.image.height > receipts.issue(a_request, Language.ARABIC, 58).image.height + 600
    assert receipts.verify(qr_of(issued.data)).is_authentic


def test_receipt_bytes_of_a_small_picture_round_trip() -> None:
    picture = Image.new("1", (384, 1000), 1)
    picture.paste(0, (8, 8, 100, 990))
    data = receipt_bytes(picture)
    # Taller than 960 dots: python-escpos splits it, and the reader stacks the parts again.
    assert data.count(b"\x1dv0") == 2
    back = raster_image(data)
    assert ImageChops.difference(back.convert("L"), picture.convert("L")).getbbox() is None


def test_bytes_without_a_picture_are_refused() -> None:
    with pytest.raises(ValueError, match="no raster"):
        raster_image(b"\x1b@hello\x1dV\x00")

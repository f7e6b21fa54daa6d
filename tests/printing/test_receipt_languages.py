"""A receipt in the resident's language and Arabic, for every language the kiosk shows: made by
``tawasul receipt --lang``, its ESC/POS bytes read back, its QR verified, and its words the
visit language's, drawn in that script's font (Urdu in Nastaliq)."""

from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from PIL import Image, ImageChops, ImageDraw, ImageFont

from kiosk.cli import main
from kiosk.domain.languages import ON_SCREEN, Language
from kiosk.domain.models import TawasulRequest
from kiosk.printing.escpos_bytes import raster_image
from kiosk.printing.layout import (
    PAPER_DOTS,
    ReceiptContent,
    ReceiptLanguages,
    ltr,
    receipt_languages,
    render_receipt,
)
from kiosk.printing.text import FONT_FOLDERS, MixedStyle, Shaping, script_font, text_style
from kiosk.services import Services
from kiosk.services.i18n import translations
from kiosk.services.receipts import ReceiptService
from tests.printing.conftest import qr_of

CATALOGUES = Path(__file__).parents[2] / "data" / "locale"
NASTALIQ = "NotoNastaliqUrdu-Regular.ttf"
NASKH_AND_LATIN = "DejaVuSans.ttf"
SCRIPT_FILE = {language: NASKH_AND_LATIN for language in ON_SCREEN} | {Language.URDU: NASTALIQ}
"""The font each language's words must be printed in, named here apart from the code."""


def test_each_visit_gets_its_own_language_and_arabic() -> None:
    expected = {
        Language.ARABIC: (Language.ARABIC, Language.ENGLISH),  # as every receipt was before
        Language.ENGLISH: (Language.ENGLISH, Language.ARABIC),
        Language.URDU: (Language.URDU, Language.ARABIC),
        Language.FILIPINO: (Language.FILIPINO, Language.ARABIC),
        Language.INDONESIAN: (Language.INDONESIAN, Language.ARABIC),
    }
    assert {language: tuple(receipt_languages(language)) for language in ON_SCREEN} == expected


def font_file(name: str) -> Path:
    """The installed font file *name* (the test needs the font the receipt should use)."""
    found = [folder / name for folder in FONT_FOLDERS if (folder / name).is_file()]
    assert found, f"{name} is not installed (apt-get install fonts-dejavu-core fonts-noto-core)"
    return found[0]


def drawn_by_pillow(text: str, language: Language, font_name: str, width: int) -> Image.Image:
    """*text* centred on a line *width* dots wide, drawn by Pillow and raqm straight from the
    font file at the receipt's body size, in the receipt's black and white."""
    font = ImageFont.truetype(
        str(font_file(font_name)), max(18, width // 24), layout_engine=ImageFont.Layout.RAQM
    )
    direction = "rtl" if language.rtl else "ltr"
    used = round(font.getlength(text, direction=direction))
    ascent, descent = font.getmetrics()
    line = Image.new("L", (width, 2 * (ascent + descent)), 255)
    ImageDraw.Draw(line).text(
        ((width - used) // 2, 0), text, font=font, fill=0, direction=direction
    )
    return line.point(lambda v: 255 if v >= 128 else 0).convert("1")


def holds_line(receipt: Image.Image, line: Image.Image) -> bool:
    """Whether the ink of *line* is somewhere on *receipt*, dot for dot, at the same x."""
    ink = ImageChops.invert(line.convert("L")).getbbox()
    assert ink is not None
    left, top, right, bottom = ink
    wanted = line.crop(ink).convert("L")
    for y in range(receipt.height - (bottom - top)):
        window = receipt.crop((left, y, right, y + bottom - top)).convert("L")
        if ImageChops.difference(window, wanted).getbbox() is None:
            return True
    return False


def receipt_of(
    capsys: pytest.CaptureFixture[str], db: Path, number: str, folder: Path, code: str
) -> tuple[bytes, Path]:
    """`tawasul receipt NUMBER --lang CODE --out F --png P`: the bytes, and the preview's path."""
    out, png = folder / f"{code}.escpos", folder / f"{code}.png"
    args = ["receipt", number, "--db", str(db), "--lang", code, "--out", str(out)]
    exit_code = main([*args, "--png", str(png), "--width", "80"])
    _, err = capsys.readouterr()
    assert (exit_code, err) == (0, ""), err
    return out.read_bytes(), png


@pytest.mark.skipif(Shaping.best() is not Shaping.RAQM, reason="raqm needs libfribidi0")
@pytest.mark.parametrize("language", ON_SCREEN)
def test_the_printed_receipt_is_in_the_residents_language_and_its_qr_verifies(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    a_request: TawasulRequest,
    tmp_path: Path,
    language: Language,
) -> None:
    data, png = receipt_of(capsys, demo_db, a_request.number, tmp_path, language.value)
    printed = raster_image(data)
    assert printed.width == PAPER_DOTS[80]
    assert (
        ImageChops.difference(printed.convert("L"), Image.open(png).convert("L")).getbbox() is None
    )
    for picture in (tmp_path / f"{language.value}.escpos", png):
        code = main(["verify", "--image", str(picture), "--db", str(demo_db)])
        assert (code, capsys.readouterr().out.splitlines()[0][:9]) == (0, "AUTHENTIC")
    assert qr_of(data).split("/")[1] == a_request.number
    # The header over the request number, in each of the receipt's two languages, drawn as
    # Pillow and raqm draw that string in the script's font: the paper really shows it.
    for shown in receipt_languages(language):
        header = translations(shown)("receipt.label.number")
        expected = drawn_by_pillow(header, shown, SCRIPT_FILE[shown], printed.width)
        assert holds_line(printed, expected), (language, shown, header)
    # ...and is not on the receipt of a visit in another language (the check can fail); every
    # receipt has Arabic, so for Arabic there is none.
    if language is not Language.ARABIC:
        other = Language.FILIPINO if language is Language.ENGLISH else Language.ENGLISH
        other_data, _ = receipt_of(capsys, demo_db, a_request.number, tmp_path, other.value)
        header = translations(language)("receipt.label.number")
        own = drawn_by_pillow(header, language, SCRIPT_FILE[language], printed.width)
        assert not holds_line(raster_image(other_data), own)


@pytest.mark.skipif(Shaping.best() is not Shaping.RAQM, reason="raqm needs libfribidi0")
def test_urdu_is_printed_in_nastaliq_not_naskh(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest, tmp_path: Path
) -> None:
    data, _ = receipt_of(capsys, demo_db, a_request.number, tmp_path, "ur")
    printed = raster_image(data)
    header = translations(Language.URDU)("receipt.label.number")
    naskh = drawn_by_pillow(header, Language.URDU, NASKH_AND_LATIN, printed.width)
    nastaliq = drawn_by_pillow(header, Language.URDU, NASTALIQ, printed.width)
    assert holds_line(printed, nastaliq) and not holds_line(printed, naskh)


@pytest.mark.parametrize("language", ON_SCREEN)
def test_every_field_is_in_the_visit_language_and_arabic(
    receipts: ReceiptService,
    services: Services,
    a_request: TawasulRequest,
    language: Language,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What ``issue`` hands the layout: the catalogues' words and the request type's name in
    the visit language, then in Arabic (English for an Arabic visit)."""
    contents: list[ReceiptContent] = []

    def keep(content: ReceiptContent, *args: Any) -> Image.Image:
        contents.append(content)
        return render_receipt(content, *args)

    monkeypatch.setattr("kiosk.services.receipts.render_receipt", keep)
    issued = receipts.issue(a_request, language)
    (content,) = contents
    languages = content.languages
    assert languages == receipt_languages(language)
    assert isinstance(languages, ReceiptLanguages)
    kind = services.requests.request_type(a_request)
    for shown in languages:
        words = translations(shown)
        assert content.status.get(shown) == words.status_label(a_request.status)
        assert content.request_type.get(shown) == kind.name(shown.value)
        assert content.labels["next"].get(shown) == words("receipt.label.next")
    for text in (content.status, content.next_step, content.labels["type"]):
        assert [part for part, _ in text.parts] == list(languages)
    # The office has a name in Arabic and English only: the English one stands in the others'.
    office = [written for written, _ in content.office.parts]
    if language is Language.ARABIC:
        assert office == [Language.ARABIC, Language.ENGLISH]
    else:
        assert office == [Language.ENGLISH, Language.ARABIC]
    assert receipts.verify(issued.payload).is_authentic


@pytest.mark.skipif(Shaping.best() is not Shaping.RAQM, reason="raqm needs libfribidi0")
def test_latin_inside_urdu_is_drawn_in_dejavu_on_the_left_of_the_urdu_before_it() -> None:
    """Nastaliq has no Latin letters and no "*": a kiosk id or a masked ID in an Urdu line is
    drawn in DejaVu, as a left-to-right island left of the Urdu words before it."""
    nastaliq = text_style(NASTALIQ, 24, Shaping.RAQM)
    dejavu = text_style(NASKH_AND_LATIN, 24, Shaping.RAQM)
    mixed = MixedStyle(nastaliq, dejavu)
    line = f"شناختی نمبر: {ltr('******7803')}"
    assert mixed.drawable(line) == line  # nothing replaced
    assert [(style.path.name, words) for style, words in mixed.runs(line)] == [
        (NASTALIQ, "شناختی نمبر: \u2066"),
        (NASKH_AND_LATIN, "******7803\u2069"),
    ]
    drawn = Image.new("L", (mixed.width(line, True) + 20, mixed.line_height), 255)
    mixed.draw(ImageDraw.Draw(drawn), 10, 0, line, rtl=True)
    island = Image.new("L", drawn.size, 255)
    dejavu.draw(ImageDraw.Draw(island), 10, nastaliq.ascent - dejavu.ascent, "******7803", False)
    island_box = ImageChops.invert(island).getbbox()
    assert island_box is not None
    # The island stands at the line's left end, in its own order ("******" before "7803").
    left, right = island_box[0], island_box[2]
    assert left < 14  # drawn from x = 10: nothing of the line is left of it
    assert ImageChops.difference(drawn.crop(island_box), island.crop(island_box)).getbbox() is None
    urdu_box = ImageChops.invert(drawn.crop((right, 0, drawn.width, drawn.height))).getbbox()
    assert urdu_box is not None and urdu_box[2] - urdu_box[0] > 60


@pytest.mark.parametrize("shaping", list(Shaping))
@pytest.mark.parametrize("language", ON_SCREEN)
def test_every_word_of_a_language_has_its_glyphs_on_paper(
    services: Services, language: Language, shaping: Shaping
) -> None:
    """Each message of the language's catalogue and each request type's name is drawn by the
    language's receipt font with DejaVu beside it: no replacement mark where Urdu is written
    (DejaVu alone lacks ہ, ے and ۔; Urdu without raqm is printed in Noto Naskh)."""
    own = text_style(script_font(language, False, shaping), 24, shaping)
    mixed = MixedStyle(own, text_style(NASKH_AND_LATIN, 24, shaping))
    with (CATALOGUES / language.value / "LC_MESSAGES" / "kiosk.po").open("rb") as po:
        texts = [str(message.string) for message in read_po(po) if message.id]
    texts += [kind.name(language.value) for kind in services.catalogue]
    assert [text for text in texts if not mixed.covers(text)] == []

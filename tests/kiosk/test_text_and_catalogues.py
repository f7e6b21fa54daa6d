"""The text layer (DESIGN §6), the translation catalogues, and the QR drawn on screen."""

import re
import string
from pathlib import Path

import pytest
import zxingcpp
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from kiosk.domain.languages import BidiMode, Language
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.text import display_line, display_lines, left_to_right, mirrors_layout
from kiosk.printing.layout import RECEIPT_LABELS
from kiosk.printing.problems import Problem
from kiosk.services.i18n import LANGUAGES, catalogue_path, read_catalogue, translations
from screens.resident.help import FAQ_KEYS
from widgets import qr_rows

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *ROOT.joinpath("screens", "resident").glob("*.py"),
    *ROOT.joinpath("widgets").glob("*.py"),
    ROOT / "kiosk" / "app" / "kiosk.py",
    *ROOT.joinpath("kiosk", "services").glob("*.py"),
]
# A string literal that looks like a message key (dotted lower-case words), wherever it is:
# handed to a translating helper, or kept in a table that picks the key.
KEY_LITERAL = re.compile(r"""["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
FILE_SUFFIXES = (".tcss", ".py", ".po", ".json")
NAMESPACES = {"common", "welcome", "signin", "number", "types", "list", "status", "print"}
NAMESPACES |= {"fallback", "help", "idle", "pin", "oos", "nafath", "receipt.expected"}
NAMESPACES |= {"receipt.label", "receipt.moment", "date", "month"}
# (only receipt.expected, .label and .moment: the services also name audit actions such as
# receipt.retry)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def used_keys() -> set[str]:
    """Every message key the resident screens can show: the literal ones and the families."""
    keys = {
        key
        for path in SOURCES
        for key in KEY_LITERAL.findall(path.read_text("utf-8"))
        if not key.endswith(FILE_SUFFIXES)
        and any(f"{key}.".startswith(f"{space}.") for space in NAMESPACES)
    } - set(FAQ_KEYS)
    parts = ("meaning", "next", "label", "staff")
    keys |= {f"status.{s.value}.{part}" for s in RequestStatus for part in parts}
    keys |= {f"month.{calendar}.{n}" for calendar in ("gregorian", "hijri") for n in range(1, 13)}
    keys |= {f"receipt.label.{name}" for name in RECEIPT_LABELS}
    keys |= {s.next_step(working_days_left=-1) for s in RequestStatus}  # a late request's
    keys |= {f"{key}.{part}" for key in FAQ_KEYS for part in ("q", "a")}
    keys |= {f"print.problem.{code}" for code in (*Problem, "other")}
    keys |= {"pin.wrong", "pin.locked", "pin.not_set"}
    return keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_reader_agrees_with_babel(language: Language, tmp_path: Path) -> None:
    """The kiosk's small reader gives what Babel reads, escapes and continued lines included."""
    shipped = catalogue_path(language)
    extra = tmp_path / "extra.po"
    extra.write_text(
        shipped.read_text(encoding="utf-8")
        + '\n#, fuzzy\nmsgid "x.multi"\nmsgstr ""\n"one \\"two\\"\\n"\n"three\\tfour"\n'
        + '\n#~ msgid "x.gone"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    for path in (shipped, extra):
        with path.open("rb") as handle:
            babel = {str(m.id): str(m.string or "") for m in read_po(handle) if m.id}
        assert read_catalogue(path) == babel
    assert read_catalogue(extra)["x.multi"] == 'one "two"\nthree\tfour'


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_the_screens_use_is_translated(language: Language) -> None:
    """A key used by a screen but missing or empty in a shipped catalogue fails here."""
    messages = read_catalogue(catalogue_path(language))
    missing = sorted(key for key in used_keys() if not messages.get(key, "").strip())
    assert missing == []


def test_catalogues_hold_the_same_keys_and_placeholders() -> None:
    """Every key is in every language, translated, with the same ``{fields}``."""
    catalogues = {lang: read_catalogue(catalogue_path(lang)) for lang in LANGUAGES}
    keys = set().union(*catalogues.values())
    for key in sorted(keys):
        fields = {
            lang: sorted(PLACEHOLDER.findall(messages.get(key, "")))
            for lang, messages in catalogues.items()
        }
        assert all(messages.get(key, "").strip() for messages in catalogues.values()), key
        assert len({tuple(f) for f in fields.values()}) == 1, (key, fields)


def test_no_catalogue_key_is_left_unused() -> None:
    """Messages nobody shows are dead weight for translators."""
    assert set(read_catalogue(catalogue_path(Language.ENGLISH))) - used_keys() == set()


def test_translations_fill_fields_and_show_a_missing_key() -> None:
    """Fields are filled; an unknown key shows itself rather than failing the kiosk."""
    tr = translations("en")
    assert tr("number.wait", seconds=4) == "Please wait 4 seconds before trying again."
    assert tr("no.such.key") == "no.such.key"
    assert translations("ar").rtl and not tr.rtl


def test_app_mode_shapes_and_reorders_each_line() -> None:
    """Arabic comes out joined and in visual order; brackets are mirrored; English untouched."""
    line = display_line("طلب رقم 1234 (Request #1234)", BidiMode.APP, rtl=True)
    assert line == "(Request #1234) 1234 ﻢﻗﺭ ﺐﻠﻃ"
    assert display_line("Request 1234", BidiMode.APP, rtl=False) == "Request 1234"


def test_terminal_mode_hands_over_logical_text() -> None:
    """A bidi terminal shapes and reorders by itself, so the text stays as stored."""
    assert display_line("مرحبا بكم", BidiMode.TERMINAL, rtl=True) == "مرحبا بكم"
    assert not mirrors_layout(BidiMode.TERMINAL, rtl=True)
    assert mirrors_layout(BidiMode.APP, rtl=True)


def test_wrapping_happens_before_reordering() -> None:
    """The first line of a paragraph holds its first words (not its last, as reorder-then-wrap)."""
    text = "اختر لغتك للبدء تحتاج إلى رقم الهوية"
    lines = display_lines(text, 16, BidiMode.APP, rtl=True)
    assert len(lines) > 1
    first_words = display_line("اختر لغتك للبدء", BidiMode.APP, rtl=True)
    assert lines[0] == first_words


def test_isolated_numbers_keep_their_order_and_leave_no_marks() -> None:
    """A masked ID inside Arabic stays ``******6546``; no direction control reaches the screen."""
    line = display_line(f"الرقم {left_to_right('******6546')}: صحيح", BidiMode.APP, rtl=True)
    assert "******6546" in line
    assert not re.search("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", line)
    assert display_line(left_to_right("******6546"), BidiMode.APP, rtl=False) == "******6546"


@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي 0123456789()-.:" + string.ascii_letters))
def test_display_lines_fit_their_width(text: str) -> None:
    """Whatever the text, no display line is wider than the width it was wrapped to."""
    for width in (8, 30):
        for line in display_lines(text, width, BidiMode.APP, rtl=True):
            assert len(line) <= width or " " not in line.strip()


def test_the_qr_on_screen_decodes() -> None:
    """The half-block QR, drawn as pixels, reads back as its payload."""
    payload = "TW1/9000000209/RT/20261125T070000Z/000042/KIOSK-01/ABCD/K7Q2M4XW9P3R5T6Y"
    rows = qr_rows(payload)
    scale = 6
    image = Image.new("L", (len(rows[0]) * scale, len(rows) * 2 * scale), 255)
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            for half, dark in enumerate((char in "█▀", char in "█▄")):
                if dark:
                    top = (2 * y + half) * scale
                    image.paste(0, (x * scale, top, (x + 1) * scale, top + scale))
    found = zxingcpp.read_barcodes(image)
    assert [result.text for result in found] == [payload]

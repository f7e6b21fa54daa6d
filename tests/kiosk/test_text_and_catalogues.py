"""The text layer (DESIGN §6), the translation catalogues, and the QR drawn on screen."""

import gettext
import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from hatch_build import LANGUAGE_NAMES, TEMPLATE, compile_catalogues, language_names, template
from kiosk.domain.languages import BidiMode, Language
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.text import display_line, display_lines, left_to_right, mirrors_layout
from kiosk.printing.layout import RECEIPT_LABELS
from kiosk.printing.problems import Problem
from kiosk.resources import request_types
from kiosk.services.i18n import (
    LANGUAGES,
    catalogue_path,
    compiled_path,
    language_name,
    load_translations,
    translations,
)
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
NAMESPACES |= {"fallback", "help", "idle", "pin", "oos", "nafath", "access", "receipt.expected"}
NAMESPACES |= {"receipt.label", "receipt.moment", "date", "speech", "answer"}
# (only receipt.expected, .label and .moment: the services also name audit actions such as
# receipt.retry)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# The numbers every plural entry is tried at (Arabic's six forms: 0, 1, 2, 3–10, 11–99, 100…).
PLURAL_TRIES = (0, 1, 2, 3, 11, 100)
# CLDR's plural categories in the order gettext numbers the forms (Babel's to_gettext).
CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def read_catalogue(path: Path) -> Catalog:
    """The ``.po`` file at *path*, as Babel (the translators' tool) reads it."""
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parts[-3])


def forms(catalogue: Catalog) -> dict[str, tuple[str, ...]]:
    """Key → its translation: one string, or one per plural form (the header left out)."""
    found: dict[str, tuple[str, ...]] = {}
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, str):
            found[message.id] = (str(message.string or ""),)
        else:
            found[str(message.id[0])] = tuple(str(s or "") for s in message.string or ())
    return found


def plural_keys() -> set[str]:
    """The keys English keeps as plural entries (every message with a count)."""
    english = read_catalogue(catalogue_path(Language.ENGLISH))
    return {str(m.id[0]) for m in english if m.id and m.pluralizable}


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
    keys |= {f"receipt.label.{name}" for name in RECEIPT_LABELS}
    keys |= {s.next_step(working_days_left=-1) for s in RequestStatus}  # a late request's
    keys |= {f"{key}.{part}" for key in FAQ_KEYS for part in ("q", "a")}
    keys |= {f"print.problem.{code}" for code in (*Problem, "other")}
    keys |= {"pin.wrong", "pin.locked", "pin.not_set"}
    # What a resident may answer to a returned request: the codes of data/request_types.json.
    keys |= {f"answer.choice.{code}" for kind in request_types() for code in kind.answers}
    return keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_holds_what_the_po_says(language: Language) -> None:
    """The ``.mo`` the kiosk reads is the ``.po`` compiled (not a stale one): each message, each
    plural form and the header's plural rule."""
    catalogue = read_catalogue(catalogue_path(language))
    with compiled_path(language).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for key, translated in forms(catalogue).items():
        if len(translated) == 1:
            assert compiled.gettext(key) == translated[0], key
        else:
            chosen = {compiled.ngettext(key, key, n) for n in range(200)}
            assert chosen == set(translated), key
    assert compiled.info()["plural-forms"] == catalogue.plural_forms


def test_the_language_names_are_cldrs() -> None:
    """``data/cldr/language_names.json`` is what Babel's CLDR data says now (``python
    hatch_build.py language-names`` writes it again), one name per language, in its script."""
    shipped = json.loads(LANGUAGE_NAMES.read_text(encoding="utf-8"))
    assert shipped["names"] == language_names()["names"]
    assert set(shipped["names"]) == set(Language)
    assert (language_name(Language.URDU), language_name(Language.ARABIC)) == ("اردو", "العربية")


def test_a_key_missing_from_a_catalogue_shows_itself(tmp_path: Path) -> None:
    """An empty or fuzzy translation is left out of the ``.mo``, and its key is shown."""
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    folder.joinpath("kiosk.po").write_text(
        catalogue_path(Language.ENGLISH).read_text("utf-8")
        + '\nmsgid "x.empty"\nmsgstr ""\n\n#, fuzzy\nmsgid "x.fuzzy"\nmsgstr "guess"\n',
        encoding="utf-8",
    )
    assert compile_catalogues(tmp_path) == [folder / "kiosk.mo"]
    tr = load_translations(Language.ENGLISH, tmp_path)
    assert (tr("x.empty"), tr("x.fuzzy"), tr("pin.exit")) == ("x.empty", "x.fuzzy", "Exit")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_the_screens_use_is_translated(language: Language) -> None:
    """A key used by a screen but missing or empty in a shipped catalogue fails here."""
    messages = forms(read_catalogue(catalogue_path(language)))
    missing = sorted(
        key for key in used_keys() if not all(f.strip() for f in messages.get(key, ("",)))
    )
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_hold_the_same_keys_and_placeholders(language: Language) -> None:
    """Every key of English is in every language and no other, translated in every form, with
    English's ``{fields}``; a plural entry is plural everywhere, and only its ``{count}`` may be
    left out of a form whose words say the number (Arabic ثانية واحدة). One case per language,
    so a missing catalogue fails alone."""
    english = forms(read_catalogue(catalogue_path(Language.ENGLISH)))
    catalogue = read_catalogue(catalogue_path(language))
    messages = forms(catalogue)
    assert set(messages) == set(english), language
    for key in sorted(english):
        translated = messages[key]
        assert translated and all(f.strip() for f in translated), (language, key)
        plural = key in plural_keys()
        assert len(translated) == (catalogue.num_plurals if plural else 1), (language, key)
        found = [set(PLACEHOLDER.findall(f)) for f in translated]
        if plural:
            assert "count" in found[-1], (language, key)  # the "other" form: 100, 1.5, …
        fields = set().union(*found) - ({"count"} if plural else set())
        expected = set(PLACEHOLDER.findall(" ".join(english[key]))) - (
            {"count"} if plural else set()
        )
        assert fields == expected, (language, key, fields)


def test_no_catalogue_key_is_left_unused() -> None:
    """Messages nobody shows are dead weight for translators."""
    english = forms(read_catalogue(catalogue_path(Language.ENGLISH)))
    assert set(english) - used_keys() == set()


def test_every_number_message_is_a_plural_entry() -> None:
    """A message whose field is a count (seconds, days) picks its words by the number."""
    english = forms(read_catalogue(catalogue_path(Language.ENGLISH)))
    counted = {key for key, text in english.items() if re.search(r"\{count\} \w", text[-1])}
    counted -= {"common.repeated"}  # "(try {count})": an ordinal, the same in every form
    assert counted == plural_keys()
    assert {"number.wait", "idle.message", "status.expected_left"} <= plural_keys()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plural_rule_of_each_catalogue_is_cldrs(language: Language) -> None:
    """The ``Plural-Forms`` header picks, for every count, the form of CLDR's category for that
    count in that language (Babel's Locale.plural_form): a new language's header cannot be
    wrong. Arabic: zero, one, two, few (3–10), many (11–99), other (100–102, …)."""
    catalogue = read_catalogue(catalogue_path(language))
    rule = Locale.parse(language).plural_form
    categories = [c for c in CATEGORIES if c in rule.tags or c == "other"]
    header = gettext.c2py(catalogue.plural_expr)
    assert catalogue.num_plurals == len(categories) == get_plural(language).num_plurals
    for n in range(1000):
        assert header(n) == categories.index(rule(n)), (language, n, rule(n))


ENGLISH_WAIT = {1: "Please wait 1 second before trying again."}
ARABIC_WAIT = {
    0: "فضلًا انتظر 0 ثانية قبل المحاولة مرة أخرى.",
    1: "فضلًا انتظر ثانية واحدة قبل المحاولة مرة أخرى.",
    2: "فضلًا انتظر ثانيتين قبل المحاولة مرة أخرى.",
    3: "فضلًا انتظر 3 ثوانٍ قبل المحاولة مرة أخرى.",
    11: "فضلًا انتظر 11 ثانية قبل المحاولة مرة أخرى.",
    100: "فضلًا انتظر 100 ثانية قبل المحاولة مرة أخرى.",
}


@pytest.mark.parametrize("count", PLURAL_TRIES)
def test_counts_pick_their_plural_form(count: int) -> None:
    """1 second, 2 seconds; in Arabic ثانية واحدة, ثانيتين, 3 ثوانٍ, 11 ثانية, 100 ثانية."""
    english, arabic = translations(Language.ENGLISH), translations(Language.ARABIC)
    wait = ENGLISH_WAIT.get(count, f"Please wait {count} seconds before trying again.")
    assert english.plural("number.wait", count) == wait
    assert arabic.plural("number.wait", count) == ARABIC_WAIT[count]
    idle = english.plural("idle.message", count)
    assert idle.endswith(f"ends in {count} second{'' if count == 1 else 's'}.")
    late = english.plural("status.expected_late", count, date="1 May")
    assert late == f"Expected answer by 1 May: {count} working day{'' if count == 1 else 's'} late."


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("count", PLURAL_TRIES)
def test_every_plural_entry_reads_its_form(language: Language, count: int) -> None:
    """Each plural entry at 0, 1, 2, 3, 11 and 100: the form of the count's CLDR category, all
    fields filled, the number written where the form writes it."""
    tr = translations(language)
    catalogue = read_catalogue(catalogue_path(language))
    rule = Locale.parse(language).plural_form
    categories = [c for c in CATEGORIES if c in rule.tags or c == "other"]
    for key in sorted(plural_keys()):
        form = forms(catalogue)[key][categories.index(rule(count))]
        shown = tr.plural(key, count, date="D")
        written = tr.number(count)  # in the language's digits (Bengali's own, say)
        assert shown == form.format(count=written, date="D"), (key, count)
        assert "{" not in shown
        assert (written in shown) == ("{count}" in form)


def test_translations_fill_fields_and_show_a_missing_key() -> None:
    """Fields are filled; an unknown key shows itself rather than failing the kiosk."""
    tr = translations("en")
    assert tr.plural("number.wait", 4) == "Please wait 4 seconds before trying again."
    assert tr("signin.hint.typing", typed=4) == "4 of 10 digits"
    assert tr("no.such.key") == "no.such.key"
    assert tr.plural("no.such.key", 2) == "no.such.key"
    assert translations("ar").rtl and not tr.rtl


def test_counts_are_written_the_cldr_way() -> None:
    """Counts take CLDR's grouping in the language's digits (Western in Arabic and English)."""
    english = translations("en").plural("status.expected_left", 1200, date="D")
    assert english == "Expected answer by D: 1,200 working days left."
    arabic = translations("ar").plural("status.expected_left", 1200, date="D")
    assert arabic == "الرد المتوقع قبل D: بقي 1,200 يوم عمل."


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


def template_entries(catalogue: Catalog) -> dict[object, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each message of a template: its translators' comments and the files that name it."""
    return {
        message.id if isinstance(message.id, str) else tuple(message.id): (
            tuple(message.auto_comments),
            tuple(sorted({path for path, _ in message.locations})),
        )
        for message in catalogue
        if message.id
    }


def test_the_template_says_where_each_message_appears() -> None:
    """``data/locale/kiosk.pot`` holds every key (plurals as plurals), each with a comment on
    where it appears; after adding keys, ``python hatch_build.py template`` writes it again."""
    with TEMPLATE.open("rb") as handle:
        shipped = read_po(handle)
    assert template_entries(shipped) == template_entries(template())
    english = forms(read_catalogue(catalogue_path(Language.ENGLISH)))
    assert {str(m.id if isinstance(m.id, str) else m.id[0]) for m in shipped if m.id} == set(
        english
    )
    assert {str(m.id[0]) for m in shipped if m.pluralizable} == plural_keys()
    assert all(m.auto_comments[0].startswith("Where: ") for m in shipped if m.id)
    # A plural entry's comment says what its {count} counts.
    assert all("{count}" in " ".join(m.auto_comments) for m in shipped if m.pluralizable)


@pytest.mark.parametrize("code", ["bn", "ur", "hi", "ml", "fil", "id"])
def test_a_new_language_starts_from_the_template_with_cldrs_plurals(
    code: str, tmp_path: Path
) -> None:
    """``pybabel init -l CODE`` from the template gives a catalogue whose plural header is
    CLDR's, and which compiles to one the kiosk's reader picks plural forms from."""
    pybabel = Path(sys.executable).with_name("pybabel")
    arguments: list[str | Path] = [
        pybabel,
        "-q",
        "init",
        "-i",
        TEMPLATE,
        "-d",
        tmp_path,
        "-D",
        "kiosk",
    ]
    subprocess.run([*arguments, "-l", code], check=True)
    po = tmp_path / code / "LC_MESSAGES" / "kiosk.po"
    catalogue = read_catalogue(po)
    rule = Locale.parse(code).plural_form
    categories = [c for c in CATEGORIES if c in rule.tags or c == "other"]
    header = gettext.c2py(catalogue.plural_expr)
    assert catalogue.num_plurals == len(categories)
    assert all(header(n) == categories.index(rule(n)) for n in range(1000))
    for message in catalogue:  # a translator's work: each form names its own category
        if message.pluralizable:
            message.string = tuple(f"{c} {{count}}" for c in categories)
    with po.open("wb") as target:
        write_po(target, catalogue)
    [mo] = compile_catalogues(tmp_path)
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for n in PLURAL_TRIES:
        chosen = compiled.ngettext("number.wait", "number.wait", n)
        assert chosen == f"{rule(n)} {{count}}", (code, n)

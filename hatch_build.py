"""The catalogues' tooling: the build step that compiles every ``data/locale/*/LC_MESSAGES/*.po``
to the ``.mo`` beside it, which the kiosk reads with the standard library's gettext, and the
translators' template ``data/locale/kiosk.pot`` (``python hatch_build.py template``), and the
Umm al-Qura month names of ``data/cldr/islamic_months.json`` taken from Unicode CLDR
(``python hatch_build.py hijri-months [CLDR_VERSION]``: Babel's locale data leaves out CLDR's
islamic calendar, so its names are read from Unicode's own JSON release, fetched with npm), and
each language's own name in ``data/cldr/language_names.json`` (``python hatch_build.py
language-names``, from Babel's CLDR data: Welcome reads the file rather than importing Babel),
and the Saudi public holidays of ``data/holidays/saudi_arabia.json`` (``python hatch_build.py
saudi-holidays``, from the holidays package: the staff console reads the file rather than
importing the package).

Hatchling runs it for every wheel, an editable install's too (``pip install -e .``), so a
checkout that was installed has compiled catalogues, and a wheel carries them in ``kiosk/_data``
(pyproject's force-include of ``data``). The ``.mo`` files are build products: git ignores them.
"""

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent
LOCALE = ROOT / "data" / "locale"
TEMPLATE = LOCALE / "kiosk.pot"

# Where the messages of each key family appear, for the translators' template.
PLACES = {
    "common": "Buttons and notes on every resident screen",
    "access": "The high contrast and large layout switches, top line of every resident screen",
    "welcome": "Welcome (the first screen)",
    "signin": "Sign in: ID or Iqama number and Absher password, with hints while typing",
    "nafath": "Sign in with Nafath: the number to choose in the Nafath app",
    "number": "Find a request by its number (after sign-in, or the quick lookup)",
    "types": "Request types of the person signed in",
    "list": "The person's requests of one type",
    "status": "The status screen of one request (the receipt repeats its next step)",
    "print": "The status screen while and after printing",
    "fallback": "The status screen when no receipt could be printed",
    "help": "The Help dialog (questions and answers)",
    "idle": 'The "are you still there?" countdown over any screen',
    "pin": "The staff exit dialog on Welcome",
    "oos": "The out-of-service screen",
    "receipt": "The printed receipt",
    "answer": "Answering a returned request: the choices, the text, the review and sending",
    "date": "Dates on the status screen, the receipt, and the staff console",
    "speech": "Every resident screen's footer when the office turned spoken guidance on",
}
# The code that names a key as a literal: its #: locations in the template.
SOURCES = ("kiosk", "screens", "widgets")
_KEY_LITERAL = re.compile(r"""["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


HIJRI_MONTHS = ROOT / "data" / "cldr" / "islamic_months.json"
CLDR_ISLAMIC = "cldr-cal-islamic-full"
"""Unicode's npm package of CLDR's islamic calendar (its folders are CLDR locale codes)."""
CLDR_LANGUAGES = ("ar", "en", "bn", "ur", "hi", "ml", "fil", "id")
"""The kiosk's languages and the six the next languages issue adds."""


def hijri_month_names(version: str) -> dict[str, Any]:
    """The wide month names of CLDR *version*'s islamic calendar for :data:`CLDR_LANGUAGES`."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["npm", "pack", f"{CLDR_ISLAMIC}@{version}", "--silent"], cwd=folder,
                       check=True, capture_output=True)  # fmt: skip
        (archive,) = Path(folder).glob("*.tgz")
        with tarfile.open(archive) as package:

            def read(member: str) -> Any:
                source = package.extractfile(f"package/{member}")
                assert source is not None, member
                return json.load(source)

            months = {}
            for language in CLDR_LANGUAGES:
                calendars = read(f"main/{language}/ca-islamic.json")["main"][language]["dates"]
                wide = calendars["calendars"]["islamic"]["months"]["format"]["wide"]
                months[language] = [wide[str(number)] for number in range(1, 13)]
            release = read("package.json")["version"]
    return {"source": f"Unicode CLDR {release} ({CLDR_ISLAMIC} on npm)", "months": months}


def write_hijri_months(version: str = "48.2.0") -> Path:
    """Write :func:`hijri_month_names` of CLDR *version* to ``data/cldr/islamic_months.json``."""
    HIJRI_MONTHS.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(hijri_month_names(version), ensure_ascii=False, indent=1)
    HIJRI_MONTHS.write_text(text + "\n", encoding="utf-8")
    return HIJRI_MONTHS


LANGUAGE_NAMES = ROOT / "data" / "cldr" / "language_names.json"


def language_names() -> dict[str, Any]:
    """Each of :data:`CLDR_LANGUAGES`' name in its own language and script, as CLDR writes it
    (Babel's locale data: its ``Locale.get_display_name`` of the language in itself)."""
    import babel
    from babel import Locale

    names = {code: Locale.parse(code).get_display_name(code) for code in CLDR_LANGUAGES}
    return {"source": f"Unicode CLDR through Babel {babel.__version__}", "names": names}


def write_language_names() -> Path:
    """Write :func:`language_names` to ``data/cldr/language_names.json``."""
    LANGUAGE_NAMES.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(language_names(), ensure_ascii=False, indent=1)
    LANGUAGE_NAMES.write_text(text + "\n", encoding="utf-8")
    return LANGUAGE_NAMES


SAUDI_HOLIDAYS = ROOT / "data" / "holidays" / "saudi_arabia.json"
SAUDI_HOLIDAY_YEARS = (2000, 2070)
"""The years the shipped table covers, first and last: the kiosk's requests and their answer
dates (at most ten years on) fall in them; the calendar asks the holidays package of any other."""


def saudi_holidays(years: tuple[int, int] = SAUDI_HOLIDAY_YEARS) -> dict[str, Any]:
    """The holidays package's Saudi public holidays (observed days too) of *years*, first to
    last, with the English names the calendar gives (``kiosk.domain.calendar``'s language)."""
    import holidays

    from kiosk.domain.calendar import HOLIDAY_NAMES_LANGUAGE

    first, last = years
    table = holidays.country_holidays(
        "SA", years=range(first, last + 1), language=HOLIDAY_NAMES_LANGUAGE
    )
    return {
        "source": f"holidays {holidays.__version__}, country SA, {HOLIDAY_NAMES_LANGUAGE}",
        "years": [first, last],
        "holidays": {day.isoformat(): str(name) for day, name in sorted(table.items())},
    }


def write_saudi_holidays() -> Path:
    """Write :func:`saudi_holidays` to ``data/holidays/saudi_arabia.json``."""
    SAUDI_HOLIDAYS.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(saudi_holidays(), ensure_ascii=False, indent=1)
    SAUDI_HOLIDAYS.write_text(text + "\n", encoding="utf-8")
    return SAUDI_HOLIDAYS


def compile_catalogues(locale: Path = LOCALE) -> list[Path]:
    """Compile each ``.po`` under *locale* to its ``.mo`` (fuzzy and empty messages left out, as
    ``pybabel compile`` does, so such a key shows itself); the ``.mo`` files written."""
    written = []
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parts[-3])
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalogue)
        written.append(mo)
    return written


def template(root: Path = ROOT) -> Catalog:
    """The translators' template: every key of the English catalogue (its plural entries as
    plurals), with a comment saying where it appears and the code that names it."""
    with (root / "data" / "locale" / "en" / "LC_MESSAGES" / "kiosk.po").open("rb") as source:
        english = read_po(source)
    named: dict[str, list[tuple[str, int]]] = {}
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            lines = path.read_text("utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                for key in _KEY_LITERAL.findall(line):
                    named.setdefault(key, []).append((path.relative_to(root).as_posix(), number))
    pot = Catalog(
        project=english.project,
        version=english.version,
        msgid_bugs_address=english.msgid_bugs_address,
        copyright_holder="Tawasul Kiosk",
        creation_date=english.creation_date,
        fuzzy=False,
    )
    for message in english:
        if not message.id:
            continue
        key = str(message.id if isinstance(message.id, str) else message.id[0])
        place = PLACES.get(key.partition(".")[0], "")
        comments = [f"Where: {place}." if place else "", *message.user_comments]
        pot.add(
            message.id,
            ("", "") if message.pluralizable else "",
            locations=named.get(key, ()),
            auto_comments=[c for c in (*comments, *message.auto_comments) if c],
        )
    return pot


def write_template(root: Path = ROOT) -> Path:
    """Write :func:`template` to ``data/locale/kiosk.pot`` under *root*; the path written."""
    path = root / "data" / "locale" / "kiosk.pot"
    with path.open("wb") as target:
        write_po(target, template(root), width=100, include_lineno=False)
    return path


class CatalogueBuildHook(BuildHookInterface):
    """Compiles the catalogues before hatchling collects the files of a wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile into ``data/locale`` (the wheel's force-include copies them from there)."""
        compile_catalogues(Path(self.root) / "data" / "locale")


if __name__ == "__main__":
    # `python hatch_build.py`: compile again after editing a .po without reinstalling;
    # `python hatch_build.py template`: write the template again after adding keys;
    # `python hatch_build.py hijri-months [VERSION]`: take the Hijri month names from CLDR again;
    # `python hatch_build.py language-names`: take the languages' own names from CLDR again;
    # `python hatch_build.py saudi-holidays`: take the Saudi public holidays from holidays again.
    if sys.argv[1:2] == ["hijri-months"]:
        print(write_hijri_months(*sys.argv[2:3]))
    elif sys.argv[1:] == ["language-names"]:
        print(write_language_names())
    elif sys.argv[1:] == ["saudi-holidays"]:
        print(write_saudi_holidays())
    else:
        for path in [write_template()] if sys.argv[1:] == ["template"] else compile_catalogues():
            print(path)

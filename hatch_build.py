"""The build step that compiles the translation catalogues: every ``data/locale/*/LC_MESSAGES/
*.po`` becomes the ``.mo`` beside it, which the kiosk reads with the standard library's gettext.

Hatchling runs it for every wheel, an editable install's too (``pip install -e .``), so a
checkout that was installed has compiled catalogues, and a wheel carries them in ``kiosk/_data``
(pyproject's force-include of ``data``). The ``.mo`` files are build products: git ignores them.
"""

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path(__file__).resolve().parent / "data" / "locale"


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


class CatalogueBuildHook(BuildHookInterface):
    """Compiles the catalogues before hatchling collects the files of a wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile into ``data/locale`` (the wheel's force-include copies them from there)."""
        compile_catalogues(Path(self.root) / "data" / "locale")


if __name__ == "__main__":
    # `python hatch_build.py`: compile again after editing a .po without reinstalling.
    for path in compile_catalogues():
        print(path)

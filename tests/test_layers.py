"""Screens, widgets and the apps talk to the services only (DESIGN §2).

import-linter (the contracts in pyproject.toml) sees imports: a screen that imports kiosk.store
or kiosk.printing breaks one. It cannot see a screen that reaches the store through an object it
was handed (``services.store.setting(...)``, ``receipts.spool.jobs()``): this test reads the code
for those attributes, which only the services may use.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

UPPER_LAYERS = ("kiosk/app", "screens", "widgets")
"""The code that talks to the services only."""

BEHIND_THE_SERVICES = frozenset({"store", "spool", "printer"})
"""The services' own attributes that hold the store, the spool and the printer
(Services.store, RequestService.store, ReceiptService.spool and .printer)."""


def behind_the_services(source: str) -> list[tuple[int, str]]:
    """The lines of *source* that use a service's store, spool or printer, and which."""
    return [
        (node.lineno, node.attr)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in BEHIND_THE_SERVICES
    ]


def test_screens_widgets_and_apps_never_use_the_store_the_spool_or_a_printer() -> None:
    modules = [path for layer in UPPER_LAYERS for path in sorted((ROOT / layer).rglob("*.py"))]
    assert len(modules) > 30  # the layers are where this test looks for them
    found = [
        f"{path.relative_to(ROOT)}:{line}: .{attribute}"
        for path in modules
        for line, attribute in behind_the_services(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_a_screen_that_reads_the_store_through_its_services_is_found() -> None:
    source = 'text = self.services.store.setting("banner")\nstore = self.services.banner()\n'
    # The attribute is found, not a name that happens to be "store".
    assert behind_the_services(source) == [(1, "store")]

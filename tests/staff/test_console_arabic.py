"""Arabic in the console goes through the kiosk's text layer: long lines wrap in reading order."""

import html
import re
from collections import defaultdict
from typing import Any

from textual import events
from textual.widgets import Input

from kiosk.domain.languages import BidiMode
from kiosk.domain.text import display_line
from kiosk.services import Services
from kiosk.services.staff import StaffSession
from screens.staff.banner import StaffBannerScreen
from tests.staff.conftest import CLIENT, ConsoleFactory, settle
from widgets import BidiText

BANNER = "المكتب مغلق يوم الخميس للصيانة ويعود العمل يوم الأحد في الثامنة صباحا"


def rows(app: Any) -> list[str]:
    """The rows of cells the console draws now, top to bottom, as its screenshot holds them."""
    found: dict[float, list[tuple[float, str]]] = defaultdict(list)
    svg = app.export_screenshot()
    for x, y, text in re.findall(r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        found[float(y)].append((float(x), html.unescape(text).replace("\xa0", " ")))
    return [
        "".join(text for _, text in sorted(row)).rstrip("\n") for _, row in sorted(found.items())
    ]


async def test_a_long_arabic_banner_wraps_with_its_first_words_on_the_first_row(
    console: ConsoleFactory, services: Services
) -> None:
    StaffSession(services, "supervisor", CLIENT).set_banner(BANNER)
    app = console("staff")
    async with app.run_test(size=(50, 24)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, StaffBannerScreen)
        words = BANNER.split()
        first, last = (
            display_line(words[0], BidiMode.APP, rtl=True),
            display_line(words[-1], BidiMode.APP, True),
        )
        shown = [row for row in rows(app) if any(word in row for word in (first, last))]
        assert len(shown) == 2, rows(app)  # two rows of banner, each read right to left
        assert first in shown[0] and last in shown[1]
        # Right-aligned as Arabic is: the first row's first word ends at the box's right edge.
        assert shown[0].rstrip(" │╯╮").endswith(first)


async def test_arabic_typed_into_a_field_is_previewed_as_it_reads(console: ConsoleFactory) -> None:
    app = console("staff")
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        field = app.screen.query_one("#text", Input)
        preview = app.screen.query_one("#text-preview", BidiText)
        field.focus()
        await pilot.press(*"Closed")
        await settle(pilot)
        assert not preview.display  # nothing to reorder: no line
        field.post_message(events.Paste(" مغلق يوم الخميس\x1b[2J"))
        await settle(pilot)
        assert preview.display and preview.text == "Closed مغلق يوم الخميس"
        row = next(r for r in rows(app) if display_line("الخميس", "app", True) in r)
        assert row.strip(" ▊▎").startswith(display_line("Closed مغلق يوم الخميس", "app", False))

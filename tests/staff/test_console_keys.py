"""Keys that arrive together over a lagging SSH connection land as if typed one by one."""

import asyncio

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from tests.conftest import type_ahead
from tests.staff.conftest import ConsoleFactory, settle

BACKSPACE = "\x7f"
"""What a terminal sends for Backspace (``type_ahead`` posts it as the key ``backspace``)."""

KEY_NAMES = {BACKSPACE: "backspace", " ": "space"}
"""The Pilot names of the keys that are not their own character."""

BURSTS = st.lists(st.sampled_from([*"90ab ", BACKSPACE]), max_size=16).map("".join)
"""Letters, digits, spaces and Backspaces, as a staff member types a search over SSH."""


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(keys="123" + BACKSPACE + "4")
@given(keys=BURSTS)
def test_a_burst_in_the_search_field_gives_what_typing_slowly_gives(
    console: ConsoleFactory, keys: str
) -> None:
    """Each Backspace in a burst deletes the character typed just before it."""

    async def run() -> None:
        app = console("staff")
        async with app.run_test(size=(140, 44)) as pilot:
            await settle(pilot)
            field = app.screen.query_one("#search", Input)
            field.focus()
            await pilot.pause()
            type_ahead(app, keys)
            await pilot.pause()
            at_once = field.value
            field.clear()
            await pilot.press(*(KEY_NAMES.get(key, key) for key in keys))
            assert at_once == field.value

    asyncio.run(run())

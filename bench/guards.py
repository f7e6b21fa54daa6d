"""Issue 19's guards, driven inside a helper process (bench.worker) through the real apps.

- ``visits``: the kiosk app, headless under Pilot, does scripted visits one after another (a
  language from Welcome, sign-in with ID and password, the person's request types, a status,
  the end of the visit) and reports its resident memory after the warm-up and at the end.
- ``openings``: the staff console does the same with requests opened from its table.
- ``console``: the staff console started as ``tawasul staff`` starts it, which says ``ready``
  once its first list of requests is drawn, then times a filter and a find.

Resident memory is read after a full garbage collection: cycles the collector frees are not a
leak, and without it the figure would depend on where the collector happened to be.
"""

import asyncio
import gc
import statistics
import time
from collections.abc import Callable, Coroutine, Iterator
from itertools import cycle
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select

from kiosk.app import make_kiosk_app, start_staff_console
from kiosk.app.staff import StaffApp
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import ON_SCREEN, Language
from kiosk.domain.statuses import RequestStatus
from screens.staff.request import StaffRequestScreen
from screens.staff.requests import StaffRequestsScreen

CLIENT = "192.0.2.19 port 50019"
"""The client address the benchmark's consoles pretend to come from."""

STAFF_LOGIN = "bench"
"""The staff member the benchmark's consoles sign in as (run.py puts them in the table)."""

TERMINAL = (100, 30)
"""The headless terminal every guard draws on, the size the kiosk's first screen is timed at."""

_WAIT_SECONDS = 30.0

POLL_SECONDS = 0.005
"""How often a guard looks whether the app got there (the timings' resolution)."""


def resident_mb() -> float:
    """This process's resident memory now (VmRSS), in MB, after a full collection."""
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) / 1024
    raise RuntimeError("/proc/self/status has no VmRSS line")


async def _until(_: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until *condition* holds (a worker's answer, a pushed screen)."""
    deadline = time.monotonic() + _WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app never got to {what}")
        # A short sleep, not Pilot's pause: the wait must not take the loop (and the GIL)
        # from the worker threads that bring the answer.
        await asyncio.sleep(POLL_SECONDS)


def _report(counts: tuple[int, int], done: int) -> None:
    if done in counts:
        print(f"rss {done} {resident_mb():.3f}", flush=True)


async def kiosk_visits(path: Path, counts: tuple[int, int], people: list[tuple[str, str]]) -> None:
    """Scripted visits by *people* (ID, password) in turn, each language Welcome offers in
    turn; prints ``rss N MB`` after the warm-up's and after the last of *counts* visits."""
    # Imported here: the console's guards, timed from their start, never load the kiosk's.
    from screens.resident import RequestListScreen, StatusScreen, WelcomeScreen
    from screens.resident.request_types import RequestTypeScreen
    from screens.resident.sign_in import SignInScreen

    def has_requests(types: RequestTypeScreen) -> Callable[[], bool]:
        return lambda: bool(types.by_type)

    services = open_services(path, KioskConfig())
    app = make_kiosk_app(services, Language.ARABIC, handle_signals=False)
    visitors = cycle(people)
    # Welcome starts a visit only in a language the terminal draws (the others have no tile).
    languages = cycle(ON_SCREEN)
    async with app.run_test(size=TERMINAL) as pilot:
        for done in range(1, max(counts) + 1):
            id_number, password = next(visitors)
            welcome = app.screen
            assert isinstance(welcome, WelcomeScreen)
            welcome.action_start(next(languages).value)
            await _until(
                pilot,
                lambda: (
                    isinstance(app.screen, SignInScreen) and bool(app.screen.query("#password"))
                ),
                "sign-in",
            )
            # Filled in as a paste would (Pilot's key by key costs ~90 ms a key), then Enter.
            signing_in = app.screen
            signing_in.query_one("#id-number", Input).value = id_number
            signing_in.query_one("#password", Input).value = password
            signing_in.query_one("#password", Input).focus()
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, RequestTypeScreen), "the types")
            types = app.screen
            assert isinstance(types, RequestTypeScreen)
            await _until(pilot, has_requests(types), "the person's requests")
            types.query_one("#types", OptionList).action_select()
            await _until(
                pilot,
                lambda: isinstance(app.screen, RequestListScreen | StatusScreen),
                "a request",
            )
            if isinstance(app.screen, RequestListScreen):
                await pilot.press("enter")
                await _until(pilot, lambda: isinstance(app.screen, StatusScreen), "a status")
            await pilot.pause()
            app.end_visit()
            await _until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "Welcome")
            await pilot.pause()
            _report(counts, done)


def _console(path: Path) -> StaffApp:
    """The staff console over *path*, as ``tawasul staff`` starts it."""
    services = open_services(path, KioskConfig())
    return start_staff_console(services, username=STAFF_LOGIN, client=CLIENT, handle_signals=False)


async def console_openings(path: Path, counts: tuple[int, int]) -> None:
    """Open requests from the console's table one after another (each the next row down) and
    go back; prints ``rss N MB`` after the warm-up's and after the last of *counts* openings."""

    app = _console(path)
    async with app.run_test(size=TERMINAL) as pilot:
        listing = app.screen
        assert isinstance(listing, StaffRequestsScreen)
        table = listing.query_one("#requests", DataTable)
        await _until(pilot, lambda: table.row_count > 0, "the first list")
        table.focus()
        for done in range(1, max(counts) + 1):
            table.move_cursor(row=done % table.row_count)
            await pilot.press("enter")
            await _until(
                pilot,
                lambda: (
                    isinstance(app.screen, StaffRequestScreen) and app.screen.request is not None
                ),
                "the request",
            )
            await pilot.pause()
            await pilot.press("escape")
            await _until(pilot, lambda: app.screen is listing, "the table")
            _report(counts, done)


async def console_start_and_search(path: Path, numbers: list[str], rounds: int) -> None:
    """Print ``ready`` once the console's first list is drawn, then time *rounds* filters by
    status and finds of one of *numbers*, each to its page drawn: prints ``filter MS`` and
    ``find MS`` (medians)."""

    app = _console(path)
    async with app.run_test(size=TERMINAL) as pilot:
        listing = app.screen
        assert isinstance(listing, StaffRequestsScreen)
        table = listing.query_one("#requests", DataTable)
        await _until(pilot, lambda: table.row_count > 0, "the first list")
        await pilot.pause()
        print("ready", flush=True)
        search = listing.query_one("#search", Input)
        status = listing.query_one("#status", Select)
        statuses = cycle(RequestStatus)
        wanted = _numbers(numbers)
        filters: list[float] = []
        finds: list[float] = []

        def choose_status() -> None:
            status.value = next(statuses).value

        def find_number() -> None:
            search.value = next(wanted)  # as pasted, or typed faster than the table redraws

        def clear_search() -> None:
            search.value = ""

        for _ in range(rounds):
            filters.append(await _page_drawn(pilot, listing, choose_status))
            await _page_drawn(pilot, listing, status.clear)
            finds.append(await _page_drawn(pilot, listing, find_number, one=True))
            await _page_drawn(pilot, listing, clear_search)
        print(f"filter {statistics.median(filters) * 1000:.3f}", flush=True)
        print(f"find {statistics.median(finds) * 1000:.3f}", flush=True)


async def _page_drawn(
    pilot: Pilot[None], listing: StaffRequestsScreen, change: Callable[[], None], one: bool = False
) -> float:
    """Seconds from *change* to the console's table drawing the page it asks for (with *one*,
    a page of exactly one request)."""
    shown = listing.current_page

    def arrived() -> bool:
        page = listing.current_page
        return page is not shown and page is not None and (not one or page.total == 1)

    started = time.perf_counter()
    change()
    await _until(pilot, arrived, "the page asked for")
    await pilot.pause()
    return time.perf_counter() - started


def _numbers(numbers: list[str]) -> Iterator[str]:
    if not numbers:
        raise RuntimeError("no request numbers to find")
    return cycle(numbers)


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run one guard's coroutine to its end."""
    asyncio.run(coroutine)

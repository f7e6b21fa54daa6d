"""Pictures of every resident screen at 80×24, in Arabic and in English.

The Arabic screens are drawn with ``bidi = "app"`` (what xterm, tmux and the Linux console
need: shaped, reordered, mirrored). The English ones use ``bidi = "terminal"``: their Arabic
parts stay in logical order, which is what a bidi terminal receives, and what browsers shape
correctly when the README shows these pictures (research/ssh_arabic.md §4.6).

The clock is frozen by the services, cursors stop blinking before each picture, and the demo
data is made at the frozen moment, so the pictures only change when the screens do.
"""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Protocol, cast

import pytest
from textual.app import App
from textual.pilot import Pilot

from kiosk.app.kiosk import KioskApp
from kiosk.config import AccessibilityConfig
from kiosk.domain.languages import BidiMode
from kiosk.services.receipts_port import Problem
from screens.resident import IdleCountdown, OutOfServiceScreen, WelcomeScreen
from tests.kiosk.conftest import (
    AHMED,
    BANNER,
    FakeMonotonic,
    FakeReceipts,
    KioskFactory,
    freeze_cursors,
    set_banner,
    settle,
)
from widgets import BidiText

SIZE = (80, 24)
LANGUAGES = ("en", "ar")

Step = Callable[[Pilot[None]], Awaitable[None]]


class SnapCompare(Protocol):
    """pytest-textual-snapshot's ``snap_compare`` fixture, as these tests call it."""

    def __call__(self, app: App[None], *, terminal_size: tuple[int, int], run_before: Step) -> bool:
        """Whether *app*, after *run_before*, draws as the stored picture."""
        ...


async def start(pilot: Pilot[None], language: str) -> None:
    """Choose *language* on Welcome."""
    await settle(pilot)
    await pilot.click(f"#start-{language}")
    await pilot.pause()


async def signed_in(pilot: Pilot[None], language: str) -> None:
    """Start in *language* and sign Ahmed in from the keyboard."""
    await start(pilot, language)
    await pilot.press(*AHMED[0], "tab", *AHMED[1], "enter")
    await settle(pilot)


def picture(steps: Callable[[Pilot[None], str], Awaitable[None]], language: str) -> Step:
    """The steps to the screen to draw, then frozen cursors."""

    async def run_before(pilot: Pilot[None]) -> None:
        await steps(pilot, language)
        await settle(pilot)
        await freeze_cursors(pilot)

    return run_before


async def welcome(pilot: Pilot[None], language: str) -> None:
    """Welcome, with a banner staff set."""
    set_banner(cast(KioskApp, pilot.app), BANNER)
    welcome_screen = pilot.app.screen
    assert isinstance(welcome_screen, WelcomeScreen)
    welcome_screen.load_banner()
    await settle(pilot)


async def sign_in_typing(pilot: Pilot[None], language: str) -> None:
    """Sign in, an ID half typed."""
    await start(pilot, language)
    await pilot.press(*"21098765")


async def sign_in_wrong(pilot: Pilot[None], language: str) -> None:
    """Sign in after a wrong password: the ID masked, the same answer for any ID."""
    await start(pilot, language)
    await pilot.press(*AHMED[0], "tab", *"wrong-pass", "enter")
    await settle(pilot)


async def quick_lookup(pilot: Pilot[None], language: str) -> None:
    """The quick lookup form, a mistyped number in it."""
    await start(pilot, language)
    await pilot.click("#quick")
    await pilot.pause()
    await pilot.press(*"9000000201")


async def request_types(pilot: Pilot[None], language: str) -> None:
    """Ahmed's request types with their counts."""
    await signed_in(pilot, language)


async def request_list(pilot: Pilot[None], language: str) -> None:
    """Ahmed's two Iqama requests, newest first."""
    await signed_in(pilot, language)
    await pilot.press("down", "enter")


async def status_returned(pilot: Pilot[None], language: str) -> None:
    """A returned request: what exactly to do, the timeline, working days."""
    await signed_in(pilot, language)
    await pilot.press("down", "down", "enter")


async def answer(pilot: Pilot[None], language: str) -> None:
    """Answering the returned request: the action again, the first choice highlighted."""
    await status_returned(pilot, language)
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("down")


async def answer_review(pilot: Pilot[None], language: str) -> None:
    """The answer read once more before it is sent, Send answer focused."""
    await answer(pilot, language)
    await pilot.press("enter", *"copy at counter 3", "enter")
    await settle(pilot)


async def status_rejected_quick(pilot: Pilot[None], language: str) -> None:
    """A rejected request found by quick lookup: the reason and how to submit again."""
    await start(pilot, language)
    await pilot.click("#quick")
    await pilot.pause()
    await pilot.press(*"9000000506", "tab", *"7897", "enter")


async def help_dialog(pilot: Pilot[None], language: str) -> None:
    """Help and FAQ over the request types."""
    await signed_in(pilot, language)
    await pilot.press("f1")


async def print_fallback(pilot: Pilot[None], language: str) -> None:
    """The printer is out of paper: the number large and the QR on screen."""
    await status_returned(pilot, language)
    await settle(pilot)
    await pilot.click("#print")


async def idle_countdown(pilot: Pilot[None], language: str, *, clock: FakeMonotonic) -> None:
    """The countdown over the request types, the idle clock moved on by hand."""
    await signed_in(pilot, language)
    clock.advance(cast(KioskApp, pilot.app).idle_limit + 1)
    # The idle check runs every second: wait for the countdown itself, not a guessed time, and
    # show it at its first second (a loaded machine may already have let one tick pass).
    # Up to 20 s: a loaded machine runs the 1 s check late, and the countdown becomes the screen
    # a moment before its message and buttons are mounted.
    for _ in range(400):
        screen = pilot.app.screen
        parts = screen.query("#idle-message, #idle-continue")
        if isinstance(screen, IdleCountdown) and len(parts) == 2:
            break
        await pilot.pause(0.05)
    countdown = pilot.app.screen
    assert isinstance(countdown, IdleCountdown)
    countdown.remaining = int(cast(KioskApp, pilot.app).services.config.countdown_seconds)
    message = countdown.query_one("#idle-message", BidiText)
    message.text = countdown.message(countdown.remaining)
    await pilot.pause()


SCREENS: dict[str, Callable[..., Awaitable[None]]] = {
    "welcome": welcome,
    "sign_in": sign_in_typing,
    "sign_in_wrong": sign_in_wrong,
    "quick_lookup": quick_lookup,
    "request_types": request_types,
    "request_list": request_list,
    "status_returned": status_returned,
    "answer": answer,
    "answer_review": answer_review,
    "status_rejected": status_rejected_quick,
    "help": help_dialog,
    "print_fallback": print_fallback,
    "idle_countdown": idle_countdown,
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_resident_screen(
    screen: str, language: str, kiosk: KioskFactory, snap_compare: SnapCompare
) -> None:
    """Each resident screen at 80×24 in each language."""
    bidi = "app" if language == "ar" else "terminal"
    clock = FakeMonotonic()
    app = kiosk(language, FakeReceipts(problem=Problem.PAPER_OUT), bidi=bidi, monotonic=clock)
    steps = SCREENS[screen]
    if steps is idle_countdown:
        steps = partial(idle_countdown, clock=clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=picture(steps, language))


STATUSES = {
    "under_review": ("9000000100", "6546"),
    "accepted": ("9000000308", "6546"),
    "closed": ("9000000407", "6546"),
    "resubmitted": ("9000000605", "7897"),
    "late": ("9000000704", "9011"),
}
"""The demo requests of the statuses SCREENS does not show, with their owners' last 4 digits."""


def status_of(number: str, last4: str, *keys: str) -> Callable[[Pilot[None], str], Awaitable[None]]:
    """The steps to *number*'s status screen by quick lookup, then *keys*."""

    async def steps(pilot: Pilot[None], language: str) -> None:
        await start(pilot, language)
        await pilot.click("#quick")
        await pilot.pause()
        await pilot.press(*number, "tab", *last4, "enter")
        await settle(pilot)
        await pilot.press(*keys)

    return steps


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", list(STATUSES))
def test_status_at_80x24(
    status: str, language: str, kiosk: KioskFactory, snap_compare: SnapCompare
) -> None:
    """The status screen of every other status: what to act on first, the keys for the rest."""
    bidi = "app" if language == "ar" else "terminal"
    app = kiosk(language, bidi=bidi)
    steps = status_of(*STATUSES[status])
    assert snap_compare(app, terminal_size=SIZE, run_before=picture(steps, language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_read_to_the_end(
    language: str, kiosk: KioskFactory, snap_compare: SnapCompare
) -> None:
    """A returned request after PgDn: its history and the call centre, the focus unmoved."""
    bidi = "app" if language == "ar" else "terminal"
    app = kiosk(language, bidi=bidi)
    steps = status_of("9000000209", "6546", "pagedown")
    assert snap_compare(app, terminal_size=SIZE, run_before=picture(steps, language))


def test_staff_exit_pin(kiosk: KioskFactory, snap_compare: SnapCompare) -> None:
    """The staff PIN dialog, in both languages at once."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+alt+x", *"12")
        await freeze_cursors(pilot)

    assert snap_compare(kiosk("ar"), terminal_size=SIZE, run_before=run_before)


def test_out_of_service(kiosk: KioskFactory, snap_compare: SnapCompare) -> None:
    """Out of service, in both languages at once, over a fresh Welcome."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(OutOfServiceScreen(BidiMode.APP, 15.0))
        await pilot.pause()

    assert snap_compare(kiosk("ar"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", ["ur", "fil", "id"])
@pytest.mark.parametrize("screen", ["welcome", "status"])
def test_welcome_and_status_in_urdu_filipino_and_indonesian(
    screen: str, language: str, kiosk: KioskFactory, snap_compare: SnapCompare
) -> None:
    """Welcome in the kiosk's language, and a request under review, in Urdu (shaped, reordered
    and mirrored by the program, as for Arabic), Filipino and Indonesian."""
    bidi = "app" if language == "ur" else "terminal"
    app = kiosk(language, bidi=bidi)
    steps = welcome if screen == "welcome" else status_of(*STATUSES["under_review"])
    assert snap_compare(app, terminal_size=SIZE, run_before=picture(steps, language))


PRESENTATIONS = {
    "high_contrast": AccessibilityConfig(high_contrast=True),
    "large": AccessibilityConfig(large=True),
}
"""The office defaults the accessibility pictures start from (a resident's switch draws the
same: both only set the app's theme and classes)."""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("presentation", list(PRESENTATIONS))
@pytest.mark.parametrize("screen", ["welcome", "status_returned"])
def test_accessible_presentation(
    screen: str, presentation: str, language: str, kiosk: KioskFactory, snap_compare: SnapCompare
) -> None:
    """Welcome and a status screen in high contrast and in the large layout, at 80×24."""
    bidi = "app" if language == "ar" else "terminal"
    app = kiosk(language, bidi=bidi, accessibility=PRESENTATIONS[presentation])
    assert snap_compare(app, terminal_size=SIZE, run_before=picture(SCREENS[screen], language))

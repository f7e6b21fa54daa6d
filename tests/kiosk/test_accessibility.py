"""High contrast and the large layout: switched by the resident on any screen, kept for the
visit, gone when it ends; every colour pair at 7:1; the large targets whole and clickable."""

from functools import partial

import pytest
from textual.widgets import Button, Input, OptionList

from kiosk.app.kiosk import HIGH_CONTRAST_THEME, KioskApp
from kiosk.config import AccessibilityConfig
from kiosk.domain.accessibility import MINIMUM_CONTRAST, Presentation, contrast_ratio
from kiosk.services.receipts_port import Problem
from screens.resident import IdleCountdown, SignInScreen, StatusScreen, WelcomeScreen
from tests.kiosk.conftest import (
    AHMED,
    FakeMonotonic,
    FakeReceipts,
    KioskFactory,
    settle,
    sign_in,
    wait_until,
)
from tests.kiosk.drawn_colours import drawn_cells
from tests.kiosk.test_small_terminal import look_up, seen_whole
from tests.kiosk.test_snapshots import SCREENS, idle_countdown
from tests.kiosk.test_visit_end import open_status
from widgets import KeypadKey
from widgets.access_keys import AccessSwitch

HIGH_CONTRAST = AccessibilityConfig(high_contrast=True)
LARGE = AccessibilityConfig(large=True)


def shown(app: KioskApp) -> Presentation:
    """What the screen shows now, read from the app's theme and classes (not its memory)."""
    return Presentation(
        high_contrast=app.theme == HIGH_CONTRAST_THEME.name and app.has_class("-high-contrast"),
        large=app.has_class("-large"),
    )


# --- switching, keeping, forgetting -----------------------------------------------------------


async def test_switched_on_welcome_kept_across_the_visit_and_forgotten_at_its_end(
    kiosk: KioskFactory,
) -> None:
    app = kiosk("en")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert shown(app) == Presentation(high_contrast=True)
        await pilot.press("f3")
        await pilot.pause()
        assert shown(app) == Presentation(high_contrast=True, large=True)
        await open_status(pilot)
        assert shown(app) == Presentation(high_contrast=True, large=True)
        await pilot.click("#finish")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert shown(app) == Presentation()


async def test_switched_on_a_later_screen_and_off_again(kiosk: KioskFactory) -> None:
    app = kiosk("ar")
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("f3")
        await pilot.pause()
        assert shown(app) == Presentation(large=True)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert shown(app) == Presentation(high_contrast=True, large=True)
        await pilot.press("escape")  # back: the screen before keeps what was chosen since
        await pilot.pause()
        assert shown(app) == Presentation(high_contrast=True, large=True)
        await pilot.press("f2", "f3")
        await pilot.pause()
        assert shown(app) == Presentation()


async def test_the_switches_are_touched_as_well(kiosk: KioskFactory) -> None:
    """On Welcome and on the status screen, a click on a switch does what its key does."""
    app = kiosk("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await pilot.click("#access-high_contrast")
        await pilot.pause()
        assert shown(app) == Presentation(high_contrast=True)
        screen = await look_up(pilot, "9000000100", "6546")
        assert await pilot.click("#access-large")
        await pilot.pause()
        assert shown(app) == Presentation(high_contrast=True, large=True)
        assert await pilot.click("#access-high_contrast")
        await pilot.pause()
        assert shown(app) == Presentation(large=True)
        assert app.screen is screen


async def test_the_office_default_comes_back_for_the_next_visit(kiosk: KioskFactory) -> None:
    app = kiosk("en", accessibility=HIGH_CONTRAST)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert shown(app) == Presentation(high_contrast=True)
        await sign_in(pilot, *AHMED)
        await pilot.press("f2")
        await pilot.pause()
        assert shown(app) == Presentation()
        await pilot.click("#finish")
        await settle(pilot)
        assert shown(app) == Presentation(high_contrast=True)


async def test_an_idle_visit_forgets_the_choice(kiosk: KioskFactory) -> None:
    clock = FakeMonotonic()
    app = kiosk("en", monotonic=clock, countdown_seconds=5.0)
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        await wait_until(pilot, lambda: app.visit is not None)  # its idle clock starts then
        await pilot.press("f2")
        await pilot.pause()
        clock.advance(61)
        await wait_until(pilot, lambda: isinstance(app.screen, IdleCountdown))
        assert shown(app) == Presentation(high_contrast=True)
        await wait_until(pilot, lambda: app.visit is None, seconds=20)  # the countdown runs out
        await settle(pilot)
        assert shown(app) == Presentation()


async def test_a_choice_left_on_welcome_is_forgotten_when_it_goes_idle(
    kiosk: KioskFactory,
) -> None:
    clock = FakeMonotonic()
    app = kiosk("en", monotonic=clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        clock.advance(119)  # the large layout's doubled idle time, less a second
        await pilot.pause(1.2)
        assert shown(app) == Presentation(large=True)
        clock.advance(2)
        await wait_until(pilot, lambda: shown(app) == Presentation())


# --- time enough ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accessibility", "asked_after"),
    [
        (AccessibilityConfig(), 60),
        (LARGE, 120),
        (AccessibilityConfig(large=True, more_time_factor=3), 180),
    ],
)
async def test_the_large_layout_doubles_the_idle_time(
    kiosk: KioskFactory, accessibility: AccessibilityConfig, asked_after: float
) -> None:
    """ "Are you still there?" comes after the idle time, twice it in the large layout."""
    clock = FakeMonotonic()
    app = kiosk("en", monotonic=clock, accessibility=accessibility)
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        # The visit starts (and its idle clock with it) once the password is checked in a
        # worker: on a loaded machine that can come after a clock moved too early.
        await wait_until(pilot, lambda: app.visit is not None)
        await settle(pilot)
        clock.advance(asked_after - 1)
        await pilot.pause(1.2)  # the idle check runs every second
        assert not isinstance(app.screen, IdleCountdown)
        clock.advance(2)
        await wait_until(pilot, lambda: isinstance(app.screen, IdleCountdown))


# --- contrast, computed -------------------------------------------------------------------------


HIGH_AND_LARGE = AccessibilityConfig(high_contrast=True, large=True)


@pytest.mark.parametrize(
    "accessibility", [HIGH_CONTRAST, HIGH_AND_LARGE], ids=["high", "high-large"]
)
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_every_colour_pair_in_high_contrast_is_at_least_7_to_1(
    kiosk: KioskFactory, screen: str, language: str, accessibility: AccessibilityConfig
) -> None:
    """Each resident screen in high contrast: every character drawn (text, a control's label,
    its border) against what is behind it, computed as WCAG defines the ratio."""
    clock = FakeMonotonic()
    bidi = "app" if language == "ar" else "terminal"
    receipts = FakeReceipts(problem=Problem.PAPER_OUT)
    app = kiosk(language, receipts, bidi=bidi, monotonic=clock, accessibility=accessibility)
    steps = SCREENS[screen]
    if steps is idle_countdown:
        steps = partial(idle_countdown, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await steps(pilot, language)
        await settle(pilot)
        pairs = {
            (cell.foreground, cell.background): cell
            for cell in drawn_cells(app.export_screenshot())
        }
        if isinstance(app.screen, SignInScreen):
            # The password field's letter keypad, and the focus on a button.
            app.screen.query_one("#password", Input).focus()
            await pilot.pause()
            next(button for button in app.screen.query(Button) if button.focusable).focus()
            await pilot.pause()
            for cell in drawn_cells(app.export_screenshot()):
                pairs.setdefault((cell.foreground, cell.background), cell)
    low = {
        pair: f"{cell.character!r} at {cell.column},{cell.line}: {contrast_ratio(*pair):.2f}"
        for pair, cell in pairs.items()
        if contrast_ratio(*pair) < MINIMUM_CONTRAST
    }
    assert not low, low


async def test_the_focus_is_shown_by_more_than_colour(kiosk: KioskFactory) -> None:
    """In high contrast the focused button has a double border and underlined text; so does a
    focused field's bar, and none of them without the focus."""
    app = kiosk("en", accessibility=HIGH_CONTRAST)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        field = app.screen.query_one("#id-number", Input)
        assert field.has_focus and field.styles.border_left[0] == "thick"
        button = app.screen.query_one("#help", Button)
        assert button.styles.border_top[0] != "double"
        button.focus()
        await pilot.pause()
        edges = (button.styles.border_top[0], button.styles.border_bottom[0])
        assert edges == ("double", "double")
        assert "underline" in str(button.rich_style)
        assert field.styles.border_left[0] != "thick"


# --- the large layout ---------------------------------------------------------------------------


def keypad_keys(app: KioskApp) -> list[KeypadKey]:
    """The keys of the keypad on the screen now."""
    return list(app.screen.query(KeypadKey))


async def key_sizes(kiosk: KioskFactory, large: bool, letters: bool) -> tuple[int, int, int]:
    """The smallest key's width and height, and the keypad's area, in cells."""
    app = kiosk("en", accessibility=AccessibilityConfig(large=large))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        if letters:
            app.screen.query_one("#password", Input).focus()
            await pilot.pause()
        keys = keypad_keys(app)
        keypad = app.screen.query_one("#keypad").region
        return (
            min(key.region.width for key in keys),
            min(key.region.height for key in keys),
            keypad.width * keypad.height,
        )


@pytest.mark.parametrize("letters", [False, True], ids=["digits", "letters"])
async def test_the_large_keypad_is_at_least_twice_its_size(
    kiosk: KioskFactory, letters: bool
) -> None:
    width, height, area = await key_sizes(kiosk, False, letters)
    large_width, large_height, large_area = await key_sizes(kiosk, True, letters)
    assert large_height >= 2 * height
    assert large_width * large_height >= 2 * width * height
    assert large_area >= 2 * area
    if not letters:
        assert large_width >= 2 * width


def cut_off_targets(app: KioskApp) -> list[str]:
    """Everything on the screen now that a resident presses or touches and that is not whole
    on the screen (after asserting there is something)."""
    found = app.screen.query("Button, KeypadKey, AccessSwitch, Input, ChoiceTile")
    assert found
    return [f"{widget!r} {widget.region}" for widget in found if not seen_whole(widget)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "ar"])
async def test_in_the_large_layout_every_target_is_whole(
    kiosk: KioskFactory, size: tuple[int, int], language: str
) -> None:
    """Welcome, sign-in with either keypad, and a status screen: no target cut off."""
    bidi = "app" if language == "ar" else "terminal"
    app = kiosk(language, bidi=bidi, accessibility=LARGE)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert not cut_off_targets(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not cut_off_targets(app)
        app.screen.query_one("#password", Input).focus()
        await pilot.pause()
        assert len(app.screen.query(KeypadKey)) > 12  # the letters
        assert not cut_off_targets(app)
        await pilot.press("escape")
        await settle(pilot)
        await look_up(pilot, "9000000209", "6546")
        assert not cut_off_targets(app)


async def test_a_large_key_takes_a_click(kiosk: KioskFactory) -> None:
    """At 80×24 in the large layout, clicking the keypad types into the ID field, and a click
    on the edge of a key counts as much as one on its middle."""
    app = kiosk("en", accessibility=LARGE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#start-en")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        key = app.screen.query_one("#key-2", KeypadKey)
        assert await pilot.click("#key-2")
        assert await pilot.click("#key-1", offset=(0, 1))
        assert await pilot.click("#key-0", offset=(key.region.width - 1, 1))
        await pilot.pause()
        assert app.screen.query_one("#id-number", Input).value == "210"
        assert await pilot.click("#access-large")
        await pilot.pause()
        assert shown(app) == Presentation()


async def test_the_status_screen_keeps_what_to_do_whole_in_the_large_layout(
    kiosk: KioskFactory,
) -> None:
    app = kiosk("en", accessibility=LARGE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await look_up(pilot, "9000000209", "6546")
        assert isinstance(screen, StatusScreen)
        for selector in ("#badge", "#next", "#action"):
            assert seen_whole(screen.query_one(selector)), selector
        assert isinstance(screen.query_one("#access-large"), AccessSwitch)


def drawn_lines(app: KioskApp) -> list[str]:
    """The screen's text as drawn, line by line (spaces left out)."""
    lines: dict[int, list[str]] = {}
    for cell in drawn_cells(app.export_screenshot()):
        lines.setdefault(cell.line, []).append(cell.character)
    return ["".join(characters) for _, characters in sorted(lines.items())]


@pytest.mark.parametrize("screen", ["request_types", "request_list"])
async def test_the_large_layout_draws_every_row_of_a_list(kiosk: KioskFactory, screen: str) -> None:
    """Each option of the list is on the screen in the large layout (a padded option once
    left the whole list blank)."""
    app = kiosk("en", accessibility=LARGE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await SCREENS[screen](pilot, "en")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        assert options.option_count
        drawn = drawn_lines(app)
        for index in range(options.option_count):
            prompt = str(options.get_option_at_index(index).prompt).replace(" ", "")
            assert any(prompt[:30] in line for line in drawn), prompt

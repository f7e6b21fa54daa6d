"""Pilot tests of every resident flow, built from the app factory over a real demo data file."""

import logging

import pytest
from argon2 import PasswordHasher
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app.kiosk import KioskApp, chord_keys
from kiosk.domain.digits import luhn_check_digit
from kiosk.domain.languages import Language
from kiosk.services.receipts_port import Problem
from screens.resident import (
    ExitPinScreen,
    HelpScreen,
    IdleCountdown,
    OutOfServiceScreen,
    PrintFallbackScreen,
    RequestListScreen,
    RequestNumberScreen,
    RequestTypeScreen,
    SignInScreen,
    StatusScreen,
    WelcomeScreen,
)
from tests.conftest import MovableClock, type_ahead
from tests.kiosk.conftest import (
    ABDULLAH,
    AHMED,
    BANNER,
    FakeMonotonic,
    FakeReceipts,
    KioskFactory,
    set_banner,
    settle,
    sign_in,
    wait_until,
)
from widgets import BidiText, QrCode

KEY_NAMES = {"-": "minus", ".": "dot"}
"""Keypad keys whose id is a name rather than the character."""


def text_of(app: KioskApp, selector: str) -> str:
    """The logical text of a BidiText on the current screen."""
    return app.screen.query_one(selector, BidiText).text


async def tab_to_and_press(pilot: Pilot[None], widget_id: str) -> None:
    """Press Tab until the widget *widget_id* has the focus, then Enter (keyboard only)."""
    for _ in range(20):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            await pilot.press("enter")
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


def screen_types(app: KioskApp) -> list[str]:
    """The class names of the screen stack, bottom first."""
    return [type(screen).__name__ for screen in app.screen_stack]


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Ahmed K."),
        ("ar", "أحمد خ."),
        ("ur", "Ahmed K."),
        ("fil", "Ahmed K."),
        ("id", "Ahmed K."),
    ],
)
async def test_keyboard_only_visit(kiosk: KioskFactory, language: str, name: str) -> None:
    """Welcome → sign in → type list → request list → status → print → finish, keys only; in
    Urdu the screens are mirrored like Arabic's (the demo writes Ahmed's name in Arabic and
    English only, so Urdu, Filipino and Indonesian greet him in Latin letters)."""
    receipts = FakeReceipts()
    app = kiosk(language, receipts)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await sign_in(pilot, *AHMED)
        assert isinstance(app.screen, RequestTypeScreen)
        assert app.visit is not None and app.visit.language == language
        assert name in text_of(app, ".title")
        # Iqama inside the Kingdom holds two of Ahmed's requests: a list, newest first.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RequestListScreen)
        assert [r.number for r in app.screen.requests] == ["9000000100", "9000000407"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.request.number == "9000000100"
        assert app.screen.query("#expected")
        assert app.screen.has_class("-rtl") == Language(language).rtl
        await pilot.press("enter")  # Print receipt has the focus
        await settle(pilot)
        assert receipts.printed == ["9000000100"]
        assert text_of(app, "#print-state") == app.visit.tr("print.done")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, RequestTypeScreen)
        await tab_to_and_press(pilot, "finish")
        await pilot.pause()
        assert screen_types(app) == ["WelcomeScreen"]
        assert app.visit is None
        assert receipts.visits_ended == [AHMED[0]]


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_mouse_only_visit_with_print_failure(kiosk: KioskFactory, language: str) -> None:
    """Mouse only: keypad sign-in, a rejected request, a failed print with the QR on screen."""
    receipts = FakeReceipts(problem=Problem.PAPER_OUT)
    app = kiosk("en", receipts)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click(f"#start-{language}")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.visit is not None
        tr = app.visit.tr
        assert app.screen.has_class("-rtl") == (language == "ar")
        for digit in ABDULLAH[0]:
            await pilot.click(f"#key-{digit}")
        assert app.screen.query_one("#id-number", Input).value == ABDULLAH[0]
        assert text_of(app, "#id-hint") == tr("signin.hint.citizen")
        await pilot.click("#password")
        await pilot.pause()
        for char in ABDULLAH[1]:
            await pilot.click(f"#key-{KEY_NAMES.get(char, char)}")
        await pilot.click("#sign-in")
        await settle(pilot)
        assert isinstance(app.screen, RequestTypeScreen)
        await pilot.click("#types", offset=(10, 1))  # the first row: passport, one request
        await settle(pilot)
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.request.number == "9000000506"
        assert "الصورة الشخصية" in text_of(app, "#reason")
        await pilot.click("#print")
        await settle(pilot)
        assert isinstance(app.screen, PrintFallbackScreen)
        assert app.screen.query_one(QrCode).rows
        await pilot.click("#close")
        await pilot.pause()
        assert tr("print.problem.paper_out") in text_of(app, "#print-state")
        await pilot.click("#finish")
        await pilot.pause()
        assert screen_types(app) == ["WelcomeScreen"]


async def test_live_id_hints_and_masking(kiosk: KioskFactory) -> None:
    """Typing says what the number looks like; Arabic-Indic digits count; leaving masks it."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.press(*"21098")
        assert text_of(app, "#id-hint") == "5 of 10 digits"
        await pilot.press(*"76547")
        assert text_of(app, "#id-hint") == "This number looks mistyped: please check it."
        await pilot.press("backspace", *"٦")
        assert text_of(app, "#id-hint") == "Looks like a resident (Iqama) number."
        await pilot.press("tab")
        assert app.screen.query_one("#id-number", Input).password
        assert "******6546" in text_of(app, "#id-hint")


async def test_welcome_shows_the_staff_banner(kiosk: KioskFactory) -> None:
    """The banner staff set is on Welcome; without one, there is no empty band."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#banner").display
        set_banner(app, BANNER)
        assert isinstance(app.screen, WelcomeScreen)
        app.screen.load_banner()
        await settle(pilot)
        banner = app.screen.query_one("#banner", BidiText)
        assert banner.display
        assert banner.text == BANNER


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_welcome_tiles_answer_keys_and_focus_the_kiosk_language_again(
    kiosk: KioskFactory, language: str
) -> None:
    """Tab and Space choose the other language; after that visit Welcome focuses the kiosk's
    own language again for the next person, and the banner that appeared meanwhile is there."""
    other = "en" if language == "ar" else "ar"
    app = kiosk(language)
    async with app.run_test() as pilot:
        assert app.focused is not None and app.focused.id == f"start-{language}"
        await pilot.press("tab" if language == "ar" else "shift+tab", "space")
        await pilot.pause()
        assert app.visit is not None and app.visit.language == other
        set_banner(app, BANNER)
        await pilot.press("escape")
        await pilot.pause()
        assert screen_types(app) == ["WelcomeScreen"] and app.visit is None
        assert app.focused is not None and app.focused.id == f"start-{language}"
        assert isinstance(app.screen, WelcomeScreen)
        app.screen.load_banner()
        await settle(pilot)
        assert app.screen.query_one("#banner", BidiText).text == BANNER


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_tab_follows_the_reading_order_in_both_languages(
    kiosk: KioskFactory, language: str
) -> None:
    """Arabic mirrors the buttons: Tab still goes from the screen's own action to Finish, which
    there is leftwards, and Shift+Tab comes back."""
    app = kiosk(language, FakeReceipts())
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StatusScreen)
        order = ["print", "back", "help", "finish"]
        x = {name: app.screen.query_one(f"#{name}").region.x for name in order}
        assert sorted(order, key=x.__getitem__) == (order[::-1] if language == "ar" else order)
        seen = []
        for _ in order:
            assert app.focused is not None
            seen.append(app.focused.id)
            await pilot.press("tab")
        assert seen == order
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is not None and app.focused.id == "help"


async def test_keys_typed_ahead_go_to_the_field_tab_moves_to(kiosk: KioskFactory) -> None:
    """The ID, Tab, the password and Enter arrive before any is handled: each still lands in
    its own field (a screen-level Tab used to move the focus only after the ID field had taken
    the password too) and the person is signed in."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        type_ahead(app, f"{AHMED[0]}\t{AHMED[1]}\r")
        await settle(pilot)
        assert isinstance(app.screen, RequestTypeScreen)


async def test_back_from_sign_in_ends_the_visit(kiosk: KioskFactory) -> None:
    """Escape on the first screen returns to a fresh Welcome, with no visit left."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await pilot.press("enter", *"2109", "escape")
        await pilot.pause()
        assert screen_types(app) == ["WelcomeScreen"]
        assert app.visit is None


async def test_wrong_password_says_nothing_about_the_id(kiosk: KioskFactory) -> None:
    """A wrong password and an unknown ID get the same sentence, and the password is cleared."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await sign_in(pilot, AHMED[0], "not-his-password")
        assert isinstance(app.screen, SignInScreen)
        wrong = text_of(app, "#message")
        assert wrong.startswith("The ID number or the password is not right.")
        assert app.screen.query_one("#password", Input).value == ""
        field = app.screen.query_one("#id-number", Input)
        nobody = "200000000" + str(luhn_check_digit("200000000"))
        field.value = nobody  # a valid resident number that nobody has
        app.screen.query_one("#password", Input).value = "whatever"
        app.screen.submit()
        await settle(pilot)
        assert app.visit is not None  # the same sentence, only counted as the second try
        assert text_of(app, "#message") == app.visit.tr("common.repeated", message=wrong, count=2)


async def test_five_failures_lock_the_id(kiosk: KioskFactory) -> None:
    """The fifth wrong password locks the number; the right one is then refused too."""
    app = kiosk("ar")
    async with app.run_test() as pilot:
        await sign_in(pilot, AHMED[0], "wrong-1")
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        for attempt in range(2, 6):
            screen.query_one("#password", Input).value = f"wrong-{attempt}"
            screen.submit()
            await settle(pilot)
        assert "مقفل" in text_of(app, "#message")
        screen.query_one("#password", Input).value = AHMED[1]
        screen.submit()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "مقفل" in text_of(app, "#message")


async def test_quick_lookup_shows_only_the_status(kiosk: KioskFactory) -> None:
    """Request number + last 4 digits of the ID: the status screen, nothing more."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.click("#quick")
        await pilot.pause()
        assert isinstance(app.screen, RequestNumberScreen)
        await pilot.press(*"9000000209", "enter", *"6546", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.quick
        assert "counter 3" in text_of(app, "#action")
        assert app.visit is not None and app.visit.applicant is None


async def open_quick_lookup(pilot: Pilot[None], number: str) -> RequestNumberScreen:
    """From Welcome to the quick lookup, with *number* typed."""
    await pilot.press("enter")
    await pilot.click("#quick")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RequestNumberScreen)
    screen.query_one("#request-number", Input).value = number
    return screen


async def quick_attempt(pilot: Pilot[None], screen: RequestNumberScreen, last4: str) -> str:
    """Submit a quick lookup with *last4*; what the screen says."""
    screen.query_one("#last4", Input).value = last4
    screen.submit()
    await settle(pilot)
    return screen.query_one("#message", BidiText).text


COUNTER = "Too many tries. Please ask at the counter."


async def test_quick_lookup_failures_slow_down_then_send_to_the_counter(
    kiosk: KioskFactory,
) -> None:
    """Three misses are free, then each try waits longer, then the kiosk sends people away."""
    clock = MovableClock()
    app = kiosk("en", clock=clock, idle_seconds=3600.0)
    async with app.run_test() as pilot:
        screen = await open_quick_lookup(pilot, "9000000209")
        for _ in range(3):
            assert (await quick_attempt(pilot, screen, "0000")).startswith("No request with")
        assert await quick_attempt(pilot, screen, "0000") == (
            "Please wait 2 seconds before trying again."
        )
        clock.advance(3)
        assert (await quick_attempt(pilot, screen, "0000")).startswith("No request")
        for _ in range(2):
            clock.advance(60)
            await quick_attempt(pilot, screen, "0000")
        # The second counter answer in a row says which try it is.
        assert await quick_attempt(pilot, screen, "6546") == f"{COUNTER} (try 2)"
        assert isinstance(app.screen, RequestNumberScreen)


async def test_a_second_kiosk_and_a_restarted_one_keep_sending_to_the_counter(
    kiosk: KioskFactory,
) -> None:
    """Issue 10.7: the budget is the office's, in the data file, not one kiosk process's."""
    clock = MovableClock()
    first = kiosk("en", clock=clock, idle_seconds=3600.0)
    async with first.run_test() as pilot:
        screen = await open_quick_lookup(pilot, "9000000209")
        for _ in range(6):
            clock.advance(60)
            await quick_attempt(pilot, screen, "0000")
        assert text_of(first, "#message") == COUNTER
    # Another kiosk on the same data file: the number's budget is spent there too.
    second = kiosk("en", clock=clock, idle_seconds=3600.0, kiosk_id="KIOSK-02")
    async with second.run_test() as pilot:
        screen = await open_quick_lookup(pilot, "9000000209")
        assert await quick_attempt(pilot, screen, "6546") == COUNTER
    # The first kiosk restarted: its own budget is spent, whatever the number.
    restarted = kiosk("en", clock=clock, idle_seconds=3600.0)
    async with restarted.run_test() as pilot:
        screen = await open_quick_lookup(pilot, "9000000100")
        assert await quick_attempt(pilot, screen, "6546") == COUNTER


async def test_idle_timeout_over_an_open_dialog_wipes_the_visit(kiosk: KioskFactory) -> None:
    """Idle with Help open: the countdown comes on top, and at zero only Welcome is left."""
    clock = FakeMonotonic()
    receipts = FakeReceipts()
    app = kiosk("en", receipts, monotonic=clock, countdown_seconds=2.0)
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        clock.advance(61)
        await wait_until(pilot, lambda: isinstance(app.screen, IdleCountdown))
        assert isinstance(app.screen_stack[-2], HelpScreen)
        await wait_until(pilot, lambda: app.visit is None)
        await settle(pilot)
        assert screen_types(app) == ["WelcomeScreen"]
        assert app.visit is None
        assert receipts.visits_ended == [AHMED[0]]
        assert not app.query("SignInScreen, RequestTypeScreen")


async def test_continue_keeps_the_visit(kiosk: KioskFactory) -> None:
    """Continue has the focus; Enter keeps the person where they were, again and again."""
    clock = FakeMonotonic()
    app = kiosk("en", monotonic=clock, idle_seconds=2.0)
    async with app.run_test() as pilot:
        await pilot.press("enter")
        for _ in range(10):
            clock.advance(3)
            await wait_until(pilot, lambda: isinstance(app.screen, IdleCountdown))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SignInScreen)


async def test_staff_exit_needs_the_pin(kiosk: KioskFactory) -> None:
    """The chord asks for the PIN; a wrong one is refused, the right one ends the app."""
    pin_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("2468")
    app = kiosk("en", staff_pin_hash=pin_hash)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+alt+x")
        await pilot.pause()
        assert isinstance(app.screen, ExitPinScreen)
        await pilot.press(*"1111", "enter")
        await settle(pilot)
        assert "Wrong PIN." in app.screen.query_one("#pin-message-en", BidiText).text
        await pilot.press(*"2468", "enter")
        await settle(pilot)
    assert app.return_code == 0
    assert not app.is_running


async def test_staff_exit_is_disabled_without_a_pin(kiosk: KioskFactory) -> None:
    """With no PIN hash configured, no PIN opens the exit."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await pilot.press("ctrl+alt+x")
        await pilot.press(*"0000", "enter")
        await settle(pilot)
        assert "No staff PIN" in app.screen.query_one("#pin-message-en", BidiText).text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.is_running


async def test_residents_have_no_quit_key(kiosk: KioskFactory) -> None:
    """Ctrl+Q, Ctrl+C and the command palette's key do nothing for a resident."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q", "ctrl+c", "ctrl+p", "ctrl+backslash")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, WelcomeScreen)


async def test_an_error_while_drawing_a_screen_recovers(
    kiosk: KioskFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A status screen that cannot be drawn: out of service, then a working Welcome."""
    app = kiosk("en")

    def broken(*args: object) -> None:
        raise ValueError("cannot work out the dates")

    monkeypatch.setattr(app.services.requests, "progress", broken)
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.click("#quick")
        await pilot.press(*"9000000209", "tab", *"6546", "enter")
        await settle(pilot)
        assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
    assert app.unexpected_errors >= 1


async def test_an_accepted_request_says_what_to_collect(kiosk: KioskFactory) -> None:
    """Accepted: Jawazat's note on what to collect and where stands out."""
    app = kiosk("en")
    async with app.run_test() as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("enter")  # passport: 9000000308, accepted
        await pilot.pause()
        assert isinstance(app.screen, StatusScreen)
        assert "counter 5" in text_of(app, "#collect")


async def test_an_unexpected_error_shows_out_of_service(
    kiosk: KioskFactory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing read is logged, "out of service" shows in both languages, then Welcome."""
    app = kiosk("en")

    def broken(applicant_id: str) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.services.requests, "requests_by_type", broken)
    with caplog.at_level(logging.ERROR, logger="tawasul.kiosk"):
        async with app.run_test() as pilot:
            await sign_in(pilot, *AHMED)
            await settle(pilot)
            # The notice comes once the failed read is reported from its worker.
            await wait_until(pilot, lambda: isinstance(app.screen, OutOfServiceScreen))
            assert screen_types(app) == ["WelcomeScreen", "OutOfServiceScreen"]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
            assert app.is_running
    # At least the failed read; the sign-in's own audit write may have the list read again.
    assert app.unexpected_errors >= 1
    assert "disk on fire" in caplog.text
    assert AHMED[0] not in caplog.text


def test_the_ctrl_alt_chord_also_answers_to_what_terminals_send() -> None:
    """Terminals deliver Ctrl+Alt+X as Escape, Ctrl+X, which Textual reports as ctrl+x."""
    assert chord_keys("ctrl+alt+x") == {"ctrl+alt+x", "ctrl+x"}
    assert chord_keys("f12") == {"f12"}

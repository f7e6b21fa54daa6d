"""Pilot flows of Nafath sign-in at the kiosk, in Arabic and English, against the real simulator."""

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Digits

from kiosk.app.kiosk import KioskApp
from kiosk.config import NafathConfig
from kiosk.services.i18n import translations
from screens.resident import (
    HelpScreen,
    IdleCountdown,
    RequestTypeScreen,
    SignInScreen,
    WelcomeScreen,
)
from screens.resident.nafath import NafathScreen
from tests.kiosk.conftest import ABDULLAH, AHMED, FakeMonotonic, KioskFactory, wait_until
from tests.kiosk.test_small_terminal import SMALLEST, seen_whole
from tests.nafath_sim import RunningSimulator, running_simulator
from widgets import BidiText

DEAD_URL = "http://127.0.0.1:9"  # the discard port: nothing listens there


pytestmark = pytest.mark.usefixtures("nafath_credentials")


def nafath_kiosk(kiosk: KioskFactory, language: str, url: str, **options: object) -> KioskApp:
    settings = NafathConfig(url=url, decision_seconds=10, poll_seconds=2, request_timeout=2)
    return kiosk(language, sign_in=("nafath", "password"), nafath=settings, **options)


async def ask_nafath(pilot: Pilot[None], id_number: str) -> NafathScreen:
    """From Welcome: the ID, then Enter, which goes to Nafath when the office offers it first."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*id_number, "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, NafathScreen))
    screen = pilot.app.screen
    assert isinstance(screen, NafathScreen)
    return screen


def shown_number(screen: NafathScreen) -> str:
    return screen.query_one("#number", Digits).value


def message(screen: NafathScreen) -> str:
    return screen.query_one("#message", BidiText).text


async def until_said(pilot: Pilot[None], screen: NafathScreen, sentence: str) -> None:
    """Wait until *screen* says *sentence* (real time: the polls are real)."""
    await wait_until(pilot, lambda: message(screen) == sentence, seconds=15)


@pytest.mark.parametrize(("language", "who"), [("en", AHMED), ("ar", ABDULLAH)])
async def test_approving_the_shown_number_signs_in(
    kiosk: KioskFactory, simulator: RunningSimulator, language: str, who: tuple[str, str]
) -> None:
    app = nafath_kiosk(kiosk, language, simulator.url)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, who[0])
        await wait_until(pilot, lambda: shown_number(screen) != "")
        tr = translations(language)
        assert screen.query_one("#instruction", BidiText).text == tr("nafath.instruction")
        countdown = screen.query_one("#countdown", BidiText).text
        assert countdown in {tr("nafath.time_left", time=f"0:{s:02d}") for s in range(5, 11)}
        simulator.phone(who[0], shown_number(screen))
        await wait_until(pilot, lambda: isinstance(app.screen, RequestTypeScreen))
        assert app.visit is not None and app.visit.applicant is not None
        assert app.visit.applicant.id_number == who[0]
        # The Nafath screen is gone: the visit's screens are those of a password sign-in.
        assert [type(s).__name__ for s in app.screen_stack] == ["SignInScreen", "RequestTypeScreen"]
    methods = [
        e.details["method"] for e in app.services.store.audit_entries() if e.action == "sign_in"
    ]
    assert methods == ["nafath"]


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_rejecting_says_so_and_leads_back(
    kiosk: KioskFactory, simulator: RunningSimulator, language: str
) -> None:
    app = nafath_kiosk(kiosk, language, simulator.url)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, AHMED[0])
        await wait_until(pilot, lambda: shown_number(screen) != "")
        simulator.phone(AHMED[0], shown_number(screen), approve=False)
        rejected = translations(language)("nafath.rejected")
        await wait_until(pilot, lambda: message(screen) == rejected)
        assert shown_number(screen) == ""
        await pilot.press("enter")  # Back has the focus
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


async def test_a_wrong_number_on_the_phone_rejects(
    kiosk: KioskFactory, simulator: RunningSimulator
) -> None:
    app = nafath_kiosk(kiosk, "en", simulator.url)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, AHMED[0])
        await wait_until(pilot, lambda: shown_number(screen) != "")
        simulator.phone(AHMED[0], "10" if shown_number(screen) != "10" else "11")
        await wait_until(pilot, lambda: message(screen) == translations("en")("nafath.rejected"))


async def test_no_answer_in_time_expires(kiosk: KioskFactory, simulator: RunningSimulator) -> None:
    app = nafath_kiosk(kiosk, "en", simulator.url)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, AHMED[0])
        expired = translations("en")("nafath.expired")
        await wait_until(pilot, lambda: message(screen) == expired, seconds=15)


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_an_unreachable_provider_is_one_sentence(kiosk: KioskFactory, language: str) -> None:
    app = nafath_kiosk(kiosk, language, DEAD_URL)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, AHMED[0])
        unavailable = translations(language)("nafath.unavailable")
        await wait_until(pilot, lambda: message(screen) == unavailable)
        assert shown_number(screen) == ""


async def test_already_active_and_then_too_many(kiosk: KioskFactory) -> None:
    with running_simulator(window_seconds=60) as simulator:
        await already_active_then_too_many(kiosk, simulator)


async def already_active_then_too_many(kiosk: KioskFactory, simulator: RunningSimulator) -> None:
    app = nafath_kiosk(kiosk, "en", simulator.url)
    tr = translations("en")
    assert app.services.nafath.start(AHMED[0], "en").attempt is not None  # another kiosk's
    async with app.run_test() as pilot:
        for _ in range(4):  # the 2nd to the 5th request of 5 in 10 minutes
            screen = await ask_nafath(pilot, AHMED[0])
            await until_said(pilot, screen, tr("nafath.already_active"))
            await pilot.press("enter")  # Back
            await pilot.pause()
            await pilot.press("escape")  # and out of this visit
            await pilot.pause()
        screen = await ask_nafath(pilot, AHMED[0])
        await wait_until(pilot, lambda: message(screen).startswith("Too many Nafath requests"))
        assert message(screen) == tr("nafath.too_many", until="10:10")


async def test_finish_cancels_the_attempt(kiosk: KioskFactory, simulator: RunningSimulator) -> None:
    app = nafath_kiosk(kiosk, "en", simulator.url)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, AHMED[0])
        await wait_until(pilot, lambda: shown_number(screen) != "")
        number, attempt = shown_number(screen), screen.attempt
        await pilot.click("#finish")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert attempt is not None and attempt.cancelled
        simulator.phone(AHMED[0], number)  # approved too late: nobody is signed in
        assert app.services.nafath.poll(attempt).applicant is None
    assert not [e for e in app.services.store.audit_entries() if e.action == "sign_in"]


async def test_going_idle_cancels_the_attempt(
    kiosk: KioskFactory, simulator: RunningSimulator
) -> None:
    clock = FakeMonotonic()
    app = nafath_kiosk(kiosk, "en", simulator.url, monotonic=clock, countdown_seconds=1.0)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, AHMED[0])
        await wait_until(pilot, lambda: shown_number(screen) != "")
        attempt = screen.attempt
        clock.advance(app.services.config.idle_seconds + 1)
        await wait_until(pilot, lambda: isinstance(app.screen, IdleCountdown))
        await wait_until(pilot, lambda: app.visit is None)  # the countdown ran out
        assert isinstance(app.screen, WelcomeScreen)
        assert attempt is not None and attempt.cancelled


async def test_an_approval_while_help_is_open_waits_for_help_to_close(
    kiosk: KioskFactory, simulator: RunningSimulator
) -> None:
    app = nafath_kiosk(kiosk, "en", simulator.url)
    async with app.run_test() as pilot:
        screen = await ask_nafath(pilot, AHMED[0])
        await wait_until(pilot, lambda: shown_number(screen) != "")
        await pilot.press("f1")
        await pilot.pause()
        simulator.phone(AHMED[0], shown_number(screen))
        await wait_until(pilot, lambda: screen.attempt is None)  # approved and verified
        await pilot.pause(0.5)
        assert isinstance(app.screen, HelpScreen)  # not taken down in Nafath's place
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestTypeScreen))
        assert [type(s).__name__ for s in app.screen_stack] == ["SignInScreen", "RequestTypeScreen"]


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_every_button_and_the_number_fit_80_by_24(
    kiosk: KioskFactory, simulator: RunningSimulator, language: str
) -> None:
    app = nafath_kiosk(kiosk, language, simulator.url)
    async with app.run_test(size=SMALLEST) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        sign_in = app.screen
        assert isinstance(sign_in, SignInScreen)
        buttons = list(sign_in.query(Button))
        assert {"nafath", "sign-in", "quick", "back", "help", "finish"} <= {b.id for b in buttons}
        assert [b.id for b in buttons if not seen_whole(b)] == []
        await pilot.press(*AHMED[0], "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NafathScreen))
        screen = app.screen
        assert isinstance(screen, NafathScreen)
        await wait_until(pilot, lambda: shown_number(screen) != "")
        shown = [screen.query_one(s) for s in ("#instruction", "#number", "#countdown")]
        assert all(seen_whole(widget) for widget in [*shown, *screen.query(Button)])


async def test_welcome_says_what_to_bring_as_the_office_signs_in(kiosk: KioskFactory) -> None:
    """With Nafath offered, Welcome asks for a phone with Nafath, not only the password."""
    for app, key in (
        (nafath_kiosk(kiosk, "en", "http://127.0.0.1:9"), "welcome.prompt_nafath"),
        (kiosk("en"), "welcome.prompt"),
    ):
        async with app.run_test() as pilot:
            await pilot.pause()
            prompts = [line.text for line in app.screen.query(".prompt").results(BidiText)]
            assert prompts == [translations("ar")(key), translations("en")(key)]

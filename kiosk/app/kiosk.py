"""The resident kiosk app: locked down, one idle clock, every visit wiped when it ends.

Residents get no quit key, no command palette and no text selection; staff leave with the
configured key chord and their PIN. SIGTERM and SIGHUP end the app cleanly. An unexpected
error is logged, shown as "out of service" in both languages, and the kiosk returns to Welcome;
a damaged or missing data file, a database server that cannot be reached, or a failed check of
``tawasul doctor`` (KIOSK_CHECKS), keeps it out of service, with the reasons for staff, until
the file is good, the server answers and the checks pass again.
"""

import asyncio
import logging
import signal
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import WorkerFailed

from kiosk.app.live import DataChanged, listen_for_changes
from kiosk.domain.accessibility import AccessChoice, Presentation, idle_seconds
from kiosk.domain.languages import Language, on_screen_language
from kiosk.errors import DataFileError, StoreUnreachable
from kiosk.services import Services
from kiosk.services.changes import Subscription
from kiosk.services.doctor import KIOSK_CHECKS, Doctor, Finding, Verdict, terminal_facts
from kiosk.services.receipts_port import ReceiptPrinting
from kiosk.services.speech import Cue, SpokenGuidance
from screens.resident.live import LiveScreen
from screens.resident.welcome import WELCOME_CSS, WelcomeScreen
from widgets.access_keys import ACCESS_KEYS, AccessKeys

if TYPE_CHECKING:
    from screens.resident import IdleCountdown
    from screens.resident.base import ResidentScreen
    from screens.resident.context import KioskContext

# The other screens, and what a visit needs, are imported when first used: Welcome is drawn
# without them (``python -m bench`` measures the kiosk's start against a bare Textual app).

log = logging.getLogger("tawasul.kiosk")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""The signals that end the kiosk cleanly (systemd stopping it, the terminal hanging up)."""

WELCOME_MODE = "welcome"
"""The mode of Welcome, the bottom screen, and of what anyone may see over it (Help, the staff
PIN, out of service)."""

VISIT_MODE = "visit"
"""The mode of a visit: its screens, from sign-in up, in a stack of their own. A visit ends by
switching to Welcome's mode first, so that Welcome is the next screen drawn and none of the
person's screens is shown again on the way out; then this stack is dropped."""

MAX_ERRORS_A_MINUTE = 20
"""Unexpected errors within a minute after which the kiosk gives up and ends with status 1
(systemd starts it again): recovering is not working then."""

DATA_FILE_POLL_SECONDS = 2.0
"""How often, while out of service for a damaged or missing data file, the kiosk looks at the
file's identity (one stat); the file is parsed again only when it changed."""

SERVER_RECHECK_SECONDS = 1.0
"""How often, while out of service for a database server that cannot be reached, the kiosk asks
it again (one connection attempt with a short timeout, in a worker): with the attempt's own
time (a refused connection answers at once) the kiosk is back within 5 s of the server."""

HEALTH_RECHECK_SECONDS = 30.0
"""How often, while out of service for a failed check, the kiosk runs the checks again (in a
worker): a font installed, a key's mode fixed or the clock set brings it back by itself."""

QUIETER_KEY = "f7"
"""The key that makes spoken guidance quieter for the visit (the screens' footer says so)."""

LOUDER_KEY = "f8"
"""The key that makes spoken guidance louder for the visit."""

VERIFY_AFTER_SECONDS = 0.5
"""How long after Welcome is up every document of the data file is verified: parsing holds the
GIL (~110 ms at 100,000 stored requests), and started any sooner it slows the first screen."""


HIGH_CONTRAST_THEME = Theme(
    name="tawasul-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#00FFFF",
    warning="#FFD700",
    error="#FF9090",
    success="#00FF66",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    text_alpha=1.0,
    variables={
        # Muted text and buttons stay white: only full white reaches 21:1 on black.
        "text-muted": "#FFFFFF",
        # A placeholder must still read as one (not as typed text): silver, 12:1 on black.
        "text-disabled": "#C0C0C0",
        "button-foreground": "#FFFFFF",
        "button-color-foreground": "#000000",
        "button-focus-text-style": "bold reverse underline",
        "border": "#FFFFFF",
        "border-blurred": "#FFFFFF",
        "input-cursor-background": "#FFFFFF",
        "input-cursor-foreground": "#000000",
        "scrollbar": "#FFFFFF",
        "scrollbar-hover": "#FFFF00",
        "scrollbar-active": "#FFFF00",
        "scrollbar-background": "#000000",
    },
)
"""Light text and controls on black, each pair at 7:1 or more (tests/kiosk/test_contrast.py
computes every pair the resident screens draw); kiosk.tcss shows the focus by its border too."""


def chord_keys(chord: str) -> frozenset[str]:
    """The key names that stand for the staff exit *chord* in Textual's key events.

    Terminals send Ctrl+Alt+X as Escape followed by Ctrl+X, and Textual reports that as
    ``ctrl+x``: so a ``ctrl+alt+`` chord also answers to its ``ctrl+`` key. The PIN still guards
    the exit; a resident who presses it only meets the PIN dialog, and Escape closes it.
    """
    keys = {chord}
    if "ctrl+" in chord and "alt+" in chord:
        keys.add(chord.replace("alt+", ""))
    return frozenset(keys)


class KioskApp(App[None], inherit_bindings=False):
    """The resident kiosk over one set of services."""

    # Welcome's rules are read with the app's: a screen's own file, read when it is first
    # shown, makes Textual parse every rule again (~4 ms before the first screen).
    CSS_PATH: ClassVar[list[str | PurePath]] = ["kiosk.tcss", WELCOME_CSS]
    # F2 and F3 switch high contrast and the large layout on every screen, whatever has the focus.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"toggle_presentation('{choice}')", show=False, priority=True)
        for choice, key in ACCESS_KEYS.items()
    ]
    DEFAULT_MODE: ClassVar[str] = WELCOME_MODE
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    TITLE = "Tawasul"

    def __init__(
        self,
        services: Services,
        language: Language,
        receipts: ReceiptPrinting | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        handle_signals: bool = True,
        verify_data: bool = False,
        check_health: bool = False,
        unreachable: StoreUnreachable | None = None,
    ) -> None:
        """The kiosk; *language* is the Welcome screen's first language.

        Tests pass *monotonic* to move the idle clock and *handle_signals* False to leave
        pytest's signals alone. With *verify_data* every document of the data file is parsed
        in a worker once Welcome is up (see ``_verify_data``); with *check_health* the checks
        of KIOSK_CHECKS are made then too, and a failure keeps the kiosk out of service.
        *unreachable* is the database server found gone as the kiosk started: it starts out of
        service for it.
        """
        super().__init__()
        self.add_mode(WELCOME_MODE, self.get_default_screen)
        self.services = services
        # Welcome's first language is one the terminal draws (ValueError otherwise).
        self.language = on_screen_language(language)
        self.receipts = receipts
        self._monotonic = monotonic
        self._handle_signals = handle_signals
        self._verify_data = verify_data
        self._check_health = check_health
        self.data_error: DataFileError | None = None
        """The damage the kiosk is out of service for, None while the data file is good.

        If the app ends meanwhile, ``tawasul kiosk`` exits with this error's status (3; 6 for a
        database server that cannot be reached)."""
        self._data_file_poll: Timer | None = None
        self._data_file_checked: object = None
        self._server_asked = False
        self._unreachable_at_start = unreachable
        self.failed_checks: tuple[Finding, ...] = ()
        """The checks the kiosk is out of service for, empty while they pass."""
        self._health_poll: Timer | None = None
        self._last_input = monotonic()
        self._exit_keys = chord_keys(services.config.staff_exit_chord)
        self.visit: KioskContext | None = None
        """The visit under way, or None while Welcome waits."""
        self._recovering = False
        self._recent_errors: deque[float] = deque(maxlen=MAX_ERRORS_A_MINUTE)
        self.unexpected_errors = 0
        """How many unexpected errors the kiosk has recovered from since it started."""
        self._changes: Subscription | None = None
        self.speech = SpokenGuidance(services.config.speech)
        """Spoken guidance, as the office configured it (silent when it is off)."""
        self.register_theme(HIGH_CONTRAST_THEME)
        self._usual_theme = self.theme
        self.presentation = services.config.presentation
        """How the kiosk is shown now: the office's default, or what this visit's resident chose."""

    # --- lifetime --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        """Welcome, at the bottom of Welcome's mode: each visit has a mode of its own and ends
        back on it."""
        return WelcomeScreen(self.services, self.language)

    def on_mount(self) -> None:
        """Start the idle clock, verify the data once Welcome is up, take over the stop signals."""
        welcome = self.screen
        if self._unreachable_at_start is not None:
            self._out_of_service_for(self._unreachable_at_start)
            self._show_out_of_service()
        # Staff changes are heard from the first screen on; the watch starts once it is drawn.
        welcome.call_after_refresh(self._listen_for_changes)
        if self._verify_data:
            welcome.call_after_refresh(self.set_timer, VERIFY_AFTER_SECONDS, self._verify_later)
        if self._check_health:
            welcome.call_after_refresh(self.set_timer, VERIFY_AFTER_SECONDS, self._checks_later)
        self._show_presentation()
        config = self.services.config
        if self.speech.enabled:
            self.screen_change_signal.subscribe(self, self._screen_changed)
        # Checked often enough for the shortest idle time a visit can have (the office's own).
        self.set_interval(min(1.0, max(config.idle_seconds / 4, 0.05)), self._check_idle)
        if self._handle_signals:
            loop = asyncio.get_running_loop()
            for number in STOP_SIGNALS:
                loop.add_signal_handler(number, self._stop, number)

    def _listen_for_changes(self) -> None:
        if self._changes is None and self.is_running:
            self._changes = listen_for_changes(self, self.services)

    def on_unmount(self) -> None:
        """Stop hearing the data file's changes."""
        if self._changes is not None:
            self._changes.close()
            self._changes = None
        self.speech.close()

    def on_data_changed(self, _: DataChanged) -> None:
        """Someone wrote the data: every screen of the stack that shows it reads it again, so
        Back, too, leads to what is stored now."""
        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen):
                screen.show_latest()

    def _verify_later(self) -> None:
        # Off the first screen's path: at 100,000 stored requests parsing every document takes
        # ~150 ms, and the file's frame was already checked before the app started. Damage
        # found there reaches _handle_exception as any worker's error does.
        self.run_worker(self.services.check_data, thread=True, group="verify-data")

    def _stop(self, number: int) -> None:
        log.info("signal %s: the kiosk stops", signal.Signals(number).name)
        self._forget_visit(wait=True)
        self.exit()

    # --- the idle clock and the staff chord ---------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Every key and mouse event restarts the idle clock; the staff chord opens the PIN."""
        if isinstance(event, events.Key | events.MouseEvent):
            self._last_input = self._monotonic()
        if isinstance(event, events.Key) and event.key in self._exit_keys:
            event.stop()
            event.prevent_default()
            self._ask_staff_pin()
            return
        if isinstance(event, events.Key | events.MouseDown) and self._guidance_key(event):
            event.stop()
            event.prevent_default()
            return
        await super().on_event(event)

    # --- spoken guidance: one hook for every screen ------------------------------------------

    def _guidance_key(self, event: events.Key | events.MouseDown) -> bool:
        """Any key or click stops the sentence being read; the volume keys change the loudness
        (and are used up: True); a key on a masked field gives a tone (speech on or off)."""
        if (
            self.speech.enabled
            and isinstance(event, events.Key)
            and event.key in (QUIETER_KEY, LOUDER_KEY)
        ):
            volume = self.speech.louder() if event.key == LOUDER_KEY else self.speech.quieter()
            log.info("speech volume %d for this visit", volume)
            return True
        self.speech.stop()
        if isinstance(event, events.Key) and (event.is_printable or event.key == "backspace"):
            self._masked_key_tone()
        return False

    def _masked_key_tone(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.password and not self.speech.cue(Cue.KEY):
            self.bell()

    # Keypad.Pressed by its handler name: widgets are not imported before a visit.
    def on_keypad_pressed(self) -> None:
        """A key of the on-screen keypad: a tone when it types into a masked field."""
        self._masked_key_tone()

    def _screen_changed(self, screen: Screen[object]) -> None:
        """A screen came up: once it is drawn, a resident screen is read aloud."""
        if self.visit is None:
            return
        from screens.resident.base import ResidentScreen

        if isinstance(screen, ResidentScreen):
            screen.call_after_refresh(self._read_aloud, screen)

    def _read_aloud(self, screen: "ResidentScreen") -> None:
        if screen is self.screen and self.visit is not None:
            self.speech.say(screen.spoken(), self.visit.language)

    # ResidentScreen.Announced by its handler name: its module is not imported before a visit.
    def on_resident_screen_announced(self, event: "ResidentScreen.Announced") -> None:
        """A screen answered the person: read the answer (speech on), after an error's tone."""
        if self.visit is None:
            return
        after = Cue.ERROR if event.error else None
        if not self.speech.say([event.text], self.visit.language, after=after):
            self.bell()

    @property
    def idle_limit(self) -> float:
        """Seconds without input before "are you still there?", for the presentation shown now."""
        config = self.services.config
        more = config.accessibility.more_time_factor
        return idle_seconds(config.idle_seconds, self.presentation, more)

    def _check_idle(self) -> None:
        if self.visit is None:
            # Switched on Welcome by someone who then walked away: the next person gets the
            # office's default.
            if self._monotonic() - self._last_input >= self.idle_limit:
                self._reset_presentation()
            return
        from screens.resident import IdleCountdown

        # The check is a timer: it may fire once more while the app shuts down, its screens gone.
        if not self.screen_stack or isinstance(self.screen, IdleCountdown):
            return
        config = self.services.config
        if self._monotonic() - self._last_input < self.idle_limit:
            return
        tr = self.visit.tr
        # Continue dismisses it (the key or click restarts the idle clock); zero or Finish
        # posts IdleCountdown.Ended.
        self.push_screen(
            IdleCountdown(
                int(config.countdown_seconds),
                partial(tr.plural, "idle.message"),
                tr("idle.continue"),
                tr("common.finish"),
                bidi=config.bidi,
                rtl=self.visit.rtl,
            )
        )

    # IdleCountdown.Ended by its handler name: widgets are not imported before a visit.
    def on_idle_countdown_ended(self, event: "IdleCountdown.Ended") -> None:
        """The countdown reached zero, or Finish was pressed on it: the visit ends."""
        log.info("visit ended: %s", "idle" if event.timed_out else "finish")
        self.end_visit()

    def _ask_staff_pin(self) -> None:
        from screens.resident.exit_pin import ExitPinScreen

        if isinstance(self.screen, ExitPinScreen):
            return
        log.info("staff exit chord pressed")
        self.push_screen(
            ExitPinScreen(self.services.staff_exit.verify, self.services.config.bidi),
            self._pin_answered,
        )

    def _pin_answered(self, accepted: bool | None) -> None:
        if accepted:
            log.info("staff left the kiosk with the PIN")
            self._forget_visit(wait=True)
            self.exit()

    # --- high contrast and the large layout ----------------------------------------------------

    def action_toggle_presentation(self, choice: str) -> None:
        """Switch high contrast or the large layout (*choice*, a binding's text) for this visit."""
        self.presentation = self.presentation.toggled(AccessChoice(choice))
        self._show_presentation()

    def on_access_keys_toggled(self, event: AccessKeys.Toggled) -> None:
        """A touch or a click on a switch: the same as its key."""
        self.action_toggle_presentation(event.choice)

    def _reset_presentation(self) -> None:
        default = self.services.config.presentation
        if self.presentation != default:
            self.presentation = default
            self._show_presentation()

    def _show_presentation(self) -> None:
        """Draw every screen as the presentation says: the theme, and the app's classes that
        kiosk.tcss styles (``-high-contrast``: focus by border too; ``-large``: bigger targets)."""
        shown: Presentation = self.presentation
        self.theme = HIGH_CONTRAST_THEME.name if shown.high_contrast else self._usual_theme
        self.set_class(shown.high_contrast, "-high-contrast")
        self.set_class(shown.large, "-large")

    # --- visits ------------------------------------------------------------------------------

    @on(WelcomeScreen.Start)
    def _start_visit(self, event: WelcomeScreen.Start) -> None:
        from screens.resident.context import KioskContext
        from screens.resident.sign_in import SignInScreen

        if self.visit is not None or self.out_of_service:
            return  # a key that arrived as the last visit began or the kiosk went out of service
        self.visit = KioskContext(self.services, event.language, self.receipts)
        self._last_input = self._monotonic()
        first = SignInScreen(self.visit)
        self.add_mode(VISIT_MODE, lambda: first)
        self.switch_mode(VISIT_MODE)

    # ResidentScreen.Finished by its handler name: its module is not imported before a visit.
    def on_resident_screen_finished(self) -> None:
        """Finish pressed on any resident screen: the visit ends."""
        log.info("visit ended: finish")
        self.end_visit()

    def _forget_visit(self, *, wait: bool = False) -> None:
        """End the visit in memory and settle its unprinted receipts (in a worker unless *wait*).

        Settling reads the spool and, at the first visit, builds the receipt service: work for
        a thread, not the event loop. When the app is about to exit, it is done at once.
        """
        visit, self.visit = self.visit, None
        if visit is not None:
            visit.end()
            self.speech.visit_ended()
        if visit is None or self.receipts is None or not visit.touched_ids:
            return
        applicant_ids = tuple(visit.touched_ids)
        if wait:
            self._settle_receipts(applicant_ids)
        else:
            self.run_worker(
                lambda: self._settle_receipts(applicant_ids),
                thread=True,
                group="forget-receipts",
                exit_on_error=False,
            )

    def _settle_receipts(self, applicant_ids: tuple[str, ...]) -> None:
        assert self.receipts is not None
        try:
            for applicant_id in applicant_ids:
                self.receipts.visit_ended(applicant_id)
        except Exception:
            # The spool is staff's to clear then; the resident's screen is already wiped.
            log.exception("the unprinted receipts of a finished visit could not be settled")

    def end_visit(self) -> None:
        """Sign out: Welcome first, then the visit's screens go and its receipts are settled;
        the next visit starts with the office's presentation."""
        self._forget_visit()
        self._back_to_welcome()
        self._reset_presentation()

    def _back_to_welcome(self) -> None:
        """Make Welcome current, then drop every other screen (none of them is drawn again).

        Nothing here waits for a screen to be taken down: a broken screen may fail again on its
        way out, and that error must come back as an error of its own, not stop the way back.
        """
        if self.current_mode == VISIT_MODE:
            self.switch_mode(WELCOME_MODE)
            self.remove_mode(VISIT_MODE)
        # Over Welcome there is only what anyone may see: Help, the staff PIN, a notice.
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # --- unexpected errors, a damaged data file, failed checks --------------------------------

    @property
    def out_of_service(self) -> bool:
        """Whether nobody can be served until something is fixed: the data file or a check."""
        return self.data_error is not None or bool(self.failed_checks)

    def out_of_service_reasons(self) -> list[str]:
        """Why the kiosk is out of service, one line each, for staff (no resident's data)."""
        reasons = [f"data: {self.data_error}"] if self.data_error is not None else []
        return reasons + [f"{finding.check}: {finding.words}" for finding in self.failed_checks]

    def _handle_exception(self, error: Exception) -> None:
        """Log the error, then show "out of service" and go back to Welcome, never a traceback.

        A damaged or missing data file keeps the notice up until the file is good again. A
        broken screen may fail again while it is taken down: those errors are logged too. If
        errors go on at more than MAX_ERRORS_A_MINUTE, the app ends with code 1 (systemd starts
        it again).
        """
        if not self.is_running:
            super()._handle_exception(error)
            return
        cause = error.error if isinstance(error, WorkerFailed) else error
        if isinstance(cause, DataFileError):
            self._out_of_service_for(cause)
        else:
            log.error("unexpected error; back to Welcome", exc_info=cause)
            self.unexpected_errors += 1
        now = self._monotonic()
        self._recent_errors.append(now)
        if len(self._recent_errors) == MAX_ERRORS_A_MINUTE and now - self._recent_errors[0] < 60:
            log.critical("errors go on while the kiosk recovers from them: it stops")
            self.exit(return_code=1)
            return
        self._show_out_of_service()

    def _show_out_of_service(self) -> None:
        """Put a new out-of-service notice up over Welcome (once, however many ask at once)."""
        if not self._recovering:
            self._recovering = True
            self.call_later(self._recover)

    def _recover(self) -> None:
        """Welcome, under a new out-of-service notice: the visit and every dialog are gone."""
        from screens.resident.out_of_service import OutOfServiceScreen

        try:
            # The resident is told in their own language too, beside Arabic and English.
            language = self.visit.language if self.visit is not None else None
            self.end_visit()
            config = self.services.config
            seconds = None if self.out_of_service else config.out_of_service_seconds
            self.push_screen(
                OutOfServiceScreen(
                    config.bidi, seconds, self.out_of_service_reasons(), also=language
                )
            )
        except Exception:
            log.exception("the kiosk could not recover; it stops")
            self.exit(return_code=1)
        finally:
            self._recovering = False

    def _out_of_service_for(self, error: DataFileError) -> None:
        """Nobody is served from a damaged or missing file: out of service until it is good."""
        if self.data_error is not None:
            return  # said once; the notice is up and the file is being watched
        self.data_error = error
        if isinstance(error, StoreUnreachable):
            # What a visit was doing is gone with it (a transaction is whole or not at all);
            # the server is asked again until it answers, and then the kiosk is back.
            log.error("out of service until the database server answers again: %s", error)
            self._data_file_poll = self.set_interval(SERVER_RECHECK_SECONDS, self._ask_server)
            return
        log.error("out of service until the data file is good again: %s", error)
        self._data_file_checked = None
        self._data_file_poll = self.set_interval(DATA_FILE_POLL_SECONDS, self._poll_data_file)

    def _ask_server(self) -> None:
        # One attempt at a time: a server that does not answer at all holds an attempt for
        # its connect timeout, and the next tick must not start another beside it.
        if self._server_asked:
            return
        self._server_asked = True
        self.run_worker(self._check_server, thread=True, group="check-server", exit_on_error=False)

    def _check_server(self) -> None:
        answer: DataFileError | None = None
        try:
            self.services.check_data_frame()
        except StoreUnreachable:
            self._server_asked = False  # not yet: the next tick asks again
            return
        except DataFileError as error:
            # It answers, but the office's data is not there as it should be: the kiosk
            # stays out of service for that, as for a damaged file, and watches it.
            answer = error
        except Exception:
            log.exception("asking the database server again failed")
            self._server_asked = False
            return
        self.call_from_thread(self._server_answers, answer)

    def _server_answers(self, error: DataFileError | None) -> None:
        self._server_asked = False
        if self._data_file_poll is not None:
            self._data_file_poll.stop()
            self._data_file_poll = None
        log.info("the database server answers again")
        self.data_error = None
        if error is not None:
            self._out_of_service_for(error)
            self._show_reasons()
            return
        self._back_in_service()

    def _poll_data_file(self) -> None:
        # One stat every few seconds; the file is parsed again only when it is there and is
        # not the one that was last found damaged.
        try:
            identity = self.services.data_version()
        except DataFileError:
            return  # a database that cannot be read now either: the next poll asks again
        if identity is None or identity == self._data_file_checked:
            return
        self._data_file_checked = identity
        self.run_worker(
            self._check_data_file, thread=True, group="check-data", exclusive=True,
            exit_on_error=False,
        )  # fmt: skip

    def _check_data_file(self) -> None:
        try:
            self.services.check_data()
        except (DataFileError, OSError):
            return  # still damaged (or unreadable): wait for the next change
        self.call_from_thread(self._data_file_good_again)

    def _data_file_good_again(self) -> None:
        if self._data_file_poll is not None:
            self._data_file_poll.stop()
            self._data_file_poll = None
        log.info("the data file is good again")
        self.data_error = None
        self._back_in_service()

    def _back_in_service(self) -> None:
        """One cause is gone: Welcome again if none is left, else the notice names the rest."""
        if self.out_of_service:
            self._show_reasons()
            return
        log.info("back in service")
        self.call_later(self._back_to_welcome)

    def _show_reasons(self) -> None:
        from screens.resident.out_of_service import OutOfServiceScreen

        for screen in self.screen_stack:
            if isinstance(screen, OutOfServiceScreen):
                screen.show_reasons(self.out_of_service_reasons())

    def _checks_later(self) -> None:
        # A worker: the printer-free checks still run fc-list and read the key (~50 ms).
        self.run_worker(
            self._run_checks, thread=True, group="health", exclusive=True, exit_on_error=False
        )

    def _run_checks(self) -> None:
        findings = Doctor(self.services).run(terminal_facts(), KIOSK_CHECKS)
        failed = tuple(f for f in findings if f.verdict is Verdict.FAILURE)
        self.call_from_thread(self._checks_found, failed)

    def _checks_found(self, failed: tuple[Finding, ...]) -> None:
        before, self.failed_checks = self.failed_checks, failed
        if failed == before:
            return
        if failed and not before:
            log.error(
                "out of service until these checks pass: %s",
                "; ".join(finding.line for finding in failed),
            )
            self._health_poll = self.set_interval(HEALTH_RECHECK_SECONDS, self._checks_later)
            self._show_out_of_service()
            return
        if failed:
            self._show_reasons()  # some were fixed, others not (or new ones failed)
            return
        if self._health_poll is not None:
            self._health_poll.stop()
            self._health_poll = None
        log.info("the failed checks pass again")
        self._back_in_service()

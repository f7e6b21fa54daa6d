"""The resident kiosk app: locked down, one idle clock, every visit wiped when it ends.

Residents get no quit key, no command palette and no text selection; staff leave with the
configured key chord and their PIN. SIGTERM and SIGHUP end the app cleanly. An unexpected
error is logged, shown as "out of service" in both languages, and the kiosk returns to Welcome.
"""

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import BindingType
from textual.screen import Screen

from kiosk.app.live import DataChanged, listen_for_changes
from kiosk.errors import DataFileError
from kiosk.services import Services
from kiosk.services.changes import Subscription
from kiosk.services.receipts_port import ReceiptPrinting
from screens.live import LiveScreen
from screens.welcome import WELCOME_CSS, WelcomeScreen

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from screens.context import KioskContext, LookupThrottle
    from screens.exit_pin import PinVerdict

# The other screens, and what a visit needs, are imported when first used: Welcome is drawn
# without them (``python -m bench`` measures the kiosk's start against a bare Textual app).

log = logging.getLogger("tawasul.kiosk")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""The signals that end the kiosk cleanly (systemd stopping it, the terminal hanging up)."""

MAX_ERRORS_WHILE_RECOVERING = 5
"""Further errors, while one is being recovered from, after which the app gives up."""

VERIFY_AFTER_SECONDS = 0.5
"""How long after Welcome is up every document of the data file is verified: parsing holds the
GIL (~110 ms at 100,000 stored requests), and started any sooner it slows the first screen."""

PIN_MAX_FAILURES = 3
"""Wrong staff PINs in a row before the exit is locked."""

PIN_LOCK_SECONDS = 300.0
"""How long the staff exit stays locked after too many wrong PINs."""


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


class StaffExitGuard:
    """Checks the staff PIN against the configured argon2 hash; wrong PINs lock it a while.

    With no hash configured the exit is disabled: the kiosk is stopped through the service
    manager instead (``systemctl stop``), and no default PIN exists to be guessed.
    """

    def __init__(self, pin_hash: str, monotonic: Callable[[], float] = time.monotonic) -> None:
        """Guard the exit with *pin_hash* (empty: exit disabled)."""
        self._hash = pin_hash
        self._monotonic = monotonic
        self._failures = 0
        self._locked_until = 0.0

    @cached_property
    def _hasher(self) -> "PasswordHasher":
        # Imported at the first PIN: argon2 is not needed to draw the kiosk's first screen.
        from argon2 import PasswordHasher

        return PasswordHasher()

    def verify(self, pin: str) -> "PinVerdict":
        """Whether *pin* opens the exit; blocking (argon2), so call it from a worker thread."""
        from screens.exit_pin import PinVerdict

        if not self._hash:
            return PinVerdict.NOT_SET
        if self._monotonic() < self._locked_until:
            return PinVerdict.LOCKED
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            accepted = bool(self._hasher.verify(self._hash, pin))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            accepted = False
        if accepted:
            self._failures = 0
            return PinVerdict.ACCEPTED
        self._failures += 1
        if self._failures >= PIN_MAX_FAILURES:
            self._failures = 0
            self._locked_until = self._monotonic() + PIN_LOCK_SECONDS
            log.warning("staff exit locked after %d wrong PINs", PIN_MAX_FAILURES)
            return PinVerdict.LOCKED
        return PinVerdict.WRONG


class KioskApp(App[None], inherit_bindings=False):
    """The resident kiosk over one set of services."""

    # Welcome's rules are read with the app's: a screen's own file, read when it is first
    # shown, makes Textual parse every rule again (~4 ms before the first screen).
    CSS_PATH: ClassVar[list[str | PurePath]] = ["kiosk.tcss", WELCOME_CSS]
    BINDINGS: ClassVar[list[BindingType]] = []
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    TITLE = "Tawasul"

    def __init__(
        self,
        services: Services,
        language: str,
        receipts: ReceiptPrinting | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        handle_signals: bool = True,
        verify_data: bool = False,
    ) -> None:
        """The kiosk; *language* is the Welcome screen's first language.

        Tests pass *monotonic* to move the idle clock and *handle_signals* False to leave
        pytest's signals alone. With *verify_data* every document of the data file is parsed
        in a worker once Welcome is up (see ``_verify_data``).
        """
        super().__init__()
        self.services = services
        self.language = language
        self.receipts = receipts
        self._monotonic = monotonic
        self._handle_signals = handle_signals
        self._verify_data = verify_data
        self.data_error: DataFileError | None = None
        """Damage the start-up verification found (the app then ends with code 1)."""
        self._last_input = monotonic()
        self.exit_guard = StaffExitGuard(services.config.staff_pin_hash, monotonic)
        self._exit_keys = chord_keys(services.config.staff_exit_chord)
        self.visit: KioskContext | None = None
        """The visit under way, or None while Welcome waits."""
        self._recovering = False
        self._errors_while_recovering = 0
        self.unexpected_errors = 0
        """How many unexpected errors the kiosk has recovered from since it started."""
        self._changes: Subscription | None = None

    # --- lifetime --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        """Welcome, at the bottom of the screen stack: each visit is pushed over it and ends
        back on it."""
        return WelcomeScreen(self.services, self.language)

    @cached_property
    def throttle(self) -> "LookupThrottle":
        """The kiosk's guard against guessing request numbers: it outlives each visit."""
        from screens.context import LookupThrottle

        return LookupThrottle(clock=self._monotonic)

    def on_mount(self) -> None:
        """Start the idle clock, verify the data once Welcome is up, take over the stop signals."""
        welcome = self.screen
        # Staff changes are heard from the first screen on; the watch starts once it is drawn.
        welcome.call_after_refresh(self._listen_for_changes)
        if self._verify_data:
            welcome.call_after_refresh(self.set_timer, VERIFY_AFTER_SECONDS, self._verify_later)
        config = self.services.config
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

    def on_data_changed(self, _: DataChanged) -> None:
        """Someone wrote the data: every screen of the stack that shows it reads it again, so
        Back, too, leads to what is stored now."""
        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen):
                screen.show_latest()

    def _verify_later(self) -> None:
        self.run_worker(self._check_data_file, thread=True, group="verify-data")

    def _check_data_file(self) -> None:
        # Off the first screen's path: at 100,000 stored requests parsing every document takes
        # ~150 ms, and the file's frame was already checked before the app started.
        try:
            self.services.store.check()
        except DataFileError as error:
            self.call_from_thread(self._data_file_damaged, error)

    def _data_file_damaged(self, error: DataFileError) -> None:
        from screens.out_of_service import OutOfServiceScreen

        log.error("%s", error)
        self.data_error = error
        self._forget_visit(wait=True)
        # Nobody is served from a damaged file: after the notice the app ends with code 1; each
        # restart by systemd ends the same way until the file is restored from a backup.
        self.push_screen(
            OutOfServiceScreen(self.services.config.bidi), lambda _: self.exit(return_code=1)
        )

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
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self.visit is None:
            return
        from widgets import IdleCountdown

        if isinstance(self.screen, IdleCountdown):
            return
        config = self.services.config
        if self._monotonic() - self._last_input < config.idle_seconds:
            return
        tr = self.visit.tr
        self.push_screen(
            IdleCountdown(
                int(config.countdown_seconds),
                tr("idle.message"),
                tr("idle.continue"),
                tr("common.finish"),
                bidi=config.bidi,
                rtl=self.visit.rtl,
            ),
            self._idle_answered,
        )

    def _idle_answered(self, stay: bool | None) -> None:
        if stay:
            self._last_input = self._monotonic()
        else:
            log.info("visit ended: idle")
            self.run_worker(self.end_visit(), group="end-visit", exclusive=True)

    def _ask_staff_pin(self) -> None:
        from screens.exit_pin import ExitPinScreen

        if isinstance(self.screen, ExitPinScreen):
            return
        log.info("staff exit chord pressed")
        self.push_screen(
            ExitPinScreen(self.exit_guard.verify, self.services.config.bidi), self._pin_answered
        )

    def _pin_answered(self, accepted: bool | None) -> None:
        if accepted:
            log.info("staff left the kiosk with the PIN")
            self._forget_visit(wait=True)
            self.exit()

    # --- visits ------------------------------------------------------------------------------

    @on(WelcomeScreen.Start)
    def _start_visit(self, event: WelcomeScreen.Start) -> None:
        from screens.context import KioskContext
        from screens.sign_in import SignInScreen

        self.visit = KioskContext(self.services, event.language, self.receipts, self.throttle)
        self._last_input = self._monotonic()
        self.push_screen(SignInScreen(self.visit))

    # ResidentScreen.Finished by its handler name: screens.base is not imported before a visit.
    async def on_resident_screen_finished(self) -> None:
        """Finish pressed on any resident screen: the visit ends."""
        log.info("visit ended: finish")
        await self.end_visit()

    def _forget_visit(self, *, wait: bool = False) -> None:
        """End the visit in memory and drop its unsent receipts (in a worker unless *wait*).

        Dropping reads the spool and, at the first visit, builds the receipt service: work for
        a thread, not the event loop. When the app is about to exit, it is done at once.
        """
        visit, self.visit = self.visit, None
        if visit is None or self.receipts is None or not visit.touched_ids:
            return
        applicant_ids = tuple(visit.touched_ids)
        if wait:
            self._forget_receipts(applicant_ids)
        else:
            self.run_worker(
                lambda: self._forget_receipts(applicant_ids),
                thread=True,
                group="forget-receipts",
                exit_on_error=False,
            )

    def _forget_receipts(self, applicant_ids: tuple[str, ...]) -> None:
        assert self.receipts is not None
        try:
            for applicant_id in applicant_ids:
                self.receipts.forget_pending(applicant_id)
        except Exception:
            # The spool is staff's to clear then; the resident's screen is already wiped.
            log.exception("the unsent receipts of a finished visit could not be dropped")

    async def end_visit(self) -> None:
        """Sign out: drop the visit's pending receipts and every screen above Welcome."""
        self._forget_visit()
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    # --- unexpected errors -------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Log the error, then show "out of service" and go back to Welcome, never a traceback.

        A broken screen may fail again while it is taken down; those errors are logged too.
        If recovering does not work, the app ends with code 1 (systemd starts it again).
        """
        if not self.is_running:
            super()._handle_exception(error)
            return
        log.error("unexpected error; back to Welcome", exc_info=error)
        self.unexpected_errors += 1
        if self._recovering:
            self._errors_while_recovering += 1
            if self._errors_while_recovering > MAX_ERRORS_WHILE_RECOVERING:
                super()._handle_exception(error)
            return
        self._recovering = True
        self._errors_while_recovering = 0
        self.call_later(self._recover)

    async def _recover(self) -> None:
        from screens.out_of_service import OutOfServiceScreen

        try:
            await self.end_visit()
            await self.push_screen(OutOfServiceScreen(self.services.config.bidi))
        except Exception:
            log.exception("the kiosk could not recover; it stops")
            self.exit(return_code=1)
        finally:
            self._recovering = False

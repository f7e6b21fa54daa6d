"""The staff console app: the signed-in member's screens, live data, idle logout and hang-up.

Over SSH a dead connection must not leave the console behind: SIGHUP (the connection dropped)
and SIGTERM end the app at once, the screen never repaints on its own (no blinking cursor, no
clock), so sshd's keep-alive notices a silent client, and an idle session ends by itself.

A database server that cannot be reached does not end it either: the banner says so, every
screen shows what it last read, and once the server answers the open screen reads it again.
"""

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import WorkerError, WorkerFailed

from kiosk.app.live import DataChanged, listen_for_changes
from kiosk.domain.typed_text import NAME_LIMIT, drawn_text
from kiosk.errors import DataFileError, NotAllowed, StoreUnreachable, WriteProblem
from kiosk.services.changes import Subscription
from kiosk.services.staff import StaffSession
from screens.staff.audit import StaffAuditScreen
from screens.staff.banner import StaffBannerScreen
from screens.staff.base import StaffScreen
from screens.staff.receipts import StaffReceiptsScreen
from screens.staff.requests import StaffRequestsScreen
from screens.staff.supervisor import StaffSupervisorScreen

HANG_UP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
"""The signals that end the console: the SSH connection dropped, or the system stops it."""

HANG_UP_EXIT = 129
"""The console's exit status after a hang-up (128 + SIGHUP, as a shell reports it)."""

_ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


log = logging.getLogger("tawasul.staff")

VERIFY_AFTER_SECONDS = 0.5
"""How long after the first page of requests arrives the data file's documents are verified."""

WRITE_PROBLEM_CHECK_SECONDS = 2.0
"""How often the console asks whether the data can be written (cheap: no write)."""

WRITE_PROBLEM_LOG_SECONDS = 60.0
"""While the data cannot be written, the log says so once in this many seconds."""


class StaffApp(App[None]):
    """The staff console for one signed-in member (see kiosk.services.staff.StaffSession)."""

    TITLE = "Tawasul staff console"
    ENABLE_COMMAND_PALETTE = False  # its Screenshot command writes files on the server
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "switch_mode('requests')", "Requests"),
        Binding("f3", "switch_mode('audit')", "Audit log"),
        Binding("f4", "switch_mode('banner')", "Banner"),
        Binding("f5", "open_supervisor", "Supervisor"),
        Binding("f6", "switch_mode('receipts')", "Receipts"),
    ]

    def __init__(
        self,
        session: StaffSession,
        *,
        idle_minutes: float,
        monotonic: Callable[[], float] = time.monotonic,
        handle_signals: bool = True,
        verify_data: bool = False,
    ) -> None:
        """The console of *session*; ends after *idle_minutes* without a key or a click.

        Every write to the data (another console, a kiosk, this one) refreshes the open screen.
        With *verify_data*, every document of the data file is checked once the first list of
        requests is up (kiosk.app.start_staff_console); damage found there ends the console,
        and ``data_error`` says why. Tests pass *monotonic* to move time and *handle_signals*
        False to keep pytest's signals alone.
        """
        super().__init__()
        self.session = session
        self._verify_data = verify_data
        self.data_error: DataFileError | None = None
        """The damage the verification after the start found (the console then ended), or None."""
        self.idle_seconds = idle_minutes * 60
        self._monotonic = monotonic
        self._handle_signals = handle_signals
        self._last_input = monotonic()
        self._changes: Subscription | None = None
        self.write_problem: WriteProblem | None = None
        """Why the data cannot be written now (shown at the top of every screen), or None."""
        self._problem_logged_at = -WRITE_PROBLEM_LOG_SECONDS
        self.unreachable: StoreUnreachable | None = None
        """The database server that cannot be reached now (in the banner), or None."""
        self._probing = False
        self.data_version = 0
        """Goes up by one whenever a write to the data is heard."""
        self.add_mode("requests", lambda: StaffRequestsScreen(session))
        self.add_mode("audit", lambda: StaffAuditScreen(session))
        self.add_mode("banner", lambda: StaffBannerScreen(session))
        self.add_mode("supervisor", lambda: StaffSupervisorScreen(session))
        self.add_mode("receipts", lambda: StaffReceiptsScreen(session))

    def _show_member(self) -> None:
        member = self.session.member
        # The staff table may be hand-edited: the header takes the one safe path for stored text.
        name, login = (
            drawn_text(text, NAME_LIMIT) for text in (member.display_name, member.username)
        )
        who = f"{name} ({login}, {member.role.value}) · {self.session.client}"
        # The header of every screen: what stops saving comes first, where staff look.
        problem = self.write_problem
        if self.unreachable is not None:
            self.sub_title = f"CANNOT READ OR SAVE: {self.unreachable} · {who}"
        else:
            self.sub_title = f"CANNOT SAVE: {problem.sentence} · {who}" if problem else who

    def on_mount(self) -> None:
        """Start on the request table, listen for changes, watch the clock and the signals."""
        self._show_member()
        self.switch_mode("requests")
        self._changes = listen_for_changes(self, self.session.services)
        self.set_interval(min(30.0, max(self.idle_seconds / 4, 0.5)), self.end_if_idle)
        self.set_interval(WRITE_PROBLEM_CHECK_SECONDS, self.check_write_problem)
        self.check_write_problem()
        if self._verify_data:
            # After the first refresh the request table has asked for its first page.
            self.call_after_refresh(self._verify_after_first_list)
        if self._handle_signals:
            loop = asyncio.get_running_loop()
            for number in HANG_UP_SIGNALS:
                loop.add_signal_handler(number, self.hang_up)

    def _verify_after_first_list(self) -> None:
        self.run_worker(self._verify(), group="verify-data", exit_on_error=False)

    async def _verify(self) -> None:
        """Check every document of the data file once the first page of requests is drawn.

        At 100,000 stored requests the check takes longer than the whole start without it, and
        the frame was checked before the app started; it runs after the table's first page is
        drawn, not beside it, so the two do not share the interpreter while staff wait for it.
        """
        for worker in list(self.workers):
            if worker.group == "search":
                # A newer search cancels this one, and one may not have started yet: either
                # way the check still runs.
                with contextlib.suppress(WorkerError):
                    await worker.wait()
        await asyncio.sleep(VERIFY_AFTER_SECONDS)  # the page is drawn meanwhile
        try:
            await asyncio.to_thread(self.session.services.check_data)
        except StoreUnreachable as gone:
            # Not damage: the banner says the server is gone, and the console waits for it.
            log.warning("the data could not be verified: %s", gone)
        except DataFileError as damage:
            # The same sentence and exit status as a damaged file found before the start.
            self.data_error = damage
            self.exit(return_code=1)
        except OSError as error:
            # Unreadable for now (the console read it a moment ago): every later read says so.
            log.warning("the data file could not be verified: %s", error)

    def on_unmount(self) -> None:
        """Stop listening; give the signals back to their default action."""
        if self._changes is not None:
            self._changes.close()
            self._changes = None
        if self._handle_signals:
            loop = asyncio.get_running_loop()
            for number in HANG_UP_SIGNALS:
                loop.remove_signal_handler(number)

    def hang_up(self) -> None:
        """End now: the connection is gone or the system stops the console.

        Writes in flight finish in their worker thread (each is one atomic file replace), and
        nothing is half-written whatever happens.
        """
        self.exit(return_code=HANG_UP_EXIT)

    def action_open_supervisor(self) -> None:
        """The supervisor screen, for supervisors; anyone else is told why it does not open."""
        if self.session.member.is_supervisor:
            self.switch_mode("supervisor")
        else:
            self.notify(
                "The supervisor screen is for supervisors only; your role is staff.",
                severity="warning",
            )

    async def on_event(self, event: events.Event) -> None:
        """Every key, click and scroll counts as activity for the idle logout."""
        if isinstance(event, _ACTIVITY):
            self._last_input = self._monotonic()
        await super().on_event(event)

    def end_if_idle(self) -> None:
        """End the session once nobody has touched it for the configured time."""
        if self._monotonic() - self._last_input >= self.idle_seconds:
            minutes = self.idle_seconds / 60
            self.exit(
                return_code=0,
                message=f"The staff console closed after {minutes:g} minutes without input.",
            )

    def check_write_problem(self) -> None:
        """Ask whether the data can be written now (a stat and a statvfs, no write), and say so
        at the top of every screen; said once when it starts and when it ends, logged once a
        minute while it lasts.

        Asked in a worker, one at a time: on PostgreSQL the question is a query, and while the
        server does not answer each attempt may take its whole connect timeout.
        """
        if self._probing:
            return
        self._probing = True
        self.run_worker(self._probe, thread=True, group="write-problem", exit_on_error=False)

    def _probe(self) -> None:
        services = self.session.services
        gone: StoreUnreachable | None = None
        try:
            problem = services.write_problem()
            if problem is WriteProblem.UNREACHABLE and self.unreachable is None:
                # The probe found it first: a read names the server for the banner.
                try:
                    services.check_data_frame()
                except StoreUnreachable as error:
                    gone = error
                except DataFileError:
                    pass  # it answers after all; the next probe says what it is
        except Exception:
            self._probing = False
            raise
        self.call_from_thread(self._write_problem_found, problem, gone)

    def _write_problem_found(
        self, problem: WriteProblem | None, gone: StoreUnreachable | None
    ) -> None:
        self._probing = False
        if gone is not None:
            self._server_gone(gone)
        elif problem is not WriteProblem.UNREACHABLE and self.unreachable is not None:
            log.warning("the database server answers again")
            self.unreachable = None
            self.notify("The database server answers again.")
            self.check_for_changes()
        if problem not in (None, WriteProblem.UNREACHABLE) and (
            self._monotonic() - self._problem_logged_at >= WRITE_PROBLEM_LOG_SECONDS
        ):
            log.warning("the data cannot be written: %s", problem.sentence)
            self._problem_logged_at = self._monotonic()
        if problem is self.write_problem:
            return
        before, self.write_problem = self.write_problem, problem
        self._show_member()
        if problem is not None and problem is not WriteProblem.UNREACHABLE:
            # (An unreachable server is said once by _server_gone, reading included.)
            self.notify(
                f"Changes cannot be saved now: {problem.sentence}. Reading still works.",
                severity="error",
                timeout=10,
            )
        elif before is not None:
            self.notify("Changes can be saved again.")
            self._problem_logged_at = -WRITE_PROBLEM_LOG_SECONDS

    def _server_gone(self, gone: StoreUnreachable) -> None:
        if self.unreachable is None:
            log.error("%s", gone)
            self.notify(
                f"{gone} Nothing was changed; the console reads again once it answers.",
                severity="error",
                timeout=10,
            )
        self.unreachable = gone
        self._show_member()

    def _handle_exception(self, error: Exception) -> None:
        """A read or a write that met a database server that cannot be reached: said in the
        banner, and the console goes on; any other error ends it as Textual does."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        if isinstance(cause, StoreUnreachable) and self.is_running:
            self._server_gone(cause)
            return
        super()._handle_exception(error)

    def on_data_changed(self, _: DataChanged) -> None:
        """Someone wrote the data: show it."""
        self.check_for_changes()

    def check_for_changes(self) -> None:
        """Refresh the open screen (and the member's role) from the data as stored now; the
        other screens read it again when they are shown (StaffScreen, data_version)."""
        self.data_version += 1
        try:
            self.session.current_member()
        except NotAllowed as refused:
            self.exit(return_code=1, message=str(refused))
            return
        except StoreUnreachable as gone:
            # Told by the change signal as its connection dropped. Raised from here, the app's
            # own handler, it would end the app: the banner says it and the screen stays.
            self._server_gone(gone)
            return
        self._show_member()
        if self.current_mode == "supervisor" and not self.session.member.is_supervisor:
            # Demoted meanwhile: the service already refuses the screen's actions; leave it.
            self.switch_mode("requests")
            self.notify("Your role is now staff: the supervisor screen closed.", severity="warning")
        if isinstance(self.screen, StaffScreen):
            self.screen.show_latest()


if TYPE_CHECKING:
    from screens.staff.base import StaffConsole

    # The console's screens take their app for a StaffConsole: mypy checks here that it is one.
    _SHOWS_THE_STAFF_SCREENS: type[StaffConsole] = StaffApp


def run_console(app: StaffApp) -> int:
    """Run the console *app* to its end and return its exit status.

    After a hang-up the process ends at once. Nobody is left to read anything, and the writes in
    flight are done (the event loop waits for its worker threads before ``run`` returns), but the
    interpreter's own teardown of the heap took most of a second more, longer on a busy host,
    while the README promises the console is gone within a second of the connection.
    """
    app.run()
    code = app.return_code or 0
    if code == HANG_UP_EXIT:
        logging.shutdown()
        with contextlib.suppress(OSError, ValueError):  # the terminal has gone with the client
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    return code

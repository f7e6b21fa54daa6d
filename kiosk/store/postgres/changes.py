"""The office's change signal from PostgreSQL's LISTEN/NOTIFY (the port's ChangeSignal).

Every commit that writes sends a NOTIFY on the office's channel (kiosk.store.postgres.store).
One thread a store listens on a connection of its own, in autocommit (a listener inside a
transaction hears nothing until it ends), and tells every subscriber of each notification.

A notification sent while the listening connection is down is lost for good (PostgreSQL keeps
none for a session that is gone). So after a dropped connection the thread connects again,
LISTENs again, and then tells every subscriber once: they re-read, and so see whatever was
committed while nobody was listening. It tells them once, too, as the connection drops: a
kiosk waiting at Welcome reads then, and so finds the server gone before a resident does.
"""

import itertools
import logging
import threading

import psycopg
from psycopg import sql

from kiosk.store.port import Listener, Subscription

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.5
"""How often the listener looks up from waiting to see whether it should stop."""

_RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)
"""The waits between attempts to connect again, the last repeated."""

_FIRST_LISTEN_SECONDS = 10.0
"""How long subscribe() waits for the first LISTEN (so a commit just after it is heard)."""


class OfficeChangeSignal:
    """Subscribers told of every commit on the channel *channel* of the database *conninfo*."""

    def __init__(self, conninfo: str, channel: str) -> None:
        """A signal for *channel*; it starts listening when the first listener subscribes."""
        self._conninfo = conninfo
        self._channel = channel
        self._listeners: dict[int, Listener] = {}
        self._keys = itertools.count()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        self.reconnections = 0
        """How many times the listener connected again after losing its connection."""

    def subscribe(self, listener: Listener) -> Subscription:
        """Call *listener* after each commit from now on; the LISTEN is in place on return
        (or, with the database down, as soon as it can be)."""
        with self._lock:
            key = next(self._keys)
            self._listeners[key] = listener
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(
                    target=self._listen, name=f"listen {self._channel}", daemon=True
                )
                self._thread.start()
        self._listening.wait(_FIRST_LISTEN_SECONDS)
        return Subscription(lambda: self._unsubscribe(key))

    def _unsubscribe(self, key: int) -> None:
        with self._lock:
            self._listeners.pop(key, None)

    def _tell(self) -> None:
        with self._lock:
            listeners = list(self._listeners.values())
        for listener in listeners:
            try:
                listener()
            except Exception:  # one subscriber's failure must not silence the others
                log.exception("a change listener failed")

    def _listen(self) -> None:
        attempts = 0
        heard_before = False
        connected = False
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    self._conninfo,
                    autocommit=True,
                    # As the store's own connections: subscribe() may be waiting on the event
                    # loop for this first attempt, so an unanswering server holds it 2 s at most.
                    connect_timeout=2,
                    application_name=f"tawasul listen {self._channel}",
                ) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                    attempts = 0
                    connected = True
                    self._listening.set()
                    if heard_before:
                        # What was committed while nobody listened: re-read it now.
                        self.reconnections += 1
                        self._tell()
                    heard_before = True
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=_POLL_SECONDS):
                            self._tell()
            except Exception as error:
                # Said once an outage, not once an attempt: the retries go on all the while. An
                # error that is not the server's is logged whole, and the thread lives on (were it
                # to end, every later subscribe() would wait its full time for nothing).
                if not isinstance(error, psycopg.Error):
                    log.exception("listening for changes on %s failed", self._channel)
                else:
                    (log.warning if attempts == 0 else log.debug)(
                        "listening for changes on %s: %s", self._channel, error
                    )
                if connected:
                    connected = False
                    self._tell()  # whoever reads now meets the server's absence
                self._listening.set()  # subscribe() waits no longer for a database that is down
                wait = _RETRY_SECONDS[min(attempts, len(_RETRY_SECONDS) - 1)]
                attempts += 1
                self._stopping.wait(wait)

    def close(self) -> None:
        """Stop listening and telling anyone, now."""
        self._stopping.set()
        with self._lock:
            self._listeners.clear()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=_POLL_SECONDS * 4)

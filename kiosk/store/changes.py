"""The data file's change signal: any app subscribes and is told when anyone wrote the file.

A write replaces the file (a temporary file renamed over it, storage.write_atomically), so the
file's identity (device, inode, size, mtime) differs after each one, and its folder sees the
rename. One watcher thread per file sleeps in the kernel on inotify events of the folder and
compares the identity at each wake: it costs nothing while nobody writes, and it tells only real
changes (a read, the lock file or a temporary file wake it but change nothing). Where inotify
cannot be had (another system, the watch limits reached, the folder moved away) the identity is
compared every *poll_seconds* instead. A database backend gives its own ChangeSignal
(kiosk.store.port; PostgreSQL's LISTEN/NOTIFY).
"""

import logging
import os
import select
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.store.port import ChangeSignal, Listener, Subscription
from kiosk.store.storage import FileIdentity

if TYPE_CHECKING:
    from inotify_simple import INotify

log = logging.getLogger("tawasul.store")

POLL_SECONDS = 2.0
"""How often the file is compared where inotify cannot be had."""


def _identity(path: Path) -> FileIdentity | None:
    try:
        return FileIdentity.of(os.stat(path))
    except OSError:
        return None


class FileChangeSignal(ChangeSignal):
    """The change signal of the data file at *path*: inotify on its folder, else a slow poll.

    The watcher thread runs while anyone is subscribed. With *use_inotify* False (or where
    inotify fails) the file is compared every *poll_seconds*.
    """

    def __init__(
        self, path: Path, *, poll_seconds: float = POLL_SECONDS, use_inotify: bool = True
    ) -> None:
        """Watch the file at *path*; nothing runs before the first subscription."""
        self.path = Path(path)
        self.poll_seconds = poll_seconds
        self.use_inotify = use_inotify
        self._listeners: dict[int, Listener] = {}
        self._next_key = 0
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        # The write end of the pipe that ends the watcher: closing it wakes the thread.
        self._wake = -1

    def subscribe(self, listener: Listener) -> Subscription:
        """Call *listener* (from the watcher thread) after each change, until closed."""
        with self._guard:
            key = self._next_key
            self._next_key += 1
            self._listeners[key] = listener
            if self._thread is None:
                self._start()
        return Subscription(lambda: self._unsubscribe(key))

    def _start(self) -> None:
        # The folder is watched before the identity is read, here and not in the thread: a
        # write right after subscribe() returns is then always heard.
        inotify = self._inotify() if self.use_inotify else None
        seen = _identity(self.path)
        woken, self._wake = os.pipe()
        self._thread = threading.Thread(
            target=self._watch,
            args=(woken, inotify, seen),
            name=f"watch {self.path.name}",
            daemon=True,
        )
        self._thread.start()

    def _unsubscribe(self, key: int) -> None:
        with self._guard:
            self._listeners.pop(key, None)
            if self._listeners:
                return
            ending = self._detach()
        self._end(*ending)

    def close(self) -> None:
        """Stop the watcher now, whoever is still subscribed."""
        with self._guard:
            self._listeners.clear()
            ending = self._detach()
        self._end(*ending)

    def _detach(self) -> tuple[threading.Thread | None, int]:
        # Under the guard: a subscription made right after starts a watcher of its own.
        ending = self._thread, self._wake
        self._thread, self._wake = None, -1
        return ending

    @staticmethod
    def _end(thread: threading.Thread | None, wake: int) -> None:
        if thread is None:
            return
        os.close(wake)
        # Joined outside the guard: the watcher may be waiting for it to tell a listener.
        if thread is not threading.current_thread():
            thread.join(timeout=5)

    @property
    def watching(self) -> bool:
        """Whether the watcher thread runs."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def _tell(self) -> None:
        with self._guard:
            listeners = list(self._listeners.values())
        for listener in listeners:
            try:
                listener()
            except Exception:
                # One broken listener must not keep the others (or the watcher) from hearing.
                log.exception("a listener of the data file's changes failed")

    def _watch(self, woken: int, inotify: "INotify | None", seen: FileIdentity | None) -> None:
        try:
            while True:
                waiter = select.poll()
                waiter.register(woken, select.POLLIN)
                if inotify is not None:
                    waiter.register(inotify.fileno(), select.POLLIN)
                timeout_ms = None if inotify is not None else round(self.poll_seconds * 1000)
                if woken in {fd for fd, _ in waiter.poll(timeout_ms)}:
                    return
                if inotify is not None and self._watch_ended(inotify):
                    inotify.close()
                    inotify = None
                now = _identity(self.path)
                if now != seen:
                    seen = now
                    self._tell()
        finally:
            os.close(woken)
            if inotify is not None:
                inotify.close()

    def _watch_ended(self, inotify: "INotify") -> bool:
        """Drain the events (the identity alone says what changed); whether the watch ended."""
        from inotify_simple import flags

        # The folder removed (its watch is dropped) or moved (the watch follows it elsewhere).
        gone = flags.IGNORED | flags.MOVE_SELF
        ended = any(event.mask & gone for event in inotify.read(timeout=0))
        if ended:
            log.warning(
                "%s is no longer watched (moved or removed): compared every %g s",
                self.path.parent,
                self.poll_seconds,
            )
        return ended

    def _inotify(self) -> "INotify | None":
        """An inotify instance watching the file's folder, or None (the slow poll is used)."""
        try:
            from inotify_simple import INotify
            from inotify_simple import flags as f

            inotify = INotify()
        except (ImportError, OSError) as error:
            log.warning(
                "no inotify (%s): the data file is compared every %g s", error, self.poll_seconds
            )
            return None
        # A replace is a move into the folder; a copy over the file (a restored backup) is a
        # write closed; removing the file, removing or moving the folder are seen too.
        mask = (
            f.MOVED_TO | f.MOVED_FROM | f.CLOSE_WRITE | f.CREATE | f.DELETE
            | f.DELETE_SELF | f.MOVE_SELF
        )  # fmt: skip
        try:
            inotify.add_watch(self.path.parent, mask)
        except OSError as error:
            inotify.close()
            log.warning(
                "cannot watch %s (%s): the data file is compared every %g s",
                self.path.parent,
                error.strerror,
                self.poll_seconds,
            )
            return None
        return inotify

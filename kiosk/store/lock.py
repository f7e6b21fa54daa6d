"""The inter-process lock of one data file: ``flock`` on the data file itself, never lost.

A flock belongs to an inode, not to a name. The lock used to be a separate ``<file>.lock``; if
that was removed (a clean-up script, a tmp cleaner, an operator) while one writer held it, the
next writer made a new one and locked it, both wrote at once and changes were lost (6 writers
lost 184 of 720 changes that way). No check by the waiter can see a holder of a removed file.

So the lock is the data file: a writer flocks the file it is about to replace and, once it holds
it, checks that the file it locked is still the one at the path, and takes it again if not. A
writer replaces the file only as the last step of its transaction, so whoever locks the new
file reads everything the last writer wrote, and nothing can be removed from under a holder
without removing the data (which no writer then overwrites: it finds the file missing). Nothing
is created for the lock: a read-only folder still lets a transaction read.

filelock exposes neither the locked descriptor nor a hook after taking it, so this is the few
lines of flock it needs.
"""

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

# A waiter retries at first quickly, then every 10 ms: a write takes a few milliseconds.
_FIRST_WAIT = 0.0005
_LONGEST_WAIT = 0.01


class LockTimeout(Exception):
    """Another writer held the lock for longer than the timeout."""


class DataFileLock:
    """The exclusive lock of the data file at *path*, re-entrant within a thread.

    Each thread holds it through its own descriptor, so a second thread of one process waits
    for it as another process does (flock locks conflict between open files, not processes).
    """

    def __init__(self, path: Path, timeout: float) -> None:
        """The lock of the data file *path*, waited for at most *timeout* seconds."""
        self.path = Path(path)
        self._timeout = timeout
        self._held = threading.local()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the block: LockTimeout if it stays busy, OSError (FileNotFoundError
        when there is none) if the data file cannot be opened."""
        depth: int = getattr(self._held, "depth", 0)
        if depth:
            self._held.depth = depth + 1
            try:
                yield
            finally:
                self._held.depth = depth
            return
        descriptor = self._acquire()
        self._held.depth = 1
        try:
            yield
        finally:
            self._held.depth = 0
            # Closing the descriptor releases the flock; the file stays for the next writer.
            os.close(descriptor)

    def _acquire(self) -> int:
        deadline = time.monotonic() + self._timeout
        wait = _FIRST_WAIT
        while True:
            descriptor = self._open()
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
            except BaseException:
                os.close(descriptor)
                raise
            else:
                if self._is_at_path(descriptor):
                    return descriptor
                # The file was removed or replaced while we waited: its lock guards nothing.
                os.close(descriptor)
                continue
            if time.monotonic() >= deadline:
                raise LockTimeout(self.path)
            time.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT)

    def _open(self) -> int:
        # Read-only is enough for flock, so a read-only folder still lets a transaction read.
        return os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)

    def _is_at_path(self, descriptor: int) -> bool:
        held = os.fstat(descriptor)
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            return False
        return (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)

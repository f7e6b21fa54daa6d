"""The errors a person may cause or meet, each carrying one clear sentence for them.

They live outside every layer so that the domain, the store, the services and the wiring can all
raise and catch the same kinds without importing each other.
"""

import errno
from enum import Enum


class TawasulError(Exception):
    """A problem to report to the person in one sentence, with no traceback."""

    exit_code = 2


class InvalidInput(TawasulError):
    """Something typed or passed in does not follow the rules (an ID, a number, a date)."""


class NotFound(TawasulError):
    """The thing asked for does not exist, or is not the asker's to see."""


class TransitionRefused(TawasulError):
    """A status change that the rules of DESIGN §3 do not allow."""


class ChangedMeanwhile(TransitionRefused):
    """The request is no longer in the status the person was shown: someone changed it while
    they looked at it, and nothing was saved."""


class NotAllowed(TawasulError):
    """The actor may not do this (not staff, not a supervisor, locked out)."""


class DataFileError(TawasulError):
    """The data file is missing, unreadable or damaged; it is left exactly as it is."""

    exit_code = 3


class StoreUnreachable(DataFileError):
    """The database server cannot be reached now (down, restarting, the network gone): nothing
    could be read, and nothing was changed (a transaction is whole or not at all). It passes by
    itself once the server is back; an operator's script may simply try again later."""

    exit_code = 6

    def __init__(self, server: str) -> None:
        """The server at *server* (``HOST:PORT``) cannot be reached."""
        super().__init__(f"The database server at {server} cannot be reached.")
        self.server = server


class WriteProblem(Enum):
    """Why the data can be read but not written now: what the staff console's banner names."""

    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    NO_PERMISSION = "no_permission"
    UNREACHABLE = "unreachable"

    @property
    def sentence(self) -> str:
        """The problem in a few words, for the CLI and the log."""
        return {
            WriteProblem.DISK_FULL: "the disk is full",
            WriteProblem.READ_ONLY: "the data folder is read-only",
            WriteProblem.NO_PERMISSION: "no permission",
            WriteProblem.UNREACHABLE: "the database server cannot be reached",
        }[self]


class StoreUnwritable(TawasulError):
    """The data can be read but not written (disk full, read-only folder, no permission, a
    standby database): nothing was changed, and reads go on being served."""

    exit_code = 4

    def __init__(self, message: str, problem: WriteProblem | None = None) -> None:
        """*message* for the person; *problem* says which kind, when known."""
        super().__init__(message)
        self.problem = problem


CANNOT_WRITE_NOW = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
)
"""The ``errno`` of an OSError that means "right place, but it cannot be written now" (a full
disk, a read-only file system, no permission): StoreUnwritable's exit status 4, not bad input's 2
or damage's 3."""

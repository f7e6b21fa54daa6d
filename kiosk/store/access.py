"""Who may read the data files, and why a write cannot happen: one rule each, for every file.

The data file and the yearly archives hold ID numbers, names and password hashes, so no account
outside the office's group reads them. The rule is the folder's: a folder shared
with a group (setgid, as the README's ``install -d -m 2775 -g tawasul``, or owned by a group
other than this account's primary group) gives its files ``0660``; any other folder ``0600``.
"""

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from kiosk.errors import StoreUnwritable, WriteProblem

# Read and write for the owner, and for the group where the folder has one for sharing.
_OWNER = 0o600
_OWNER_AND_GROUP = 0o660
# Bits a replaced file never keeps: access for others, and setuid/setgid/sticky.
_KEPT_BITS = 0o770

_PROBLEMS = {
    errno.ENOSPC: WriteProblem.DISK_FULL,
    errno.EDQUOT: WriteProblem.DISK_FULL,
    errno.EFBIG: WriteProblem.DISK_FULL,
    errno.EROFS: WriteProblem.READ_ONLY,
    errno.EACCES: WriteProblem.NO_PERMISSION,
    errno.EPERM: WriteProblem.NO_PERMISSION,
}


def new_file_mode(folder: Path) -> int:
    """The mode of a data or archive file created in *folder*."""
    folder_stat = os.stat(folder)
    shared = bool(folder_stat.st_mode & stat.S_ISGID) or folder_stat.st_gid != os.getgid()
    return _OWNER_AND_GROUP if shared else _OWNER


def replacement_mode(old_mode: int) -> int:
    """The mode of a file that replaces one of *old_mode*: the same, never readable by others."""
    return old_mode & _KEPT_BITS


def others_can_read(mode: int) -> bool:
    """Whether a file of *mode* is readable by accounts outside its owner and group."""
    return bool(mode & stat.S_IROTH)


def write_problem_of(error: OSError) -> WriteProblem | None:
    """What kind of "cannot write now" *error* is, or None for another failure."""
    return _PROBLEMS.get(error.errno) if error.errno is not None else None


def unwritable(path: Path, problem: WriteProblem) -> StoreUnwritable:
    """The error for a write to *path* refused by *problem*; nothing was changed."""
    return StoreUnwritable(
        f"{path} cannot be written now: {problem.sentence}; nothing was changed.", problem
    )


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a write to *path* that cannot happen now (full disk, read-only folder, no
    permission) into StoreUnwritable naming the problem; other failures pass unchanged."""
    try:
        yield
    except OSError as error:
        problem = write_problem_of(error)
        if problem is None:
            raise
        raise unwritable(path, problem) from None


def probe_folder(folder: Path, room: int = 0) -> WriteProblem | None:
    """Why a file of *room* bytes cannot be written in *folder* now, found without writing.

    The file system's flags and free space (statvfs) and this account's access: a folder
    remounted read-only, or a disk without room for the file, shows here before a write fails.
    """
    try:
        info = os.statvfs(folder)
    except OSError as error:
        return write_problem_of(error)
    if info.f_flag & os.ST_RDONLY:
        return WriteProblem.READ_ONLY
    if info.f_bavail == 0 or info.f_bavail * info.f_frsize < room:
        return WriteProblem.DISK_FULL
    if not os.access(folder, os.W_OK | os.X_OK):
        return WriteProblem.NO_PERMISSION
    return None

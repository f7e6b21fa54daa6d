"""Reading and writing the JSON data file safely: atomic replace, fsync, never overwrite damage."""

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from kiosk.errors import DataFileError

# The raw TinyDB layout: table name → document id (a string) → document.
Tables = dict[str, dict[str, dict[str, Any]]]

TEMP_SUFFIX = ".tmp"


class MissingDataFile(DataFileError):
    """There is no data file where one was expected (a typo in --db, or not created yet)."""

    exit_code = 2


class DamagedDataFile(DataFileError):
    """The data file does not parse as TinyDB JSON: the program stops and leaves it alone."""


@dataclass(frozen=True)
class FileIdentity:
    """What tells one version of the data file from another without reading it."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> "FileIdentity":
        """The identity in a stat result."""
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclass
class LoadedFile:
    """A parsed version of the data file.

    It keeps a descriptor of the file it was read from open: while this version is in use its
    inode cannot be freed and handed to a newer file, so a changed inode always means new data.
    """

    identity: FileIdentity
    tables: Tables
    _descriptor: int

    def release(self) -> None:
        """Close the descriptor that pins this version's inode."""
        with contextlib.suppress(OSError):
            os.close(self._descriptor)


def load(path: Path) -> LoadedFile:
    """Read and parse *path*, or raise MissingDataFile / DamagedDataFile naming it."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise MissingDataFile(
            f"There is no data file at {path}; make one with `tawasul demo --db {path}`."
        ) from None
    except OSError as error:
        raise DataFileError(f"The data file {path} cannot be read: {error.strerror}.") from None
    try:
        identity = FileIdentity.of(os.fstat(descriptor))
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            raw = handle.read()
        tables = parse(raw, path)
    except BaseException:
        os.close(descriptor)
        raise
    return LoadedFile(identity, tables, descriptor)


def parse(raw: bytes, path: Path) -> Tables:
    """The tables in the bytes *raw* of *path*, or DamagedDataFile."""
    try:
        data = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError as error:
        raise DamagedDataFile(
            f"The data file {path} is damaged and was left untouched ({error}); "
            "restore it from a backup."
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise DamagedDataFile(
            f"The data file {path} is not a TinyDB file and was left untouched; "
            "restore it from a backup."
        )
    return data


def write_atomically(path: Path, tables: Tables) -> LoadedFile:
    """Replace *path* with *tables* so that a crash leaves the old file or the new, never a mix.

    The new file keeps the old one's mode and group, since kiosk and staff accounts share it.
    """
    payload = orjson.dumps(tables)
    directory = path.parent
    descriptor, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory
    )
    try:
        _copy_ownership(path, descriptor)
        view = memoryview(payload)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
        identity = FileIdentity.of(os.fstat(descriptor))
        os.replace(temp_name, path)
    except BaseException:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(directory)
    # The descriptor stays open: it now pins the inode of the file at *path*.
    return LoadedFile(identity, tables, descriptor)


def leftover_temp_files(path: Path) -> list[Path]:
    """Temporary files that a writer killed mid-write left beside *path*."""
    return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"))


def _copy_ownership(path: Path, descriptor: int) -> None:
    try:
        old = os.stat(path)
    except FileNotFoundError:
        os.fchmod(descriptor, 0o664)
        return
    os.fchmod(descriptor, old.st_mode & 0o7777)
    # Only root or a member of the group may hand the file on; others keep their own group.
    with contextlib.suppress(PermissionError):
        os.fchown(descriptor, -1, old.st_gid)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class TransactionStorage(Storage):
    """A TinyDB storage over tables already loaded under the lock; written once at commit.

    TinyDB reads and rewrites the whole database on every table operation; within one
    transaction those rounds stay in memory, so a change and its audit entry reach the disk
    together in one atomic replace.
    """

    def __init__(self, tables: Tables) -> None:
        """Serve *tables* to TinyDB."""
        self.tables = tables
        self.writes = 0

    def read(self) -> Tables:
        """The tables as loaded, with this transaction's changes."""
        return self.tables

    def write(self, data: Tables) -> None:
        """Keep TinyDB's changes until the transaction commits."""
        self.tables = data
        self.writes += 1

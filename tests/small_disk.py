"""A real small filesystem for the tests: a tmpfs mounted by the test (as root), filled to the
last byte or remounted read-only, and always unmounted afterwards."""

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class SmallDisk:
    """A mounted tmpfs of a few hundred kilobytes at *folder*."""

    def __init__(self, folder: Path) -> None:
        """The disk mounted at *folder*."""
        self.folder = folder
        self._filler = folder / "filler"

    def fill(self) -> None:
        """Write until the disk is full (ENOSPC), as a host's log or backup would."""
        descriptor = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                os.write(descriptor, b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        finally:
            os.close(descriptor)
        assert os.statvfs(self.folder).f_bavail == 0

    def free(self) -> None:
        """Remove what fill() wrote."""
        self._filler.unlink(missing_ok=True)

    def read_only(self) -> None:
        """Remount read-only, as the kernel does after a storage fault."""
        _mount("-o", "remount,ro", str(self.folder))

    def writable(self) -> None:
        """Remount read-write."""
        _mount("-o", "remount,rw", str(self.folder))


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "640k") -> Iterator[SmallDisk]:
    """Mount a tmpfs of *size* at *folder* (skip the test where that is not allowed)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs the tests as root)")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield SmallDisk(folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)

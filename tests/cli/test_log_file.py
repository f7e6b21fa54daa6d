"""The log file's mode: 0660 in a setgid (shared) folder, else 0600, whatever the umask."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import configure_logging, main


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """A umask of 0, as a careless service unit might set: files would be made 0666."""
    before = os.umask(0)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    """The permission bits of *path*."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("permissive_umask")
def test_a_log_file_in_a_private_folder_is_for_its_owner_only(tmp_path: Path) -> None:
    log = tmp_path / "private" / "tawasul.log"
    configure_logging(log)
    assert mode(log) == 0o600


@pytest.mark.usefixtures("permissive_umask")
def test_a_log_file_in_a_setgid_folder_is_for_its_group_too(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)
    assert mode(shared) & stat.S_ISGID
    configure_logging(shared / "tawasul.log")
    assert mode(shared / "tawasul.log") == 0o660


@pytest.mark.usefixtures("permissive_umask")
def test_the_default_log_of_a_command_is_made_0600_and_an_existing_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main(["id", "check", "1000000008"]) in (0, 1)
    log = tmp_path / "tawasul" / "tawasul.log"
    assert mode(log) == 0o600
    log.chmod(0o640)  # the operator's choice for a file that already exists stands
    main(["id", "check", "1000000008"])
    assert mode(log) == 0o640

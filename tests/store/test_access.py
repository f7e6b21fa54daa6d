"""Who may read the data files: 0660 in a folder shared with a group, 0600 elsewhere, whatever
the umask, when a file is made and every time it is replaced."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store import TawasulStore
from kiosk.store.archive import archive_finished
from kiosk.store.archive_files import archive_path, archive_years, audit_archive_path
from tests.conftest import FROZEN_NOW, make_demo_file


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """A umask that lets everyone read everything: the files must not rely on it."""
    previous = os.umask(0o000)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    """The permission bits of *path*."""
    return stat.S_IMODE(path.stat().st_mode)


def shared_folder(folder: Path) -> Path:
    """*folder* made like the README's data folder: setgid, group-writable."""
    folder.mkdir()
    folder.chmod(0o2775)
    return folder


def change(path: Path) -> None:
    """One write through the store: the file is replaced."""
    with TawasulStore(path).transaction() as tx:
        tx.set_setting("banner", "replaced")


def test_a_private_folder_gives_its_files_0600_made_and_replaced(db_path: Path) -> None:
    make_demo_file(db_path)
    assert mode(db_path) == 0o600
    change(db_path)
    assert mode(db_path) == 0o600


def test_a_setgid_folder_gives_its_files_0660_made_and_replaced(tmp_path: Path) -> None:
    db_path = shared_folder(tmp_path / "tawasul") / "tawasul.json"
    make_demo_file(db_path, count=600)
    assert mode(db_path) == 0o660
    change(db_path)
    assert mode(db_path) == 0o660
    archive_finished(TawasulStore(db_path), FROZEN_NOW, days=30)
    archives = [
        path
        for year in archive_years(db_path)
        for path in (archive_path(db_path, year), audit_archive_path(db_path, year))
        if path.exists()
    ]
    assert archives
    assert {mode(path) for path in archives} == {0o660}
    archive_finished(TawasulStore(db_path), FROZEN_NOW, days=10)  # replaces them
    assert {mode(path) for path in [db_path, *archives]} == {0o660}


def test_a_file_others_could_read_loses_their_access_at_the_next_write(db_path: Path) -> None:
    make_demo_file(db_path)
    db_path.chmod(0o664)
    change(db_path)
    assert mode(db_path) == 0o660


def test_db_check_warns_about_a_file_others_can_read(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_demo_file(db_path)
    assert main(["db", "check", "--db", str(db_path)]) == 0
    assert "others" not in capsys.readouterr().err
    db_path.chmod(0o644)
    assert main(["db", "check", "--db", str(db_path)]) == 0
    warning = capsys.readouterr().err
    assert "every account on this host can read" in warning
    assert "chmod o-rwx" in warning


def test_a_folder_of_another_group_gives_its_files_0660(tmp_path: Path) -> None:
    folder = tmp_path / "tawasul"
    folder.mkdir()
    # Root (the CI) may give it any group; another account one of its other groups.
    groups = range(1, 65534) if os.geteuid() == 0 else os.getgroups()
    os.chown(folder, -1, next(gid for gid in groups if gid != os.getgid()))
    db_path = make_demo_file(folder / "tawasul.json")
    assert mode(db_path) == 0o660

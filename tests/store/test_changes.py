"""The data file's change signal: another process's write wakes a subscriber; nothing else does."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.store import TawasulStore
from kiosk.store.changes import FileChangeSignal

WORKERS = Path(__file__).with_name("workers.py")
UNDER_REVIEW = "9000000100"
WAIT = 10.0
"""Seconds a wake may take on a loaded machine (it takes milliseconds)."""


class Heard:
    """A listener that counts the changes it was told of."""

    def __init__(self) -> None:
        """Nothing heard yet."""
        self.count = 0
        self._event = threading.Event()

    def __call__(self) -> None:
        """One change."""
        self.count += 1
        self._event.set()

    def wait(self, timeout: float = WAIT) -> bool:
        """Whether a change was heard within *timeout* seconds (and forget it)."""
        heard = self._event.wait(timeout)
        self._event.clear()
        return heard


def change_in_another_process(db: Path) -> None:
    """One status change by a real second process, as a staff console makes it."""
    subprocess.run(
        [sys.executable, str(WORKERS), "advance", str(db), "other", "1", UNDER_REVIEW],
        check=True,
        timeout=60,
    )


@pytest.fixture(params=[True, False], ids=["inotify", "poll"])
def signal(request: pytest.FixtureRequest, demo_db: Path) -> Iterator[FileChangeSignal]:
    """The signal of the demo file, through inotify and through the fallback poll."""
    watched = FileChangeSignal(demo_db, poll_seconds=0.1, use_inotify=request.param)
    yield watched
    watched.close()


@pytest.mark.slow
def test_another_process_s_write_is_heard(signal: FileChangeSignal, demo_db: Path) -> None:
    heard = Heard()
    with signal.subscribe(heard):
        change_in_another_process(demo_db)
        assert heard.wait()
        change_in_another_process(demo_db)
        assert heard.wait()
    assert not signal.watching


def test_reads_and_other_files_of_the_folder_are_not_changes(
    signal: FileChangeSignal, demo_db: Path
) -> None:
    heard, later = Heard(), Heard()
    with signal.subscribe(heard):
        TawasulStore(demo_db).check()
        (demo_db.parent / "notes.txt").write_text("not the data")
        (demo_db.parent / "notes.txt").rename(demo_db.parent / "other.json")
        # A write after them is heard alone: they were not told as changes.
        with signal.subscribe(later):
            with TawasulStore(demo_db).transaction() as tx:
                tx.set_setting("banner", "Closed on Friday")
            assert later.wait()
        assert heard.wait(0) and heard.count == 1


def test_a_file_restored_over_the_data_file_is_heard(
    signal: FileChangeSignal, demo_db: Path
) -> None:
    backup = demo_db.with_name("backup.json")
    backup.write_bytes(demo_db.read_bytes().replace(b"Under review", b"Under review "))
    heard = Heard()
    with signal.subscribe(heard):
        subprocess.run(["cp", str(backup), str(demo_db)], check=True)
        assert heard.wait()


def test_the_last_subscription_closed_stops_the_watcher(signal: FileChangeSignal) -> None:
    first, second = signal.subscribe(Heard()), signal.subscribe(Heard())
    first.close()
    assert signal.watching
    second.close()
    second.close()
    assert not signal.watching
    with signal.subscribe(Heard()):
        assert signal.watching


def test_a_listener_that_fails_does_not_silence_the_others(
    signal: FileChangeSignal, demo_db: Path
) -> None:
    def broken() -> None:
        raise RuntimeError("a bug in one app")

    heard = Heard()
    with signal.subscribe(broken), signal.subscribe(heard):
        with TawasulStore(demo_db).transaction() as tx:
            tx.set_setting("banner", "x")
        assert heard.wait()
        with TawasulStore(demo_db).transaction() as tx:
            tx.set_setting("banner", "y")
        assert heard.wait()


def test_a_folder_that_disappears_falls_back_to_comparing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "tawasul.json"
    TawasulStore.create(db)
    watched = FileChangeSignal(db, poll_seconds=0.1)
    heard = Heard()
    with watched.subscribe(heard):
        folder.rename(tmp_path / "moved")
        assert heard.wait()  # the file is gone from its path: a change
        folder.mkdir()
        TawasulStore.create(db)
        assert heard.wait()  # back again, heard by comparing


def test_the_store_s_signal_stops_when_the_store_closes(demo_db: Path) -> None:
    store = TawasulStore(demo_db)
    store.changes.subscribe(Heard())
    assert isinstance(store.changes, FileChangeSignal) and store.changes.watching
    store.close()
    assert not store.changes.watching

"""Spoken guidance through a fake speech engine on PATH: what is said, in which voice, stopped
by a key, the volume keys, the tones, and silence with one log line when the engine is missing."""

import json
import logging
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.app.kiosk import KioskApp
from kiosk.config import SpeechConfig
from kiosk.domain.languages import Language
from kiosk.domain.spoken import speakable
from kiosk.services.i18n import translations
from screens.resident import (
    IdleCountdown,
    RequestTypeScreen,
    SignInScreen,
    StatusScreen,
    WelcomeScreen,
)
from tests.kiosk.conftest import AHMED, FakeMonotonic, KioskFactory, settle, sign_in, wait_until

FAKE_ENGINE = """#!{python}
# A speech engine that notes its arguments and text, then "speaks" until it is terminated.
import json, os, signal, sys, time
def note(**what):
    with open({log!r}, "a", encoding="utf-8") as out:
        out.write(json.dumps(what, ensure_ascii=False) + "\\n")
def terminated(*_):
    note(pid=os.getpid(), terminated=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, terminated)
note(pid=os.getpid(), args=sys.argv[1:], text=sys.stdin.read())
while True:
    time.sleep(1)
"""

FAKE_PLAYER = """#!/bin/sh
# A WAV player that notes the file it was asked to play.
echo "$@" >> {log}
"""


def install(folder: Path, name: str, text: str) -> None:
    """An executable *name* in *folder* with the script *text*."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


class Engine:
    """The fake engine's notes: every sentence it was started with, and which were ended."""

    def __init__(self, log: Path) -> None:
        """Notes written to *log*."""
        self.log = log

    def notes(self) -> list[dict[str, Any]]:
        """Everything noted, in order."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def said(self) -> list[dict[str, Any]]:
        """The sentences started, in order (pid, args, text)."""
        return [note for note in self.notes() if "args" in note]

    def terminated(self) -> set[int]:
        """The processes that were told to stop."""
        return {note["pid"] for note in self.notes() if note.get("terminated")}


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder first on PATH, for the fake programs (nothing else of the machine's is found
    there: PATH holds it and the folder of the running Python only)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{Path(sys.executable).parent}")
    return folder


@pytest.fixture
def engine(on_path: Path, tmp_path: Path) -> Engine:
    """The fake ``espeak-ng`` on PATH."""
    log = tmp_path / "spoken.jsonl"
    install(on_path, "espeak-ng", FAKE_ENGINE.format(python=sys.executable, log=str(log)))
    return Engine(log)


def speaking_kiosk(kiosk: KioskFactory, language: str = "en", **speech: Any) -> KioskApp:
    """A kiosk with spoken guidance on (the default engine command, found on PATH)."""
    return kiosk(language, speech=SpeechConfig(enabled=True, **speech))


async def heard(pilot: Pilot[None], engine: Engine, count: int) -> dict[str, Any]:
    """Wait until the engine was started *count* times; the last sentence started."""
    await wait_until(pilot, lambda: len(engine.said()) >= count)
    return engine.said()[-1]


def option(args: list[str], name: str) -> str:
    """The value of the engine option *name* in *args*."""
    return args[args.index(name) + 1]


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_each_screen_is_read_in_the_residents_voice(
    kiosk: KioskFactory, engine: Engine, language: str
) -> None:
    app = speaking_kiosk(kiosk, language)
    tr = translations(Language(language))
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("enter")
        first = await heard(pilot, engine, 1)
        assert isinstance(app.screen, SignInScreen)
        assert option(first["args"], "-v") == language
        assert option(first["args"], "-a") == "100"
        assert "--stdin" in first["args"]
        assert first["text"] == f"{tr('signin.title')}.\n{tr('signin.hint.empty')}"
        await pilot.press(*AHMED[0], "tab", *AHMED[1], "enter")
        await settle(pilot)
        assert isinstance(app.screen, RequestTypeScreen)
        types = await heard(pilot, engine, 2)
        assert tr("types.intro") in types["text"]
        assert first["pid"] in engine.terminated()  # a new sentence ends the one before


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_the_status_is_read_with_its_next_step_in_the_residents_voice(
    kiosk: KioskFactory, engine: Engine, language: str
) -> None:
    app = speaking_kiosk(kiosk, language)
    tr = translations(Language(language))
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.request.number == "9000000100"
        await wait_until(pilot, lambda: "9 0 0, 0 0 0, 0 1 0 0" in engine.said()[-1]["text"])
        said = engine.said()[-1]
        assert option(said["args"], "-v") == language
        text = said["text"]
        status = app.screen.request.status
        # The title with the request number digit by digit, as a call centre reads it.
        title = tr("status.title", number=app.screen.request.number)
        assert text.startswith(speakable(title) + ".\n")
        assert tr.status_label(status) in text
        assert tr(f"status.{status.value}.meaning") in text
        assert tr("status.next_title") in text
        # Counts and years are numbers read whole: the expected answer as the screen says it.
        expected = app.screen.query_one("#expected").text  # type: ignore[attr-defined]
        assert speakable(expected) in text
        assert re.search(r"(?<![0-9] )\b2026\b", text)


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_answering_is_read_and_its_answers_are_said(
    kiosk: KioskFactory, engine: Engine, language: str
) -> None:
    """The answer screen reads what staff asked for and the question; a refusal of the text
    and the sent answer are said too."""
    app = speaking_kiosk(kiosk, language)
    tr = translations(Language(language))
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, *AHMED)
        await pilot.press("down", "down", "enter")  # exit/re-entry: 9000000209, returned
        await settle(pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: tr("answer.choose") in engine.said()[-1]["text"])
        assert "counter 3" in engine.said()[-1]["text"]
        await pilot.press("down", "enter", "enter")  # a choice, then Review
        await wait_until(pilot, lambda: tr("answer.review_intro") in engine.said()[-1]["text"])
        assert tr("answer.no_text") in engine.said()[-1]["text"]
        before = len(engine.said())
        await pilot.press("enter")  # Send answer
        await settle(pilot)
        sent = speakable(tr("answer.sent"))
        # Said after Send, before or after the status screen it returns to is read.
        await wait_until(pilot, lambda: any(sent in s["text"] for s in engine.said()[before:]))


async def test_any_key_stops_the_sentence(kiosk: KioskFactory, engine: Engine) -> None:
    app = speaking_kiosk(kiosk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        sentence = await heard(pilot, engine, 1)
        await pilot.press("1")  # typing the ID: no new screen, the sentence stops
        await wait_until(pilot, lambda: sentence["pid"] in engine.terminated())
        await wait_until(pilot, lambda: not running(sentence["pid"]))
        assert len(engine.said()) == 1
        assert app.screen.query_one("#id-number").value == "1"  # type: ignore[attr-defined]


def running(pid: int) -> bool:
    """Whether the process *pid* still runs (the speech thread reaps the engines it ends)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_volume_keys_change_the_loudness_for_the_visit_only(
    kiosk: KioskFactory, engine: Engine
) -> None:
    app = speaking_kiosk(kiosk, volume=100)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        first = await heard(pilot, engine, 1)
        assert "F7" in app.screen.query_one(".speech-keys").text  # type: ignore[attr-defined]
        await pilot.press("f8")
        louder = await heard(pilot, engine, 2)
        assert option(louder["args"], "-a") == "120"
        assert louder["text"] == first["text"]  # said again, to be heard louder
        # Two presses at once: the sentence the first starts may be skipped for the second's.
        await pilot.press("f7", "f7")
        await wait_until(pilot, lambda: loudness(engine) == "80")
        assert app.screen.query_one("#id-number").value == ""  # type: ignore[attr-defined]
        await pilot.press("escape")  # Back from sign-in ends the visit
        await pilot.pause()
        assert app.visit is None
        count = len(engine.said())
        await pilot.press("enter")
        await heard(pilot, engine, count + 1)
        assert loudness(engine) == "100"


def loudness(engine: Engine) -> str:
    """The amplitude the last sentence was started with."""
    return option(engine.said()[-1]["args"], "-a")


async def test_masked_keys_and_errors_give_tones(
    kiosk: KioskFactory, engine: Engine, on_path: Path, tmp_path: Path
) -> None:
    played = tmp_path / "played.txt"
    install(on_path, "aplay", FAKE_PLAYER.format(log=played))
    app = speaking_kiosk(kiosk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await heard(pilot, engine, 1)
        await pilot.press(*AHMED[0], "tab", "x", "y")  # two keys in the masked password
        await wait_until(pilot, lambda: played.exists() and len(tones(played)) == 2)
        assert tones(played) == ["key.wav", "key.wav"]
        await pilot.press("enter")  # a wrong password: an error, its tone, then its sentence
        await settle(pilot)
        error = await heard(pilot, engine, 2)
        assert error["text"] == translations(Language.ENGLISH)("signin.wrong")
        assert tones(played)[-1] == "error.wav"


def tones(played: Path) -> list[str]:
    """The names of the WAV files the fake player was asked to play."""
    return [Path(line.split()[-1]).name for line in played.read_text().splitlines()]


async def test_a_missing_engine_is_silence_and_one_log_line(
    kiosk: KioskFactory, on_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = speaking_kiosk(kiosk)
    with caplog.at_level(logging.WARNING, logger="tawasul.speech"):
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot, *AHMED)
            assert isinstance(app.screen, RequestTypeScreen)  # the visit goes on, in silence
            await pilot.press("f8")
            await wait_until(pilot, lambda: bool(caplog.records))
            await pilot.pause(0.3)
            # Nothing about it on the screen: no notification, no error dialog.
            assert isinstance(app.screen, RequestTypeScreen)
            assert not app.query("Toast")
            assert "espeak" not in app.screen.query_one("#types-intro").text  # type: ignore[attr-defined]
    lines = [record.getMessage() for record in caplog.records if record.name == "tawasul.speech"]
    # One line for the engine, however many sentences went unsaid (and one for the tones:
    # the password was typed with no player on PATH either).
    assert sorted(lines) == [
        "no aplay or paplay: tones are the terminal bell",
        "speech engine 'espeak-ng' not found: the kiosk is silent",
    ]


async def test_speech_off_starts_no_engine(kiosk: KioskFactory, engine: Engine) -> None:
    app = kiosk("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, *AHMED)
        assert not app.screen.query(".speech-keys")
    assert engine.said() == []


async def test_masked_keys_and_errors_give_tones_with_speech_off(
    kiosk: KioskFactory, engine: Engine, on_path: Path, tmp_path: Path
) -> None:
    played = tmp_path / "played.txt"
    install(on_path, "aplay", FAKE_PLAYER.format(log=played))
    app = kiosk("en", speech=SpeechConfig(enabled=False))  # tones are on by default
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.press(*AHMED[0])  # the ID is shown as typed: no tone
        await pilot.press("tab", "x", "y")  # two keys in the masked password
        await wait_until(pilot, lambda: played.exists() and len(tones(played)) == 2)
        await pilot.click("#key-z")  # and one from the on-screen keypad
        await wait_until(pilot, lambda: len(tones(played)) == 3)
        assert app.screen.query_one("#password").value == "xyz"  # type: ignore[attr-defined]
        await pilot.press("enter")  # a wrong password: its error tone, and nothing spoken
        await settle(pilot)
        await wait_until(pilot, lambda: len(tones(played)) == 4)
        assert tones(played) == ["key.wav", "key.wav", "key.wav", "error.wav"]
    assert engine.said() == []


async def test_without_a_player_the_tones_are_the_terminal_bell(
    kiosk: KioskFactory, on_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = kiosk("en", speech=SpeechConfig(enabled=False))
    bells: list[str] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(type(app.focused).__name__))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.press(*AHMED[0])
        assert bells == []
        await pilot.press("tab", "x", "y")
        assert bells == ["TextField", "TextField"]  # the password field
        await pilot.press("enter")
        await settle(pilot)
        assert len(bells) == 3


async def test_tones_off_is_silence(
    kiosk: KioskFactory, on_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    played = tmp_path / "played.txt"
    install(on_path, "aplay", FAKE_PLAYER.format(log=played))
    app = kiosk("en", speech=SpeechConfig(tones=False))
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", *AHMED[0], "tab", "x", "y", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
    assert bells == []
    assert not played.exists()


async def test_speech_doubles_the_idle_time(kiosk: KioskFactory, engine: Engine) -> None:
    clock = FakeMonotonic()
    app = kiosk("en", monotonic=clock, idle_seconds=10.0, speech=SpeechConfig(enabled=True))
    assert app.services.config.visit_idle_seconds == 20.0
    assert kiosk("en", idle_seconds=10.0).services.config.visit_idle_seconds == 10.0
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        clock.advance(15)  # past idle_seconds, within twice it
        app._check_idle()
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        clock.advance(6)
        await wait_until(pilot, lambda: isinstance(app.screen, IdleCountdown))

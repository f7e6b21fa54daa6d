"""The speech service on its own: the real espeak-ng writing a WAV, a voice that fails, a
language without a voice, the tones."""

import logging
import stat
import time
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import SpeechConfig
from kiosk.domain.languages import Language
from kiosk.services import speech
from kiosk.services.speech import Cue, SpokenGuidance, write_tone


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait until *condition()* holds (the speech thread works on its own)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the speech thread did not get there in time"
        time.sleep(0.05)


def frames(path: Path) -> int:
    """The audio frames of the WAV file *path* (0 while it is not whole yet)."""
    try:
        with wave.open(str(path)) as audio:
            return int(audio.getnframes())
    except (OSError, EOFError, wave.Error):
        return 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [(Language.ENGLISH, "Request 9000000100 was accepted."), (Language.ARABIC, "طلبك مقبول.")],
)
def test_the_real_engine_speaks_each_language(
    tmp_path: Path, language: Language, sentence: str
) -> None:
    wav = tmp_path / "said.wav"
    guidance = SpokenGuidance(SpeechConfig(enabled=True, engine=f"espeak-ng -w {wav}"))
    try:
        guidance.say([sentence], language)
        wait_for(lambda: frames(wav) > 16000)  # more than a second of speech at 22,050 Hz
    finally:
        guidance.close()


def test_a_voice_that_fails_is_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = tmp_path / "engine"
    engine.write_text("#!/bin/sh\necho 'Error: The specified voice does not exist.' >&2\nexit 1\n")
    engine.chmod(engine.stat().st_mode | stat.S_IXUSR)
    guidance = SpokenGuidance(SpeechConfig(enabled=True, engine=str(engine)))
    with caplog.at_level(logging.WARNING, logger="tawasul.speech"):
        try:
            for _ in range(3):
                guidance.say(["Hello."], Language.ENGLISH)
                wait_for(lambda: bool(caplog.records))
            time.sleep(0.5)  # the second and third failures, had they been logged
        finally:
            guidance.close()
    assert [record.getMessage() for record in caplog.records] == [
        "speech engine failed for voice en: Error: The specified voice does not exist."
    ]


def test_a_language_without_a_voice_is_not_spoken(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(speech.VOICES, "en", None)  # as Filipino has none
    asked: list[str] = []

    def which(name: str) -> None:
        asked.append(name)

    guidance = SpokenGuidance(SpeechConfig(enabled=True), which=which)
    with caplog.at_level(logging.WARNING, logger="tawasul.speech"):
        guidance.say(["Hello."], Language.ENGLISH)
        guidance.say(["Hello again."], Language.ENGLISH)
        guidance.close()
    assert [record.getMessage() for record in caplog.records] == [
        "no speech voice for en: not spoken"
    ]
    assert asked == []  # no engine was looked for, none started


def test_speech_and_tones_off_do_nothing() -> None:
    off = SpeechConfig(enabled=False, tones=False)
    guidance = SpokenGuidance(off, which=lambda name: pytest.fail(name))
    assert guidance.say(["Hello."], Language.ENGLISH, after=Cue.ERROR)
    assert guidance.cue(Cue.KEY)
    assert guidance.louder() == 120  # kept for the visit, though nothing is said
    guidance.close()


@pytest.mark.parametrize("cue", list(Cue))
def test_each_tone_is_a_short_wav(tmp_path: Path, cue: Cue) -> None:
    path = tmp_path / f"{cue}.wav"
    write_tone(path, cue)
    with wave.open(str(path)) as audio:
        assert audio.getnchannels() == 1
        assert 0.02 < audio.getnframes() / audio.getframerate() < 0.5


def test_tones_sound_with_speech_off() -> None:
    asked: list[str] = []
    guidance = SpokenGuidance(SpeechConfig(enabled=False), which=lambda name: asked.append(name))
    assert not guidance.cue(Cue.KEY)  # no player: the caller rings the bell
    assert not guidance.say(["Wrong password."], Language.ENGLISH, after=Cue.ERROR)
    assert guidance.say(["Printed."], Language.ENGLISH)  # no tone asked: nothing to ring
    assert asked == ["aplay", "paplay"]  # looked for once; no engine looked for
    guidance.close()

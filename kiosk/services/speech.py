"""Spoken guidance: sentences read aloud by a speech engine run out of process, and short tones.

The engine (Debian's ``espeak-ng`` by default) is a child process per sentence, started, fed and
ended by one background thread: the caller (the kiosk's event loop) only puts a request on a
queue and never waits for a process. A new sentence or ``stop`` ends the one being spoken
(the process is terminated). A missing engine or a language without a voice means silence and
one log line, never an error for the resident.

Tones (a key press on a masked field, an error) are small WAV files made here with the
standard library and played with ``aplay`` or ``paplay``; espeak-ng cannot make short tones.
Where neither player is installed, ``cue`` answers False and the app rings the terminal bell.
Tones sound with speech on or off (``[speech] tones``); only sentences need ``enabled``.
"""

import contextlib
import logging
import math
import queue
import shlex
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.config import SpeechConfig
from kiosk.domain.languages import Language
from kiosk.domain.spoken import spoken_text

log = logging.getLogger("tawasul.speech")

VOICES: dict[str, str | None] = {
    "ar": "ar",
    "en": "en",
    "ur": "ur",
    "hi": "hi",
    "bn": "bn",
    "ml": "ml",
    "id": "id",
    # espeak-ng has no Filipino voice (espeak-ng#1782, #581): silence, and one log line.
    "fil": None,
    "tl": None,
}
"""The espeak-ng voice of each language, by the language's catalogue code: the one map of
language to voice (the README's "Spoken guidance" says how good each is). A language missing
here, or mapped to None, is not spoken."""

VOLUME_STEP = 20
"""How much one press of a volume key changes espeak-ng's amplitude (0-200)."""

MAX_VOLUME = 200
"""espeak-ng's loudest amplitude."""

ENDING_SECONDS = 1.0
"""How long a terminated engine is given to end before it is killed."""

WATCH_SECONDS = 0.2
"""How often the speech thread looks whether the sentence being spoken has ended (to log an
engine that failed, such as a voice that is not installed)."""


class Cue(StrEnum):
    """The short tones of the kiosk."""

    KEY = "key"
    """A key pressed on a masked field (PIN, password): heard, where its digit must not be."""
    ERROR = "error"
    """The screen answered with an error."""


# (frequency in Hz, milliseconds) of each tone: a short high tick, a lower, longer double buzz.
_TONES: dict[Cue, tuple[tuple[int, int], ...]] = {
    Cue.KEY: ((1200, 40),),
    Cue.ERROR: ((330, 120), (0, 40), (260, 160)),
}
_RATE = 16000
_PLAYERS = (("aplay", "-q"), ("paplay",))


def write_tone(path: Path, cue: Cue) -> None:
    """Write *cue*'s tone to *path* as a 16-bit mono WAV (a sine wave, each part faded in/out)."""
    frames = bytearray()
    for frequency, milliseconds in _TONES[cue]:
        count = _RATE * milliseconds // 1000
        fade = max(1, count // 10)  # no click where a tone starts or stops
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            sample = math.sin(2 * math.pi * frequency * i / _RATE) if frequency else 0.0
            frames += struct.pack("<h", int(12000 * envelope * sample))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(_RATE)
        out.writeframes(bytes(frames))


@dataclass(frozen=True)
class _Utterance:
    argv: list[str]
    text: str
    voice: str
    cue: "Cue | None"


@dataclass(frozen=True)
class _Tone:
    cue: "Cue"


_STOP = object()
_CLOSE = object()


class SpokenGuidance:
    """Reads sentences aloud in the resident's language, one at a time, never blocking.

    Built once for the kiosk from ``[speech]``; when it is not enabled every call does nothing.
    The volume keys change the loudness for one visit: ``visit_ended`` sets it back.
    """

    def __init__(
        self, config: SpeechConfig, *, which: Callable[[str], str | None] = shutil.which
    ) -> None:
        """Guidance as *config* says; *which* finds a command on PATH (tests hand in their own)."""
        self.config = config
        self.volume = config.volume
        """The loudness now: the configured one, changed by the volume keys during a visit."""
        self._which = which
        self._jobs: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._last: tuple[list[str], Language] | None = None
        self._said_once: set[str] = set()  # what was logged already: one line, not one a sentence
        self._tones: Path | None = None
        self._player: list[str] | None = None
        self._cue_process: subprocess.Popen[bytes] | None = None

    @property
    def enabled(self) -> bool:
        """Whether the office turned spoken guidance on."""
        return self.config.enabled

    # --- what the kiosk asks (from the event loop: each call returns at once) ---------------

    def say(self, sentences: list[str], language: Language, *, after: "Cue | None" = None) -> bool:
        """Read *sentences* aloud in *language*, ending whatever was being said; *after* a tone
        (an error's) when given. Numbers are read as ``kiosk.domain.spoken`` decides.

        False when the tone *after* cannot be played (no player), so the caller rings the bell."""
        if not self.enabled:
            return self.cue(after) if after else True
        text = spoken_text(sentences)
        if not text:
            return True
        tone = after if after and self.config.tones and self.has_tones else None
        self._last = (sentences, language)
        voice = VOICES.get(language.value)
        if voice is None:
            self._log_once(f"voice:{language}", "no speech voice for %s: not spoken", language)
            self._send(_Tone(tone) if tone else _STOP)
        else:
            argv = [
                *shlex.split(self.config.engine),
                *("-v", voice, "-a", str(self.volume), "-s", str(self.config.rate), "--stdin"),
            ]
            self._send(_Utterance(argv, text, voice, tone))
        return tone is not None or after is None or not self.config.tones

    def stop(self) -> None:
        """End the sentence being read (a key was pressed)."""
        if self.enabled and self._thread is not None:
            self._send(_STOP)

    def louder(self) -> int:
        """One step louder for this visit; the last sentence is read again to hear it."""
        return self._set_volume(self.volume + VOLUME_STEP)

    def quieter(self) -> int:
        """One step quieter for this visit (never silent); the last sentence is read again."""
        return self._set_volume(self.volume - VOLUME_STEP)

    def visit_ended(self) -> None:
        """Stop speaking, forget the last sentence and set the configured loudness back."""
        self.volume = self.config.volume
        self._last = None
        self.stop()

    @property
    def has_tones(self) -> bool:
        """Whether a WAV player (aplay, paplay) is installed to play the tones."""
        if self._player is None and "player" not in self._said_once:
            for command, *options in _PLAYERS:
                if found := self._which(command):
                    self._player = [found, *options]
                    break
            else:
                self._log_once("player", "no aplay or paplay: tones are the terminal bell")
        return self._player is not None

    def cue(self, cue: Cue) -> bool:
        """Play *cue*'s tone, over the one before; False when there is no player to play it,
        so the caller rings the terminal bell instead. Nothing (True) when tones are off."""
        if not self.config.tones:
            return True
        if not self.has_tones:
            return False
        self._send(_Tone(cue))
        return True

    def close(self) -> None:
        """End the speech thread and any sound (the kiosk stops)."""
        if self._thread is not None:
            self._send(_CLOSE)
            self._thread.join(timeout=ENDING_SECONDS * 3)
            self._thread = None
        if self._cue_process is not None:
            self._end(self._cue_process)
        if self._tones is not None:
            shutil.rmtree(self._tones, ignore_errors=True)
            self._tones = None

    # --- inside -------------------------------------------------------------------------------

    def _set_volume(self, volume: int) -> int:
        self.volume = max(VOLUME_STEP, min(MAX_VOLUME, volume))
        if self._last is not None:
            self.say(*self._last)
        return self.volume

    def _send(self, job: object) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def _log_once(self, what: str, message: str, *args: object) -> None:
        if what not in self._said_once:
            self._said_once.add(what)
            log.warning(message, *args)

    def _play(self, cue: Cue) -> subprocess.Popen[bytes] | None:
        """Start *cue*'s tone (in the speech thread), ending the one before."""
        if self._player is None:
            return None
        if self._tones is None:
            self._tones = Path(tempfile.mkdtemp(prefix="tawasul-tones-"))
            for each in Cue:
                write_tone(self._tones / f"{each}.wav", each)
        if self._cue_process is not None:
            self._end(self._cue_process)
        self._cue_process = subprocess.Popen(
            [*self._player, str(self._tones / f"{cue}.wav")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self._cue_process

    def _run(self) -> None:
        """The speech thread: one engine process at a time, ended by the next request."""
        speaking: tuple[subprocess.Popen[bytes], _Utterance] | None = None
        while True:
            watching = speaking is not None or self._cue_process is not None
            try:
                job = self._jobs.get(timeout=WATCH_SECONDS if watching else None)
            except queue.Empty:
                if speaking is not None and speaking[0].poll() is not None:
                    self._ended(*speaking)
                    speaking = None
                if self._cue_process is not None and self._cue_process.poll() is not None:
                    self._cue_process = None  # reaped: no finished player left a zombie
                continue
            if speaking is not None:
                self._end(speaking[0])
                self._ended(*speaking)
                speaking = None
            if job is _CLOSE:
                return
            if isinstance(job, _Tone):
                self._play(job.cue)
            elif isinstance(job, _Utterance) and self._jobs.empty():  # a newer one waits: skip
                if job.cue is not None and (tone := self._play(job.cue)) is not None:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        tone.wait(timeout=ENDING_SECONDS)  # the tone, then the sentence
                speaking = self._start(job)

    def _start(self, utterance: _Utterance) -> tuple[subprocess.Popen[bytes], _Utterance] | None:
        engine = self._which(utterance.argv[0])
        if engine is None:
            self._log_once("engine", "speech engine %r not found: the kiosk is silent",
                           utterance.argv[0])  # fmt: skip
            return None
        try:
            process = subprocess.Popen(
                [engine, *utterance.argv[1:]],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,  # a terminal's Ctrl+C or a hang-up is the kiosk's alone
            )
        except OSError as error:
            self._log_once("engine", "speech engine %s cannot start: %s", engine, error)
            return None
        assert process.stdin is not None
        try:
            process.stdin.write(utterance.text.encode())
            process.stdin.close()
        except BrokenPipeError:
            pass  # it ended at once; _ended logs why
        return process, utterance

    @staticmethod
    def _end(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=ENDING_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _ended(self, process: subprocess.Popen[bytes], utterance: _Utterance) -> None:
        """Log, once a voice, an engine that ended in failure on its own (not terminated)."""
        assert process.stderr is not None
        problem = process.stderr.read().decode(errors="replace").strip().splitlines()
        process.stderr.close()
        if process.returncode > 0:
            reason = problem[0] if problem else f"exit status {process.returncode}"
            self._log_once(f"failed:{utterance.voice}", "speech engine failed for voice %s: %s",
                           utterance.voice, reason)  # fmt: skip

"""The kiosk's voice: one small `Speaker` interface that every back end (espeak-ng, recorded prompts, the silent
simulator) fulfils.

Speech output must be repeatable and interruptible and its volume adjustable (ADA 2010 §707.5, Section 508 §402,
EN 301 549 §5.1.3): hence `say` never blocks and a new `say` or `stop` cuts off whatever is playing.
"""

from __future__ import annotations

import subprocess
from typing import Protocol


class SpeechError(Exception):
    """Base of the speech errors; `message_key` is translated by the kiosk."""

    message_key = "speech.unavailable"


class SpeechUnavailableError(SpeechError):
    """The synthesiser or the audio player is not installed or cannot run: fix the installation (setup.sh)."""

    message_key = "speech.unavailable"


class Speaker(Protocol):
    """Says one message at a time. `key` names the message (e.g. "session.welcome") so a back end with recorded
    prompts can play a human recording instead of synthesising `text`."""

    @property
    def volume(self) -> int: ...

    @volume.setter
    def volume(self, value: int) -> None: ...

    def say(self, text: str, lang: str, key: str | None = None) -> None:
        """Start speaking and return at once, stopping anything still being said."""
        ...

    def stop(self) -> None: ...

    def is_speaking(self) -> bool: ...


def clamp_volume(value: int) -> int:
    """Volume is a percentage of normal loudness, 0 (silent) to 200 (twice as loud)."""
    return max(0, min(200, int(value)))


class ClampedVolume:
    """`volume` for a back end that keeps its own loudness: whatever is set is held within `clamp_volume`'s range."""

    _volume: int

    @property
    def volume(self) -> int:
        return self._volume

    @volume.setter
    def volume(self, value: int) -> None:
        self._volume = clamp_volume(value)


def cut_off(process: subprocess.Popen[bytes] | None) -> None:
    """End a synthesiser or player that is still sounding: asked to stop first, killed if it has not within 1 s."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

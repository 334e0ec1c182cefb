"""Recorded human prompts in front of a synthesiser (services.md §5.4: recorded northern/southern and minority-
language prompts for the ~100 fixed messages).

For a message key with a recording at `<prompts_dir>/<lang>/<key>.wav` the recording is played with the first
audio player found (`aplay`, `paplay`, or sox's `play`); any other message, or any recording that cannot be
played, falls back to the wrapped speaker. With no player installed, or once the player has failed on its own
(no sound card), every message goes to the fallback.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from pathlib import Path

from devices.speech.speaker import Speaker, clamp_volume, cut_off

_log = logging.getLogger(__name__)

PLAYERS = ("aplay", "paplay", "play")


def find_player() -> str | None:
    for name in PLAYERS:
        if shutil.which(name):
            return name
    return None


def player_command(player: str, wav: Path, volume: int) -> list[str]:
    name = Path(player).name
    if name == "paplay":
        return [player, f"--volume={round(65536 * volume / 100)}", str(wav)]
    if name == "play":
        return [player, "-q", "-v", f"{volume / 100:.2f}", str(wav)]
    return [player, "-q", str(wav)]  # aplay has no volume option; the mixer sets it


class RecordedPromptSpeaker:
    def __init__(self, fallback: Speaker, prompts_dir: Path | None, player: str | None = None) -> None:
        self._fallback = fallback
        self._dir = prompts_dir
        self._player = player if player is not None else find_player()
        self._process: subprocess.Popen[bytes] | None = None
        self._player_failed = False
        self._lock = threading.Lock()

    @property
    def volume(self) -> int:
        return self._fallback.volume

    @volume.setter
    def volume(self, value: int) -> None:
        self._fallback.volume = clamp_volume(value)

    def recording_for(self, key: str | None, lang: str) -> Path | None:
        if key is None or self._dir is None or "/" in key or key.startswith("."):
            return None
        path = self._dir / lang / f"{key}.wav"
        return path if path.is_file() else None

    def say(self, text: str, lang: str, key: str | None = None) -> None:
        with self._lock:
            self._stop_locked()
            self._fallback.stop()
            recording = self.recording_for(key, lang)
            if recording is not None and self._player is not None and not self._player_failed:
                try:
                    process = subprocess.Popen(player_command(self._player, recording, self.volume),
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                except OSError as exc:
                    _log.warning("cannot play recorded prompt %s: %s; using the synthesiser", key, exc.strerror)
                else:
                    self._process = process
                    threading.Thread(target=self._watch, args=(process, text, lang, key), daemon=True,
                                     name="prompt-player").start()
                    return
            self._fallback.say(text, lang, key)

    def _watch(self, process: subprocess.Popen[bytes], text: str, lang: str, key: str | None) -> None:
        """A player that fails by itself (no sound card, a broken file) hands the message to the synthesiser,
        and recordings are not tried again, so the citizen always hears something."""
        code = process.wait()
        with self._lock:
            if code == 0 or process is not self._process:  # finished, or stopped / replaced on purpose
                return
            self._process = None
            if not self._player_failed:
                _log.warning("audio player %s failed (exit %s); using the synthesiser from now on", self._player, code)
            self._player_failed = True
            self._fallback.say(text, lang, key)

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()
            self._fallback.stop()

    def is_speaking(self) -> bool:
        process = self._process
        return (process is not None and process.poll() is None) or self._fallback.is_speaking()

    def _stop_locked(self) -> None:
        process, self._process = self._process, None
        cut_off(process)

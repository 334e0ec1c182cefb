"""Speech synthesis with espeak-ng, run as a child process so speaking never blocks the kiosk.

One process per utterance; a new `say` or `stop` terminates the previous one (interruptible, ADA §707.5).
The text goes in on standard input (`--stdin`), so nothing a citizen typed can be taken for an option.
`render_wav` writes the same speech to a WAV file instead (`-w`), for tests and for recording prompts.
Vietnamese text should pass through kiosk.speech.normaliser first: espeak-ng reads dates, phone numbers and
acronyms badly on its own.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

from devices.speech.speaker import ClampedVolume, SpeechUnavailableError, cut_off

_log = logging.getLogger(__name__)

# espeak-ng's amplitude runs 0–200 with 100 as its normal loudness; our volume is a percentage of normal.
_NORMAL_AMPLITUDE = 100


class EspeakSpeaker(ClampedVolume):
    def __init__(self, voices: Mapping[str, str], rate_wpm: int = 140, volume: int = 100,
                 binary: str = "espeak-ng") -> None:
        self._voices = dict(voices)
        self._rate = max(80, min(450, rate_wpm))
        self.volume = volume
        self._binary = binary
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._warned = False

    def available(self) -> bool:
        return shutil.which(self._binary) is not None

    def say(self, text: str, lang: str, key: str | None = None) -> None:
        del key  # synthesised speech does not depend on which message it is
        with self._lock:
            self._stop_locked()
            if not text.strip():
                return
            try:
                process = subprocess.Popen(self._command(lang), stdin=subprocess.PIPE,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except OSError as exc:
                # No synthesiser: the screen still shows every message, so the kiosk goes on without a voice.
                if not self._warned:
                    _log.warning("speech disabled: cannot start %s (%s)", self._binary, exc.strerror)
                    self._warned = True
                return
            assert process.stdin is not None
            try:
                process.stdin.write(text.encode("utf-8"))
                process.stdin.close()
            except BrokenPipeError:
                pass
            self._process = process

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def is_speaking(self) -> bool:
        process = self._process
        return process is not None and process.poll() is None

    def render_wav(self, text: str, lang: str, path: Path, timeout_s: float = 60.0) -> Path:
        """Synthesise `text` into a WAV file and wait for it; SpeechUnavailableError if espeak-ng cannot run."""
        command = [*self._command(lang), "-w", str(path)]
        try:
            result = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, timeout=timeout_s,
                                    check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpeechUnavailableError(f"{self._binary} could not run: {exc}") from exc
        if result.returncode != 0 or not path.exists():
            raise SpeechUnavailableError(f"{self._binary} failed ({result.returncode}): "
                                         f"{result.stderr.decode(errors='replace')[:200]}")
        return path

    def _command(self, lang: str) -> list[str]:
        voice = self._voices.get(lang) or self._voices.get("vi") or lang
        amplitude = round(_NORMAL_AMPLITUDE * self._volume / 100)
        return [self._binary, "-v", voice, "-s", str(self._rate), "-a", str(min(200, amplitude)), "--stdin"]

    def _stop_locked(self) -> None:
        process, self._process = self._process, None
        cut_off(process)

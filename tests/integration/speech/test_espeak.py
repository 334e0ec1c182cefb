"""espeak-ng really speaks Vietnamese: a normalised prompt rendered to a WAV file of plausible length."""

from __future__ import annotations

import shutil
import subprocess
import time
import wave
from pathlib import Path

import pytest

from devices.speech.espeak import EspeakSpeaker
from kiosk.speech.normaliser import SpeechNormaliser

pytestmark = pytest.mark.integration

if shutil.which("espeak-ng") is None:  # pragma: no cover - setup.sh installs it
    pytest.skip("espeak-ng is not installed (scripts/setup.sh installs it): cannot test real speech",
                allow_module_level=True)


def _duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def test_a_vietnamese_prompt_renders_to_a_wav_of_plausible_length(tmp_path: Path) -> None:
    text = SpeechNormaliser.from_catalogue().normalise("Xin mời bạn đến quầy số 3 lúc 14:30 ngày 12/3/2025.", "vi")
    out = EspeakSpeaker({"vi": "vi"}, rate_wpm=140).render_wav(text, "vi", tmp_path / "prompt.wav")
    seconds = _duration(out)
    words = len(text.split())
    # At 140 words a minute, with syllable-words and pauses: somewhere between 0.2 s and 1 s a word.
    assert 0.2 * words < seconds < 1.0 * words, (seconds, words)
    with wave.open(str(out), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
    assert any(frames[i] not in (0, 255) for i in range(0, len(frames), 97))  # not silence


def test_normalising_makes_a_date_longer_to_say_than_espeaks_own_reading(tmp_path: Path) -> None:
    speaker = EspeakSpeaker({"vi": "vi"})
    raw = _duration(speaker.render_wav("12/3/2025", "vi", tmp_path / "raw.wav"))
    spoken = SpeechNormaliser.from_catalogue().normalise("12/3/2025", "vi")
    normalised = _duration(speaker.render_wav(spoken, "vi", tmp_path / "norm.wav"))
    assert normalised > raw


def test_slower_rate_gives_a_longer_recording(tmp_path: Path) -> None:
    guide_text = "Xin đặt thẻ căn cước vào chỗ có đèn sáng."
    fast = _duration(EspeakSpeaker({"vi": "vi"}, rate_wpm=200).render_wav(guide_text, "vi", tmp_path / "f.wav"))
    slow = _duration(EspeakSpeaker({"vi": "vi"}, rate_wpm=110).render_wav(guide_text, "vi", tmp_path / "s.wav"))
    assert slow > fast * 1.3


def test_live_speech_starts_and_stops_without_an_audio_device() -> None:
    speaker = EspeakSpeaker({"vi": "vi"})
    speaker.say("Xin chào. " * 40, "vi")
    time.sleep(0.1)
    speaker.stop()
    assert not speaker.is_speaking()


def test_the_english_voice_renders_too(tmp_path: Path) -> None:
    out = EspeakSpeaker({"en": "en"}).render_wav("Please place your ID card on the reader.", "en",
                                                 tmp_path / "en.wav")
    assert _duration(out) > 1.0
    assert subprocess.run(["soxi", "-D", str(out)], capture_output=True, text=True,
                          check=True).stdout.strip() != "0"


def test_a_recorded_prompt_plays_with_sox_or_falls_back_to_the_synthesiser(tmp_path: Path) -> None:
    from devices.speech.recorded import RecordedPromptSpeaker
    from devices.speech.simulated import SilentSpeaker

    if shutil.which("play") is None:  # pragma: no cover - setup.sh installs sox
        pytest.skip("sox 'play' is not installed (scripts/setup.sh installs sox)")
    (tmp_path / "vi").mkdir()
    EspeakSpeaker({"vi": "vi"}).render_wav("Xin chào", "vi", tmp_path / "vi" / "session.welcome.wav")
    fallback = SilentSpeaker()
    speaker = RecordedPromptSpeaker(fallback, tmp_path, player="play")
    speaker.say("Xin chào", "vi", key="session.welcome")
    deadline = time.monotonic() + 10
    while speaker._process is not None and speaker._process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # let the watcher hand over if the player failed
    played = not speaker._player_failed
    # Either the recording was played (a sound card exists) or, with none, the synthesiser got the message.
    assert played != (fallback.last is not None and fallback.last.text == "Xin chào")

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from devices.speech.espeak import EspeakSpeaker
from devices.speech.recorded import RecordedPromptSpeaker, player_command
from devices.speech.simulated import SilentSpeaker


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _with_welcome_recording(prompts: Path) -> Path:
    """A prompts folder with a Vietnamese recording of the welcome (not real audio: the players here are fakes)."""
    (prompts / "vi").mkdir(parents=True)
    (prompts / "vi" / "session.welcome.wav").write_bytes(b"RIFF")
    return prompts


def _wait_for(predicate: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_espeak_speaker_does_not_block_and_a_new_message_interrupts_the_old(tmp_path: Path) -> None:
    log = tmp_path / "log"
    # Stands in for espeak-ng: records its arguments and the text, then "speaks" for a long time.
    fake = _script(tmp_path / "espeak-ng", f'echo "$@" >> {log}; cat >> {log}; echo >> {log}; exec sleep 30\n')
    speaker = EspeakSpeaker({"vi": "vi", "en": "en"}, rate_wpm=130, volume=80, binary=str(fake))
    start = time.monotonic()
    speaker.say("xin chào", "vi")
    assert time.monotonic() - start < 1.0
    first = speaker._process
    assert first is not None and speaker.is_speaking()
    assert _wait_for(lambda: log.exists() and "xin chào" in log.read_text())
    speaker.say("hello", "en")
    assert first.poll() is not None  # cut off
    assert _wait_for(lambda: "hello" in log.read_text())
    speaker.stop()
    assert not speaker.is_speaking()
    text = log.read_text()
    assert "-v vi -s 130 -a 80 --stdin" in text and "xin chào" in text and "-v en" in text


def test_text_never_becomes_an_option(tmp_path: Path) -> None:
    log = tmp_path / "log"
    fake = _script(tmp_path / "espeak-ng", f'echo "$@" > {log}\n')
    speaker = EspeakSpeaker({"vi": "vi"}, binary=str(fake))
    speaker.say("-w /tmp/evil.wav", "vi")
    assert _wait_for(lambda: log.exists() and log.read_text())
    assert "evil" not in log.read_text()


def test_a_missing_synthesiser_leaves_the_kiosk_silent_but_running(tmp_path: Path) -> None:
    speaker = EspeakSpeaker({"vi": "vi"}, binary=str(tmp_path / "no-such-espeak"))
    assert not speaker.available()
    speaker.say("xin chào", "vi")
    assert not speaker.is_speaking()
    speaker.stop()


def test_volume_is_clamped() -> None:
    speaker = EspeakSpeaker({"vi": "vi"}, volume=500)
    assert speaker.volume == 200
    speaker.volume = -4
    assert speaker.volume == 0


def test_recorded_prompt_is_played_when_present_else_synthesised(tmp_path: Path) -> None:
    prompts = _with_welcome_recording(tmp_path / "prompts")
    log = tmp_path / "played"
    player = _script(tmp_path / "aplay", f'echo "$@" >> {log}\n')
    fallback = SilentSpeaker()
    speaker = RecordedPromptSpeaker(fallback, prompts, player=str(player))
    speaker.say("Xin chào", "vi", key="session.welcome")
    assert _wait_for(log.exists)
    assert "session.welcome.wav" in log.read_text() and fallback.spoken == []
    speaker.say("Hello", "en", key="session.welcome")  # no English recording
    speaker.say("Xin đặt thẻ", "vi", key="session.place_card")  # no recording for this key
    assert [u.text for u in fallback.spoken] == ["Hello", "Xin đặt thẻ"]


def test_without_any_player_every_prompt_falls_back(tmp_path: Path) -> None:
    _with_welcome_recording(tmp_path)
    fallback = SilentSpeaker()
    speaker = RecordedPromptSpeaker(fallback, tmp_path, player=str(tmp_path / "missing-player"))
    speaker.say("Xin chào", "vi", key="session.welcome")
    assert fallback.last is not None and fallback.last.text == "Xin chào"


def test_keys_cannot_reach_outside_the_prompts_folder(tmp_path: Path) -> None:
    speaker = RecordedPromptSpeaker(SilentSpeaker(), tmp_path, player=None)
    assert speaker.recording_for("../../etc/passwd", "vi") is None


@pytest.mark.parametrize(("player", "flag"), [("paplay", "--volume=32768"), ("play", "0.50")])
def test_player_volume_options(player: str, flag: str) -> None:
    assert flag in player_command(player, Path("x.wav"), 50)


def test_silent_speaker_records_what_would_be_said() -> None:
    speaker = SilentSpeaker()
    speaker.say("a", "vi", key="k")
    speaker.stop()
    assert speaker.last is not None and speaker.last.key == "k" and speaker.stops == 1
    assert not speaker.is_speaking()


def test_a_player_that_fails_by_itself_hands_over_to_the_synthesiser(tmp_path: Path) -> None:
    _with_welcome_recording(tmp_path)
    player = _script(tmp_path / "aplay", "echo 'no sound card' >&2; exit 1\n")
    fallback = SilentSpeaker()
    speaker = RecordedPromptSpeaker(fallback, tmp_path, player=str(player))
    speaker.say("Xin chào", "vi", key="session.welcome")
    assert _wait_for(lambda: fallback.last is not None)
    assert fallback.last is not None and fallback.last.text == "Xin chào"
    speaker.say("Xin chào lần nữa", "vi", key="session.welcome")  # straight to the synthesiser now
    assert fallback.last.text == "Xin chào lần nữa"


def test_stopping_a_recording_does_not_trigger_the_fallback(tmp_path: Path) -> None:
    _with_welcome_recording(tmp_path)
    player = _script(tmp_path / "aplay", "exec sleep 30\n")
    fallback = SilentSpeaker()
    speaker = RecordedPromptSpeaker(fallback, tmp_path, player=str(player))
    speaker.say("Xin chào", "vi", key="session.welcome")
    assert speaker.is_speaking()
    speaker.stop()
    time.sleep(0.2)
    assert fallback.spoken == [] and not speaker.is_speaking()

"""The voice: every screen speaks, nothing is cut but by the citizen's own tap to another screen, no prompt has an
empty slot, and "Nghe lại" says the screen again."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kiosk.i18n import Translator
from kiosk.journey import ScreenView, Tap, Tick
from kiosk.journey.speech_queue import Utterance
from kiosk.session.timer import ManualClock
from kiosk.speech.guide import VoiceGuide
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import play_every_journey, to_services

EMPTY_SLOT = re.compile(r"(\s[.,:;]|:\s*$|\s$)")


def test_every_journey_speaks_whole_prompts_and_only_a_tap_cuts(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    heard: list[Utterance] = []
    silent: list[str] = []

    def watch(view: ScreenView, said: list[Utterance]) -> None:
        heard.extend(said)
        if not view.pending and not view.prompts:
            silent.append(view.screen)

    play_every_journey(stand, "vi", watch)
    assert silent == []                                   # every screen says something
    assert {u.screen for u in heard} >= {"welcome", "services", "question", "review", "done", "status",
                                         "withdraw_confirm", "withdraw_done"}
    previous = ("", "")
    for utterance in heard:
        for prompt in utterance.prompts:
            assert prompt.text.strip(), prompt.key
            assert all(value.strip() for _, value in prompt.params), prompt.key
            assert not EMPTY_SLOT.search(prompt.text), (prompt.key, prompt.text)
        where = (utterance.screen, utterance.field)
        if utterance.interrupt:   # only the citizen's tap to another screen may cut what is being said
            assert utterance.cause == "tap" and where != previous, utterance
        previous = where


def test_the_inactivity_warning_waits_for_the_current_prompt(make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock(1000.0)
    stand = make_stand(clock=clock)
    to_services(stand)
    stand.visit.utterances()
    clock.advance(stand.kiosk.config.session.inactivity_warning_s + 1)
    view = stand.visit.handle(Tick())
    assert view.warning
    (warning,) = stand.visit.utterances()
    assert warning.cause == "warning" and not warning.interrupt


def test_a_screen_reached_by_itself_queues_after_the_prompt(make_stand: Callable[..., Stand]) -> None:
    from kiosk.journey import CardPlaced

    stand = make_stand()
    stand.visit.utterances()
    stand.place()
    view = stand.visit.handle(CardPlaced())        # the chip read, the face check: nobody tapped
    assert view.screen in ("face", "services")
    assert all(not u.interrupt for u in stand.visit.utterances())
    view = stand.visit.handle(Tap("help"))
    (help_said,) = stand.visit.utterances()
    assert help_said.screen == "help" and help_said.interrupt   # the citizen chose another screen


def test_listen_again_says_the_current_screen_at_once(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    to_services(stand)
    stand.visit.utterances()
    assert stand.visit.utterances() == []
    view = stand.visit.handle(Tap("repeat"))
    (again,) = stand.visit.utterances()
    assert again.interrupt and again.cause == "repeat" and again.prompts == view.prompts


class RecordingSpeaker:
    """A speaker that records what it is asked to say and can be told it is still speaking."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.speaking = False
        self.volume = 100

    def say(self, text: str, lang: str, key: str | None = None) -> None:
        self.said.append(text)
        self.speaking = True

    def stop(self) -> None:
        self.speaking = False

    def is_speaking(self) -> bool:
        return self.speaking


def test_the_guide_queues_what_may_not_interrupt_and_fills_no_empty_slot() -> None:
    speaker = RecordingSpeaker()
    guide = VoiceGuide(speaker, Translator("vi"))   # type: ignore[arg-type]
    guide.speak("journey.welcome_say")
    guide.speak_all([("session.inactivity_warning", {"seconds": 30})], interrupt=False)
    assert len(speaker.said) == 1                  # the instructions go on to their end
    assert guide.pump() is False
    speaker.speaking = False
    assert guide.pump() is True and len(speaker.said) == 2
    speaker.speaking = False
    said = guide.speak_all([("session.queued", {"file_code": ""})])
    assert "Mã hồ sơ" not in said and said.endswith("sẽ tự gửi đi.")


@pytest.mark.parametrize("key", ["session.submitted", "session.queued"])
def test_every_file_code_message_has_a_no_slot_variant(key: str) -> None:
    catalogue = Translator("vi").catalogue
    assert f"{key}_none" in catalogue

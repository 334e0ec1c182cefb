from __future__ import annotations

from devices.speech.simulated import SilentSpeaker
from kiosk.session import ManualClock, Session
from kiosk.speech.guide import VoiceGuide
from tests.kiosk.session_fixtures import make_identity, new_session, walk_to_steps


def test_speak_translates_normalises_and_passes_the_key() -> None:
    speaker = SilentSpeaker()
    guide = VoiceGuide(speaker)
    spoken = guide.speak("session.place_card", "vi")
    assert speaker.last is not None and speaker.last.key == "session.place_card"
    assert speaker.last.text == spoken and "thẻ căn cước" in spoken and speaker.last.lang == "vi"
    guide.speak("session.place_card", "en")
    assert "ID card" in speaker.spoken[-1].text and speaker.spoken[-1].lang == "en"


def test_messages_with_parameters_are_synthesised_not_replaced_by_a_recording() -> None:
    speaker = SilentSpeaker()
    spoken = VoiceGuide(speaker).speak("session.submitted", "vi", file_code="H26.01-0001")
    assert speaker.last is not None and speaker.last.key is None
    assert "hát hai sáu" in spoken and "H26" not in spoken


def test_repeat_says_the_last_message_again() -> None:
    speaker = SilentSpeaker()
    guide = VoiceGuide(speaker)
    guide.speak("session.review", "vi")
    guide.repeat()
    assert [u.text for u in speaker.spoken] == [speaker.spoken[0].text] * 2


def test_volume_goes_up_and_down_within_bounds() -> None:
    speaker = SilentSpeaker(volume=195)
    guide = VoiceGuide(speaker)
    assert guide.louder() == 200 and guide.louder() == 200
    guide.volume = 5
    assert guide.quieter() == 0


def _guided_to_the_face_check_in_english() -> tuple[Session, ManualClock, SilentSpeaker]:
    session, clock, _, _ = new_session()
    speaker = SilentSpeaker()
    VoiceGuide(speaker).attach(session)
    session.start()
    session.choose_language("en")
    session.card_inserted()
    session.identified(make_identity())
    return session, clock, speaker


def test_the_guide_follows_a_session_screen_by_screen() -> None:
    _, _, speaker = _guided_to_the_face_check_in_english()
    keys = [u.key for u in speaker.spoken]
    assert keys == ["session.choose_language", "session.place_card", "session.look_at_camera"]
    assert speaker.spoken[-1].lang == "en"


def test_the_guide_reads_the_warning_and_says_goodbye_in_the_citizens_language() -> None:
    session, clock, speaker = _guided_to_the_face_check_in_english()
    clock.advance(90)
    session.tick()
    assert "Are you still there" in speaker.spoken[-1].text and "thirty" not in speaker.spoken[-1].text
    session.card_removed()
    assert speaker.spoken[-1].key == "session.card_removed" and speaker.spoken[-1].lang == "en"


def test_the_outcome_and_the_receipt_are_announced_together() -> None:
    session, _, _, _ = new_session()
    speaker = SilentSpeaker()
    walk_to_steps(session)
    VoiceGuide(speaker).attach(session)
    session.steps_completed()
    session.submission_started("k")
    session.submission_completed("k", "queued", "Q-7")
    last = speaker.spoken[-1].text
    assert "lưu an toàn" in last and "biên nhận" in last and "Q-7" not in last


def test_a_card_removed_while_sending_gets_its_own_message() -> None:
    session, _, _, _ = new_session()
    speaker = SilentSpeaker()
    walk_to_steps(session)
    VoiceGuide(speaker).attach(session)
    session.steps_completed()
    session.submission_started("k")
    session.card_removed()
    assert speaker.spoken[-1].key == "session.card_removed_while_sending"


def test_every_prompt_the_guide_uses_is_in_the_catalogue() -> None:
    from kiosk.i18n import load_catalogue
    from kiosk.speech.guide import SCREEN_PROMPTS, WIPE_PROMPTS

    catalogue = load_catalogue()
    used = {*SCREEN_PROMPTS.values(), *WIPE_PROMPTS.values(), "session.card_removed_while_sending",
            "session.submitted", "session.queued", "session.receipt", "session.inactivity_warning",
            "session.time_extended"}
    assert sorted(k for k in used if k not in catalogue) == []


def test_taking_the_card_on_the_goodbye_screen_says_goodbye() -> None:
    session, _, _, _ = new_session()
    speaker = SilentSpeaker()
    walk_to_steps(session)
    session.steps_completed()
    session.submission_started("k")
    session.submission_completed("k", "sent", "F-1")
    session.receipt_printed()
    VoiceGuide(speaker).attach(session)
    session.card_removed()
    assert speaker.spoken[-1].key == "session.goodbye"

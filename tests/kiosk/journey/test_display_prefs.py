"""The citizen's display and voice settings for one visit (kiosk.journey.display): text scale, high contrast and a
volume that reaches the voice guide's speaker, in steps, never silent, back to the default for the next visit."""

from __future__ import annotations

import pytest

from devices.speech.simulated import SilentSpeaker
from kiosk.config import load_config
from kiosk.journey.display import (
    MAX_VOLUME,
    MIN_VOLUME,
    TEXT_SCALES,
    VOLUME_STEP,
    DisplayPrefs,
    apply_volume,
    text_scale_from_percent,
    words,
)
from kiosk.speech.guide import VoiceGuide


def test_a_visit_starts_from_the_configured_volume_at_100_percent_text() -> None:
    config = load_config(None, {"speech": {"volume": 80}})
    prefs = DisplayPrefs.defaults(config.speech.volume)
    assert prefs == DisplayPrefs(text_scale=1.0, high_contrast=False, volume=80)
    assert prefs.text_percent == 100


def test_louder_and_quieter_move_in_steps_within_bounds() -> None:
    prefs = DisplayPrefs(volume=100)
    assert prefs.louder().volume == 100 + VOLUME_STEP
    assert prefs.quieter().volume == 100 - VOLUME_STEP
    loudest = prefs
    for _ in range(20):
        loudest = loudest.louder()
    assert loudest.volume == MAX_VOLUME and not loudest.can_louder
    quietest = prefs
    for _ in range(20):
        quietest = quietest.quieter()
    assert quietest.volume == MIN_VOLUME > 0 and not quietest.can_quieter


def test_a_configured_default_below_the_floor_is_kept_not_raised() -> None:
    prefs = DisplayPrefs.defaults(20)
    assert prefs.volume == 20
    assert prefs.quieter() == prefs
    assert prefs.louder().volume == 40


def test_the_chosen_volume_is_what_the_speaker_says_things_at() -> None:
    speaker = SilentSpeaker(volume=100)
    guide = VoiceGuide(speaker)
    prefs = DisplayPrefs.defaults(guide.volume).louder().louder()
    assert apply_volume(prefs, guide) == 140
    guide.speak("ui.display_volume_now", "vi")
    assert speaker.last is not None and speaker.last.volume == 140
    apply_volume(DisplayPrefs.defaults(100), guide)  # the next visit
    guide.speak("ui.display_volume_now", "vi")
    assert speaker.last.volume == 100


def test_text_scale_and_contrast_choices() -> None:
    prefs = DisplayPrefs().with_text_scale(1.5).with_high_contrast(True)
    assert (prefs.text_scale, prefs.high_contrast, prefs.text_percent) == (1.5, True, 150)
    with pytest.raises(ValueError, match="text scale"):
        DisplayPrefs(text_scale=2.0)
    with pytest.raises(ValueError, match="volume"):
        DisplayPrefs(volume=250)


@pytest.mark.parametrize(("given", "scale"), [(100, 1.0), ("125", 1.25), ("150%", 1.5)])
def test_text_scale_from_percent(given: int | str, scale: float) -> None:
    assert text_scale_from_percent(given) == scale
    assert scale in TEXT_SCALES


@pytest.mark.parametrize("given", [200, "big", ""])
def test_text_scale_from_percent_names_the_choices(given: int | str) -> None:
    with pytest.raises(ValueError, match="100, 125, 150"):
        text_scale_from_percent(given)


def test_the_controls_words_come_from_the_catalogue_in_both_languages() -> None:
    assert words("en")("display_volume_up") == "Louder"
    assert words("vi")("display_text_size", percent=150) == "Cỡ chữ 150 phần trăm"
    assert words("vi")("ui.more_below").startswith("Còn nữa")

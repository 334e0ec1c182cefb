"""The header's display controls change the whole window through the visit: text size and high contrast switch
the theme at once, the voice volume reaches the speaker and is confirmed aloud, the strip speaks the citizen's
language, and a wipe puts everything back for the next citizen."""

from __future__ import annotations

from typing import Any

from kiosk.journey.display import VOLUME_STEP
from kiosk.session.events import WipeReason
from ui import theme


def test_text_size_and_contrast_switch_the_window_and_a_wipe_resets_them(make_kiosk: Any) -> None:
    driver = make_kiosk()
    window = driver.window
    assert theme.current().scale == 1.0 and theme.current().dpi == window.ctx.kiosk.config.ui.screen_dpi
    body = theme.SIZES.text_px
    driver.tap(driver.find("text_size_150"))
    assert window.visit.display.text_scale == 1.5
    assert theme.current().scale == 1.5 and theme.SIZES.text_px > body
    driver.tap(driver.find("high_contrast"))
    assert window.visit.display.high_contrast and theme.current().high_contrast
    window.ctx.kiosk.session.wipe(WipeReason.CARD_REMOVED)
    driver.settle()
    window.show_view(window.visit.view())
    assert (theme.current().scale, theme.current().high_contrast) == (1.0, False)
    assert window.header.display.contrast.isChecked() is False


def test_volume_buttons_reach_the_speaker_and_say_the_new_volume(make_kiosk: Any) -> None:
    driver = make_kiosk()
    window = driver.window
    guide = window.ctx.kiosk.guide
    start = guide.volume
    said: list[str] = []
    real = guide.speak_all
    guide.speak_all = lambda messages, *a, **k: (said.extend(m[0] for m in messages), real(messages, *a, **k))[1]
    driver.tap(driver.find("volume_up"))
    assert guide.volume == start + VOLUME_STEP == window.visit.display.volume
    assert "ui.display_volume_now" in said


def test_the_strip_is_worded_in_the_citizens_language(make_kiosk: Any) -> None:
    driver = make_kiosk()
    vi = driver.find("volume_up").accessibleName(), driver.find("high_contrast").text()
    driver.tap(driver.window.header.language)
    en = driver.find("volume_up").accessibleName(), driver.find("high_contrast").text()
    assert en == ("Louder", "High contrast") and vi != en

"""The window says what the visit has to say: each new screen's prompts once, through the kiosk's voice, and again
on "Nghe lại"; a key press on the same screen says nothing new."""

from __future__ import annotations

from typing import Any


def spoken(driver: Any) -> list[str]:
    return [u.text for u in driver.kiosk.speaker.spoken]


def test_each_new_screen_is_said_once_and_again_on_repeat(make_kiosk: Any) -> None:
    driver = make_kiosk()
    guide = driver.kiosk.guide
    driver.choose("start")
    said = guide.text("journey.card_wait_say", "vi")
    assert spoken(driver)[-1] == said
    count = len(spoken(driver))
    driver.window._on_tick()  # time passing on the same screen says nothing new
    driver.settle()
    assert len(spoken(driver)) == count
    driver.tap(driver.window.header.repeat)
    assert len(spoken(driver)) == count + 1 and spoken(driver)[-1] == said

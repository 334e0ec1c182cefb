"""Long screens scroll with a finger: the journey page's list is a kinetic touch scroll area with a wide bar and a
"more below" cue in the citizen's language (so are the staff pages' bodies)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QScroller

from ui import theme
from ui.widgets.scroll import TouchScrollArea


def test_the_journey_list_scrolls_by_touch_with_a_translated_cue(make_kiosk: Any) -> None:
    driver = make_kiosk()
    area = driver.window.journey._scroll
    assert isinstance(area, TouchScrollArea)
    assert QScroller.hasScroller(area.viewport())
    assert theme.mm_for_px(area.verticalScrollBar().width()) >= 15
    vi = area.cue.text()
    driver.tap(driver.window.header.language)
    assert area.cue.text() != vi and "More below" in area.cue.text()

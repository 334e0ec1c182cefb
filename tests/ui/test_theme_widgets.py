"""The widgets the theme drives: the touch scroll area (kinetic drag, ≥ 15 mm bar, "more below" cue), the header's
display controls (text size, high contrast, volume) and the big button at 150 % and in high contrast, rendered on
Qt's offscreen platform."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScroller, QVBoxLayout, QWidget

from kiosk.i18n import Translator
from ui import theme
from ui.theme import HIGH_CONTRAST, NORMAL, mm_for_px, px_for_mm, sizes_for
from ui.widgets.buttons import BigButton
from ui.widgets.chrome import FooterWidget, HeaderWidget
from ui.widgets.display_controls import DisplayControls
from ui.widgets.scroll import TouchScrollArea

DPI = theme.REFERENCE_DPI


@pytest.fixture(autouse=True)
def default_theme(qapp: Any) -> Iterator[None]:
    theme.apply(qapp, scale=1.0, high_contrast=False, dpi=DPI)
    yield
    theme.apply(qapp, scale=1.0, high_contrast=False, dpi=DPI)


def labels(lang: str = "vi") -> Any:
    translator = Translator(language="en" if lang == "en" else "vi")
    return lambda key, **params: translator.text(key if "." in key else f"ui.{key}", **params)


def long_area(qtbot: Any, lines: int = 40, height: int = 800) -> tuple[TouchScrollArea, QPushButton]:
    area = TouchScrollArea(labels()("more_below"))
    inner = QWidget()
    column = QVBoxLayout(inner)
    for i in range(lines):
        column.addWidget(QLabel(f"{i + 1}. Nơi sinh: Bệnh viện Từ Dũ"))
    button = QPushButton("Tiếp tục")
    column.addWidget(button)
    area.setWidget(inner)
    area.resize(700, height)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, button


def drag(widget: QWidget, start: QPoint, end: QPoint, steps: int = 20) -> None:
    """A finger on the panel: press, move in small steps at ~60 Hz, lift."""
    device = QTest.createTouchDevice()
    QTest.touchEvent(widget, device).press(0, start, widget).commit()
    for i in range(1, steps + 1):
        QTest.qWait(16)
        point = start + (end - start) * (i / steps)
        QTest.touchEvent(widget, device).move(0, point, widget).commit()
    QTest.touchEvent(widget, device).release(0, end, widget).commit()


def test_the_viewport_is_grabbed_for_kinetic_touch_scrolling(qtbot: Any) -> None:
    area, _button = long_area(qtbot)
    assert QScroller.hasScroller(area.viewport())
    assert QScroller.grabbedGesture(area.viewport()) != Qt.GestureType(0)


def test_a_finger_drag_scrolls_the_content(qtbot: Any) -> None:
    area, _button = long_area(qtbot)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    drag(area.viewport(), QPoint(300, 650), QPoint(300, 150))
    qtbot.waitUntil(lambda: area.scroller().state() == QScroller.State.Inactive, timeout=5000)
    assert bar.value() >= 400  # at least the distance dragged (then it glides)


def test_on_a_panel_that_sends_only_mouse_events_a_pressed_drag_scrolls(qtbot: Any) -> None:
    area = TouchScrollArea("", gesture="mouse")
    inner = QWidget()
    column = QVBoxLayout(inner)
    for i in range(40):
        column.addWidget(QLabel(f"{i + 1}."))
    area.setWidget(inner)
    area.resize(700, 800)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    viewport = area.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(300, 650))
    for i in range(1, 21):
        QTest.qWait(16)
        QTest.mouseMove(viewport, QPoint(300, 650 - 25 * i))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(300, 150))
    qtbot.waitUntil(lambda: area.scroller().state() == QScroller.State.Inactive, timeout=5000)
    assert area.verticalScrollBar().value() >= 400


def test_a_tap_inside_the_area_still_presses_a_button(qtbot: Any) -> None:
    _area, button = long_area(qtbot, lines=3)
    with qtbot.waitSignal(button.clicked, timeout=2000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    device = QTest.createTouchDevice()
    centre = button.rect().center()
    with qtbot.waitSignal(button.clicked, timeout=2000):  # a finger's tap, not only a mouse click
        QTest.touchEvent(button, device).press(0, centre, button).commit()
        QTest.qWait(50)
        QTest.touchEvent(button, device).release(0, centre, button).commit()


def test_the_more_below_cue_shows_while_content_is_hidden_and_hides_at_the_end(qtbot: Any) -> None:
    area, _button = long_area(qtbot)
    assert area.cue.isVisible() and area.more_below()
    assert area.cue.geometry().bottom() == area.viewport().geometry().bottom()
    assert area.cue.height() >= theme.min_target_px(DPI)
    with qtbot.waitSignal(area.at_end_changed) as at_end:
        area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    assert at_end.args == [True]
    assert not area.cue.isVisible()
    area.verticalScrollBar().setValue(0)
    assert area.cue.isVisible()


def test_tapping_the_cue_scrolls_down_a_page(qtbot: Any) -> None:
    area, _button = long_area(qtbot)
    qtbot.mouseClick(area.cue, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.verticalScrollBar().value() > 300, timeout=3000)


def test_no_cue_when_everything_fits(qtbot: Any) -> None:
    area, _button = long_area(qtbot, lines=3)
    assert not area.more_below()
    assert not area.cue.isVisible()


def test_the_scroll_bar_is_at_least_15_mm_wide(qtbot: Any) -> None:
    area, _button = long_area(qtbot)
    bar = area.verticalScrollBar()
    assert bar.isVisible()
    assert mm_for_px(bar.width(), DPI) >= 15.0
    theme.apply(dpi=220.0)
    assert bar.width() == px_for_mm(15.0, 220.0)


def test_display_controls_emit_what_the_citizen_chose(qtbot: Any) -> None:
    controls = DisplayControls(labels())
    qtbot.addWidget(controls)
    controls.show()
    with qtbot.waitSignal(controls.text_scale_chosen) as chosen:
        qtbot.mouseClick(controls.size_buttons[1.5], Qt.MouseButton.LeftButton)
    assert chosen.args == [1.5]
    assert controls.size_buttons[1.5].marked and not controls.size_buttons[1.0].marked
    assert controls.size_buttons[1.5].colors() == (NORMAL.selected, NORMAL.selected_text)
    with qtbot.waitSignal(controls.high_contrast_toggled) as toggled:
        qtbot.mouseClick(controls.contrast, Qt.MouseButton.LeftButton)
    assert toggled.args == [True]
    with qtbot.waitSignal(controls.high_contrast_toggled) as toggled:
        qtbot.mouseClick(controls.contrast, Qt.MouseButton.LeftButton)
    assert toggled.args == [False]
    with qtbot.waitSignal(controls.volume_up_clicked):
        qtbot.mouseClick(controls.louder, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(controls.volume_down_clicked):
        qtbot.mouseClick(controls.quieter, Qt.MouseButton.LeftButton)


def test_display_controls_show_the_state_they_are_given(qtbot: Any) -> None:
    controls = DisplayControls(labels("en"))
    qtbot.addWidget(controls)
    controls.show_state(1.25, True, can_quieter=True, can_louder=False)
    assert [s for s, b in controls.size_buttons.items() if b.marked] == [1.25]
    assert controls.contrast.marked
    assert controls.quieter.isEnabled() and not controls.louder.isEnabled()
    assert controls.louder.accessibleName() == "Louder"
    assert controls.size_buttons[1.5].accessibleName() == "Text size 150 percent"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_display_controls_fit_the_panel_and_keep_their_size_at_every_scale(qtbot: Any, lang: str) -> None:
    holder = QWidget()
    holder.setFixedWidth(1080)
    row = QVBoxLayout(holder)
    row.setContentsMargins(40, 0, 40, 0)
    controls = DisplayControls(labels(lang))
    row.addWidget(controls)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitExposed(holder)
    geometry = {b.objectName(): b.geometry() for b in controls.buttons()}
    for scale in theme.TEXT_SCALES:
        theme.apply(scale=scale)
        qtbot.wait(1)
        assert {b.objectName(): b.geometry() for b in controls.buttons()} == geometry
        for button in controls.buttons():
            assert button.width() >= theme.min_target_px(DPI) and button.height() >= theme.min_target_px(DPI)
            assert button.text_fits(), (scale, button.text(), button.size())
            assert mm_for_px(button.text_px, DPI) >= 5.0


def test_big_buttons_follow_the_high_contrast_theme_and_the_text_scale(qtbot: Any) -> None:
    button = BigButton("Tiếp tục", "next", role="primary")
    qtbot.addWidget(button)
    button.show()
    assert button.colors() == (NORMAL.primary, NORMAL.primary_text)
    assert button.text_px == sizes_for(DPI, 1.0).button_text_px
    height = button.minimumHeight()
    theme.apply(scale=1.5, high_contrast=True)
    assert button.colors() == (HIGH_CONTRAST.primary, HIGH_CONTRAST.primary_text)
    assert button.text_px == sizes_for(DPI, 1.5).button_text_px
    assert button.minimumHeight() == round(height * 1.5)


def test_a_small_text_size_asked_for_is_raised_to_the_minimum(qtbot: Any) -> None:
    button = BigButton("In lại", "printer", role="secondary", min_height=88, text_px=24)
    qtbot.addWidget(button)
    button.show()
    assert mm_for_px(button.text_px, DPI) >= 5.0
    assert button.height() >= theme.min_target_px(DPI)


def test_the_header_carries_the_display_controls_and_passes_their_signals_on(qtbot: Any) -> None:
    header = HeaderWidget()
    header.set_texts("UBND Phường Bến Thành", "Listen again", "Tiếng Việt", labels("en"))
    header.setFixedWidth(1080)
    qtbot.addWidget(header)
    header.show()
    qtbot.waitExposed(header)
    assert header.display.contrast.text() == "High contrast"
    with qtbot.waitSignal(header.text_scale_chosen) as chosen:
        qtbot.mouseClick(header.display.size_buttons[1.25], Qt.MouseButton.LeftButton)
    assert chosen.args == [1.25]
    with qtbot.waitSignal(header.high_contrast_toggled):
        qtbot.mouseClick(header.display.contrast, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(header.volume_up_clicked):
        qtbot.mouseClick(header.display.louder, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(header.volume_down_clicked):
        qtbot.mouseClick(header.display.quieter, Qt.MouseButton.LeftButton)
    height = header.sizeHint().height()
    theme.apply(scale=1.5)
    assert header.sizeHint().height() == height  # the header never grows and pushes the screen down


def test_the_visits_display_prefs_drive_the_theme_and_the_header(qtbot: Any) -> None:
    from kiosk.journey.display import MAX_VOLUME, DisplayPrefs

    header = HeaderWidget()
    qtbot.addWidget(header)
    prefs = DisplayPrefs(text_scale=1.25, high_contrast=True, volume=MAX_VOLUME)
    state = theme.apply_prefs(prefs, dpi=DPI)
    header.show_display(prefs)
    assert state == theme.ThemeState(dpi=DPI, scale=1.25, high_contrast=True)
    assert theme.PALETTE == HIGH_CONTRAST
    assert [s for s, b in header.display.size_buttons.items() if b.marked] == [1.25]
    assert header.display.contrast.marked
    assert not header.display.louder.isEnabled() and header.display.quieter.isEnabled()


def sample_screen(lang: str) -> tuple[QWidget, TouchScrollArea]:
    t = labels(lang)
    window = QWidget()
    window.setFixedSize(1080, 1920)
    column = QVBoxLayout(window)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    header = HeaderWidget()
    header.set_texts("UBND Phường Bến Thành", t("repeat"), t("language_switch"), t)
    column.addWidget(header)
    area = TouchScrollArea(t("more_below"))
    inner = QWidget()
    body = QVBoxLayout(inner)
    body.setContentsMargins(40, 40, 40, 40)
    body.setSpacing(24)
    for role, text in (("title", "Kiểm tra lại thông tin"), ("hint", "Chạm vào một dòng để sửa."),
                       ("error", "Xin điền mục này."), ("ok", "Đã lưu hồ sơ."), ("huge", "HS-0042")):
        label = QLabel(text)
        label.setProperty("role", role)
        label.setWordWrap(True)
        body.addWidget(label)
    for i in range(10):
        label = QLabel(f"{i + 1}. Nơi sinh: Bệnh viện Từ Dũ, Quận 1, Thành phố Hồ Chí Minh")
        label.setWordWrap(True)
        body.addWidget(label)
    for role, text in (("primary", "Tiếp tục"), ("secondary", "Sửa thông tin"), ("success", "Gửi hồ sơ")):
        body.addWidget(BigButton(text, "next", role=role))
    area.setWidget(inner)
    column.addWidget(area, 1)
    footer = FooterWidget()
    footer.set_texts("Quay lại", "Làm lại", "Gọi cán bộ")
    column.addWidget(footer)
    return window, area


@pytest.mark.parametrize("high_contrast", [False, True])
def test_a_sample_screen_at_150_percent_renders_without_cut_text(qtbot: Any, tmp_path: Path,
                                                                 high_contrast: bool) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window, area = sample_screen("vi")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    theme.apply(app, scale=1.5, high_contrast=high_contrast)  # switched while on screen, as a header tap does
    qtbot.wait(10)
    image = window.grab().toImage()
    path = tmp_path / f"sample_150_{'hc' if high_contrast else 'normal'}.png"
    assert image.save(str(path))
    assert image.width() == 1080 and path.stat().st_size > 0
    cut = [b.text() for b in window.findChildren(BigButton) if b.isVisible() and not b.text_fits()]
    assert cut == []
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.text() and label.wordWrap():
            assert label.heightForWidth(label.width()) <= label.height(), label.text()
    assert area.cue.isVisible()
    expected_bg = (HIGH_CONTRAST if high_contrast else NORMAL).background
    assert image.pixelColor(area.viewport().mapTo(window, QPoint(4, 4))).name().upper() == expected_bg.upper()


@pytest.mark.parametrize("mode", ["simple", "telex", "numeric"])
def test_keyboard_keys_fit_the_panel_and_their_labels_at_150_percent(qtbot: Any, mode: str) -> None:
    from PySide6.QtGui import QFontMetrics

    from ui.widgets.keyboard import OnScreenKeyboardWidget

    theme.apply(scale=1.5)
    holder = QWidget()
    holder.setFixedWidth(1080)
    column = QVBoxLayout(holder)
    column.setContentsMargins(40, 0, 40, 0)
    keyboard = OnScreenKeyboardWidget(mode=mode, labels=labels())
    column.addWidget(keyboard)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitExposed(holder)
    for key in keyboard.keys.values():
        inside = key.mapTo(holder, key.rect().bottomRight())
        assert inside.x() <= 1080 - 40, key.text()  # the whole key is on the panel
        assert key.width() >= theme.min_target_px(DPI) and key.height() >= theme.min_target_px(DPI)
        icon = 70 if key.icon_name else 0
        assert QFontMetrics(key.font()).horizontalAdvance(key.text()) + icon <= key.width(), key.text()
        assert mm_for_px(key.text_px, DPI) >= 5.0 * 1.5

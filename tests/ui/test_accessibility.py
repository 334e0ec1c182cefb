"""Every screen a journey passes through meets the kiosk's numbers: touch targets of at least 15 mm at the
configured DPI, text of at least 24 px, and a contrast of at least 4.5:1 — measured on what is actually drawn."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QLabel

from tests.ui.helpers import play
from ui.theme import MIN_CONTRAST, MIN_TEXT_PX, contrast_ratio, min_target_px


def as_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    bits = image.constBits()
    data = bits.tobytes()[: stride * height]  # a copy: the array must not outlive Qt's buffer
    bits.release()
    raw = np.frombuffer(data, dtype=np.uint8).reshape(height, stride)
    return raw[:, : width * 3].reshape(height, width, 3)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]


def drawn_contrast(pixels: np.ndarray, rect: QRect) -> float:
    """Contrast between the most common colour in `rect` (the background) and the pixel furthest from it."""
    area = pixels[rect.top():rect.bottom(), rect.left():rect.right()].reshape(-1, 3).astype(np.uint32)
    packed = (area[:, 0] << 16) | (area[:, 1] << 8) | area[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    colours = np.stack([(values >> 16) & 255, (values >> 8) & 255, values & 255], axis=1)
    lum = _luminance(colours)
    background = lum[counts.argmax()]
    hi = np.maximum(lum, background)
    lo = np.minimum(lum, background)
    return float(((hi + 0.05) / (lo + 0.05)).max())


class ScreenAudit:
    def __init__(self, window: Any) -> None:
        self.window = window
        self.dpi = window.ctx.kiosk.config.ui.screen_dpi
        self.problems: list[str] = []
        self.pages: set[str] = set()
        self.seen: set[tuple[str, ...]] = set()

    def check(self) -> None:
        page = self.window.current.name if self.window.current else "?"
        self.pages.add(page)
        # Check each distinct layout once: the same page with the same widgets (only a digit changed, as on the
        # date picker) was already measured.
        shown = tuple(sorted(f"{type(w).__name__}|{w.objectName()}|{len(w.text()) // 20}"
                             for w in self.window.findChildren(QLabel) + self.window.findChildren(QAbstractButton)
                             if w.isVisible()))
        if (page, *shown) in self.seen:
            return
        self.seen.add((page, *shown))
        pixels = as_array(self.window.grab().toImage())
        target = min_target_px(self.dpi)
        for button in self.window.findChildren(QAbstractButton):
            if not button.isVisible() or button.width() == 0:
                continue
            name = f"{page}/{button.objectName() or button.text()!r}"
            if button.width() < target or button.height() < target:
                self.problems.append(f"{name}: {button.width()}x{button.height()} px < {target} px")
            bg, fg = button.colors()
            if contrast_ratio(bg, fg) < MIN_CONTRAST:
                self.problems.append(f"{name}: contrast {contrast_ratio(bg, fg):.2f}")
            if getattr(button, "text_px", MIN_TEXT_PX) < MIN_TEXT_PX:
                self.problems.append(f"{name}: text {button.text_px} px")
        for label in self.window.findChildren(QLabel):
            if not label.isVisible() or not label.text().strip() or label.width() == 0:
                continue
            name = f"{page}/label {label.text()[:30]!r}"
            px = label.font().pixelSize()
            if 0 < px < MIN_TEXT_PX:
                self.problems.append(f"{name}: text {px} px")
            if label.visibleRegion().boundingRect() != label.rect():
                continue  # scrolled partly out of view: the same style is measured on labels fully in view
            top_left = label.mapTo(self.window, QPoint(0, 0))
            rect = QRect(top_left, label.size()).intersected(self.window.rect())
            if rect.width() > 4 and rect.height() > 4:
                ratio = drawn_contrast(pixels, rect)
                if ratio < MIN_CONTRAST:
                    self.problems.append(f"{name}: drawn contrast {ratio:.2f}")


def audited(driver: Any) -> ScreenAudit:
    audit = ScreenAudit(driver.window)
    settle = driver.settle

    def settle_and_check(timeout_s: float = 10.0) -> None:
        settle(timeout_s)
        audit.check()

    driver.settle = settle_and_check
    return audit


def test_every_screen_of_a_citizen_journey_meets_size_and_contrast(make_kiosk: Any) -> None:
    driver = make_kiosk()
    audit = audited(driver)
    play(driver, "birth_combined")
    assert {"welcome", "face", "services", "question", "review"} <= audit.pages
    assert audit.pages & {"done", "payment"}  # the end: goodbye, or the fee's QR code to pay
    assert audit.problems == []


def test_every_screen_of_hospital_check_in_the_look_up_and_staff_help_meets_size_and_contrast(
        make_kiosk: Any) -> None:
    driver = make_kiosk()
    audit = audited(driver)
    clinic = driver.kiosk.hospital.specialties.clinics[0]
    play(driver, "hospital_checkin", {"specialty": clinic.code})
    driver.choose("status")
    driver.tap(driver.window.footer.call_staff)
    driver.choose("volunteer_sign_in")
    assert {"status_find", "help", "volunteer_pin"} <= audit.pages
    assert audit.problems == []


def test_the_theme_colours_themselves_have_enough_contrast() -> None:
    from ui.theme import PALETTE
    from ui.widgets.buttons import ROLES

    for bg, fg, _border in ROLES.values():
        assert contrast_ratio(bg, fg) >= MIN_CONTRAST
    assert contrast_ratio(PALETTE.background, PALETTE.text) >= 7.0
    assert contrast_ratio(PALETTE.background, PALETTE.muted_text) >= MIN_CONTRAST
    assert contrast_ratio(PALETTE.warning, PALETTE.warning_text) >= MIN_CONTRAST
    assert contrast_ratio(PALETTE.assisted, PALETTE.assisted_text) >= MIN_CONTRAST
    assert contrast_ratio(PALETTE.disabled, PALETTE.disabled_text) >= MIN_CONTRAST
    assert contrast_ratio("#777777", "#FFFFFF") < MIN_CONTRAST  # the measure can fail

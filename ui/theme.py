"""Sizes, colours and fonts of the kiosk: calm, high contrast, big.

The numbers come from the accessibility anchors the kiosk is held to: text contrast of at least 4.5:1
(WCAG 2.2 §1.4.3), touch targets of at least 15 mm (beyond WCAG 2.2 §2.5.5's 44 px, as public-terminal guidance
asks), text no smaller than 24 px (about 6 mm on a kiosk panel, above ADA §707.7's 4.8 mm). The tests measure every
screen against `MIN_CONTRAST`, `MIN_TEXT_PX` and `min_target_px`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont

MIN_CONTRAST = 4.5
MIN_TEXT_PX = 24
MIN_TARGET_MM = 15.0
FONT_FAMILY = "DejaVu Sans"  # ships in fonts-dejavu-core and covers every Vietnamese letter with its tone marks


def min_target_px(dpi: float) -> int:
    """Pixels a touch target needs on a panel of `dpi` to be MIN_TARGET_MM wide."""
    return round(MIN_TARGET_MM / 25.4 * dpi)


@dataclass(frozen=True)
class Palette:
    background: str = "#F4F1EA"  # warm paper, easier on older eyes than pure white
    surface: str = "#FFFFFF"
    text: str = "#1C1C1C"
    muted_text: str = "#44474F"
    header: str = "#0A3A66"
    header_text: str = "#FFFFFF"
    primary: str = "#0B4F8A"
    primary_text: str = "#FFFFFF"
    secondary: str = "#FFFFFF"
    secondary_text: str = "#0A3A66"
    border: str = "#0A3A66"
    help: str = "#8C2A1C"
    help_text: str = "#FFFFFF"
    success: str = "#1D6B3A"
    success_text: str = "#FFFFFF"
    warning: str = "#FFE7A3"
    warning_text: str = "#1C1C1C"
    assisted: str = "#5A2D82"
    assisted_text: str = "#FFFFFF"
    focus: str = "#E08A00"
    disabled: str = "#D9D6CF"
    disabled_text: str = "#3D3D3D"


PALETTE = Palette()


@dataclass(frozen=True)
class Sizes:
    text_px: int = 30
    small_px: int = 24
    title_px: int = 44
    huge_px: int = 64
    button_text_px: int = 32
    button_height_px: int = 120
    footer_button_px: int = 110
    key_px: int = 96
    margin_px: int = 40
    spacing_px: int = 24
    radius_px: int = 18


SIZES = Sizes()


def font(px: int, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(px, MIN_TEXT_PX))
    f.setBold(bold)
    return f


def _channel(c: float) -> float:
    c = c / 255.0
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: QColor) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour."""
    return 0.2126 * _channel(color.red()) + 0.7152 * _channel(color.green()) + 0.0722 * _channel(color.blue())


def contrast_ratio(a: QColor | str, b: QColor | str) -> float:
    """WCAG 2.2 contrast ratio between two colours (1.0 … 21.0)."""
    la = relative_luminance(QColor(a))
    lb = relative_luminance(QColor(b))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def stylesheet(p: Palette = PALETTE, s: Sizes = SIZES) -> str:
    """The one style sheet of the app; widgets pick a look with the `role` property."""
    return f"""
QWidget {{ background: {p.background}; color: {p.text}; font-family: "{FONT_FAMILY}"; font-size: {s.text_px}px; }}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {s.title_px}px; font-weight: bold; color: {p.text}; }}
QLabel[role="huge"] {{ font-size: {s.huge_px}px; font-weight: bold; color: {p.header}; }}
QLabel[role="hint"] {{ font-size: {s.text_px}px; color: {p.muted_text}; }}
QLabel[role="error"] {{ font-size: {s.text_px}px; color: {p.help}; font-weight: bold; }}
QLabel[role="ok"] {{ font-size: {s.text_px}px; color: {p.success}; font-weight: bold; }}
QLabel[role="field"] {{ font-size: {s.text_px}px; background: {p.surface}; color: {p.text};
    border: 3px solid {p.border}; border-radius: {s.radius_px}px; padding: 16px; }}
QFrame[role="card"] {{ background: {p.surface}; border: 2px solid {p.border}; border-radius: {s.radius_px}px; }}
QFrame[role="card"] QLabel {{ background: {p.surface}; }}
QWidget#header, QWidget#header QLabel {{ background: {p.header}; color: {p.header_text}; }}
QWidget#banner, QWidget#banner QLabel {{ background: {p.assisted}; color: {p.assisted_text};
    font-size: {s.small_px}px; font-weight: bold; }}
QWidget#offline, QWidget#offline QLabel {{ background: {p.warning}; color: {p.warning_text};
    font-size: {s.small_px}px; font-weight: bold; }}
QWidget#footer {{ background: {p.surface}; border-top: 2px solid {p.border}; }}
QWidget#overlay {{ background: rgba(0, 0, 0, 150); }}
QFrame#overlayCard {{ background: {p.surface}; border: 4px solid {p.header}; border-radius: {s.radius_px}px; }}
QFrame#overlayCard QLabel {{ background: {p.surface}; }}
QScrollArea {{ border: none; }}
"""

"""Sizes, colours and fonts of the kiosk: calm, high contrast, big — and adjustable by the citizen.

The numbers come from the accessibility anchors the kiosk is held to:

* text contrast of at least 7:1 (WCAG 2.2 §1.4.6, Contrast (Enhanced), level AAA), in the normal and in the
  high-contrast theme;
* control borders, focus rings and scroll-bar handles at least 3:1 against what they touch (WCAG 2.2 §1.4.11);
  the focus ring has two tones at least 9:1 apart, so one of them stands out on any background (WCAG technique C40);
* text no smaller than 5 mm on the panel (above ADA 2010 §707.7's 4.8 mm minimum for kiosk characters), computed
  from the panel's configured dots per inch rather than assumed from pixels;
* touch targets and scroll bars at least 15 mm (beyond WCAG 2.2 §2.5.5's 44 px, as public-terminal guidance asks);
* text that the citizen can enlarge to 125 % or 150 % on any screen (WCAG 2.2 §1.4.4, Resize Text).

`apply(app, scale=…, high_contrast=…, dpi=…)` sets the whole look at once and can be called again at any time: the
module-level `SIZES` and `PALETTE` objects are updated in place, so every module that imported them sees the new
values, and the one application style sheet is replaced, which re-fonts every widget already on screen.
`text_pairs()` and `non_text_pairs()` list every colour pair the theme draws so the tests can check them all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget

MIN_CONTRAST = 7.0  # text against its background (WCAG 2.2 §1.4.6, AAA)
MIN_NON_TEXT_CONTRAST = 3.0  # borders, focus rings, scroll handles against what they touch (WCAG 2.2 §1.4.11)
MIN_FOCUS_TONES_CONTRAST = 9.0  # between the two tones of the focus ring (WCAG technique C40)
MIN_TEXT_MM = 5.0
MIN_TARGET_MM = 15.0
MIN_SCROLLBAR_MM = 15.0
REFERENCE_DPI = 157.0  # a 14" 1080x1920 panel, the kiosk's default (kiosk.config.UiConfig.screen_dpi)
TEXT_SCALES: tuple[float, ...] = (1.0, 1.25, 1.5)
FONT_FAMILY = "DejaVu Sans"  # ships in fonts-dejavu-core and covers every Vietnamese letter with its tone marks


def px_for_mm(mm: float, dpi: float | None = None) -> int:
    """Whole pixels covering at least `mm` millimetres on a panel of `dpi` (the applied dpi when omitted)."""
    dots = _APPLIED.state.dpi if dpi is None else dpi
    exact = mm / 25.4 * dots
    return int(exact) if exact == int(exact) else int(exact) + 1


def mm_for_px(px: float, dpi: float | None = None) -> float:
    """Millimetres that `px` pixels cover on a panel of `dpi` (the applied dpi when omitted)."""
    return px * 25.4 / (_APPLIED.state.dpi if dpi is None else dpi)


def min_target_px(dpi: float) -> int:
    """Pixels a touch target needs on a panel of `dpi` to be MIN_TARGET_MM wide."""
    return px_for_mm(MIN_TARGET_MM, dpi)


def min_text_px(dpi: float | None = None, scale: float | None = None) -> int:
    """The smallest text the kiosk draws: MIN_TEXT_MM at `dpi`, enlarged by the citizen's text `scale`."""
    return px_for_mm(MIN_TEXT_MM * (_APPLIED.state.scale if scale is None else scale), dpi)


MIN_TEXT_PX = px_for_mm(MIN_TEXT_MM, REFERENCE_DPI)  # at the default panel and 100 %; see min_text_px() otherwise


@dataclass
class Palette:
    """The colours of one theme. Mutable only so `apply()` can switch the shared instance in place."""

    background: str = "#F4F1EA"  # warm paper, easier on older eyes than pure white
    surface: str = "#FFFFFF"
    text: str = "#1C1C1C"
    muted_text: str = "#3A3D44"
    accent_text: str = "#0A3A66"  # the very large figures (queue number, file code)
    error_text: str = "#7A2417"
    ok_text: str = "#0F5229"
    header: str = "#0A3A66"
    header_text: str = "#FFFFFF"
    primary: str = "#0A4478"
    primary_text: str = "#FFFFFF"
    secondary: str = "#FFFFFF"
    secondary_text: str = "#0A3A66"
    pressed: str = "#DDE6F0"  # a secondary (light) button while the finger is on it
    border: str = "#0A3A66"
    help: str = "#7A2417"
    help_text: str = "#FFFFFF"
    success: str = "#0F5229"
    success_text: str = "#FFFFFF"
    warning: str = "#FFE7A3"
    warning_text: str = "#1C1C1C"
    assisted: str = "#5A2D82"
    assisted_text: str = "#FFFFFF"
    focus: str = "#0B0B0B"  # outer tone of the focus ring
    focus_inner: str = "#FFD200"  # inner tone: one of the two always stands out (WCAG technique C40)
    disabled: str = "#D9D6CF"
    disabled_text: str = "#3D3D3D"
    scroll_groove: str = "#E4E0D6"
    scroll_handle: str = "#0A3A66"
    cue: str = "#0A3A66"  # the "more below" band at the foot of a scrolled list
    cue_text: str = "#FFFFFF"
    selected: str = "#FFFFFF"  # the chosen option among header controls (text size), drawn on the header
    selected_text: str = "#0A3A66"


NORMAL = Palette()
HIGH_CONTRAST = Palette(
    # Light on black with bright, saturated fills: for low vision and for glare on a panel in a bright hall.
    background="#000000", surface="#141414", text="#FFFFFF", muted_text="#E8E8E8", accent_text="#FFE600",
    error_text="#FFC8C2", ok_text="#8CF5A8",
    header="#000000", header_text="#FFFFFF",
    primary="#FFE600", primary_text="#000000",
    secondary="#000000", secondary_text="#FFFFFF", pressed="#3A3A3A", border="#FFFFFF",
    help="#FFB0A8", help_text="#000000",
    success="#8CF5A8", success_text="#000000",
    warning="#FFE600", warning_text="#000000",
    assisted="#E3C4FF", assisted_text="#000000",
    focus="#00E5FF", focus_inner="#000000",
    disabled="#2B2B2B", disabled_text="#D0D0D0",
    scroll_groove="#2B2B2B", scroll_handle="#FFFFFF",
    cue="#FFE600", cue_text="#000000",
    selected="#FFE600", selected_text="#000000",
)

PALETTE = dataclasses.replace(NORMAL)  # the live palette; apply() switches its fields


@dataclass
class Sizes:
    """Pixel sizes for the applied dpi and text scale. Mutable only so `apply()` can update it in place."""

    text_px: int = 33
    small_px: int = 31
    title_px: int = 45
    huge_px: int = 65
    button_text_px: int = 34
    button_height_px: int = 120
    footer_button_px: int = 110
    key_px: int = 96
    margin_px: int = 40
    spacing_px: int = 24
    radius_px: int = 18
    scrollbar_px: int = 93
    border_px: int = 3
    focus_px: int = 4


# Millimetres at 100 %. Text and the controls that hold a line of text grow with the text scale; margins, keys
# (a full keyboard row must still fit the panel's width) and scroll bars keep their physical size.
_TEXT_MM = {"text_px": 5.2, "small_px": 5.0, "title_px": 7.2, "huge_px": 10.4, "button_text_px": 5.4}
_CONTROL_MM = {"button_height_px": 19.4, "footer_button_px": 17.8}
_FIXED_MM = {"key_px": MIN_TARGET_MM, "margin_px": 6.5, "spacing_px": 3.9, "radius_px": 2.9,
             "scrollbar_px": MIN_SCROLLBAR_MM, "border_px": 0.45, "focus_px": 0.6}


def sizes_for(dpi: float = REFERENCE_DPI, scale: float = 1.0) -> Sizes:
    """Every size of the theme for a panel of `dpi` with text enlarged to `scale` (1.0, 1.25 or 1.5)."""
    values: dict[str, int] = {}
    for name, mm in _TEXT_MM.items():
        values[name] = max(px_for_mm(mm * scale, dpi), px_for_mm(MIN_TEXT_MM * scale, dpi))
    for name, mm in _CONTROL_MM.items():
        values[name] = max(round(mm * scale / 25.4 * dpi), min_target_px(dpi))
    for name, mm in _FIXED_MM.items():
        values[name] = max(round(mm / 25.4 * dpi), 1)
    # Minimums are rounded up, never down: 14.9 mm is not 15 mm.
    values["scrollbar_px"] = px_for_mm(MIN_SCROLLBAR_MM, dpi)
    values["key_px"] = min_target_px(dpi)
    return Sizes(**values)


SIZES = sizes_for()  # the live sizes; apply() updates its fields


@dataclass(frozen=True)
class ThemeState:
    """What was last applied: the panel's dpi, the citizen's text scale and whether the high-contrast theme is on."""

    dpi: float = REFERENCE_DPI
    scale: float = 1.0
    high_contrast: bool = False


@dataclass
class _Applied:
    state: ThemeState = dataclasses.field(default_factory=ThemeState)


_APPLIED = _Applied()


def current() -> ThemeState:
    return _APPLIED.state


def configure(*, scale: float | None = None, high_contrast: bool | None = None, dpi: float | None = None) -> ThemeState:
    """Set the theme's numbers and colours (without touching any widget); omitted arguments keep their value."""
    was = _APPLIED.state
    state = ThemeState(dpi=was.dpi if dpi is None else float(dpi),
                       scale=was.scale if scale is None else float(scale),
                       high_contrast=was.high_contrast if high_contrast is None else bool(high_contrast))
    if state.scale not in TEXT_SCALES:
        raise ValueError(f"text scale must be one of {TEXT_SCALES}, not {state.scale}")
    if state.dpi <= 0:
        raise ValueError(f"dpi must be positive, not {state.dpi}")
    _APPLIED.state = state
    sizes = sizes_for(state.dpi, state.scale)
    for field in dataclasses.fields(Sizes):
        setattr(SIZES, field.name, getattr(sizes, field.name))
    source = HIGH_CONTRAST if state.high_contrast else NORMAL
    for field in dataclasses.fields(Palette):
        setattr(PALETTE, field.name, getattr(source, field.name))
    return state


def apply(app: QCoreApplication | None = None, *, scale: float | None = None, high_contrast: bool | None = None,
          dpi: float | None = None) -> ThemeState:
    """Switch the whole application to this text scale / theme / dpi now, on every screen already built.

    Safe to call from a header control's signal: widgets that paint themselves read `PALETTE`/`SIZES` when they
    paint, and the replaced style sheet re-fonts and re-colours all the others.
    """
    state = configure(scale=scale, high_contrast=high_contrast, dpi=dpi)
    qapp = app if app is not None else QApplication.instance()
    if isinstance(qapp, QApplication):
        qapp.setFont(font(SIZES.text_px))
        qapp.setStyleSheet(stylesheet())
        for widget in qapp.allWidgets():
            _refresh(widget)
    return state


class DisplayChoice(Protocol):
    """The citizen's choice as the journey core holds it (kiosk.journey.display.DisplayPrefs)."""

    @property
    def text_scale(self) -> float: ...

    @property
    def high_contrast(self) -> bool: ...


def apply_prefs(prefs: DisplayChoice, dpi: float | None = None, app: QCoreApplication | None = None) -> ThemeState:
    """`apply` with the visit's display preferences (and the panel's dpi, from `[ui] screen_dpi`)."""
    return apply(app, scale=prefs.text_scale, high_contrast=prefs.high_contrast, dpi=dpi)


def _refresh(widget: QWidget) -> None:
    restyle = getattr(widget, "restyle", None)
    if callable(restyle):
        restyle()
    widget.updateGeometry()
    widget.update()


def font(px: int, bold: bool = False) -> QFont:
    """The kiosk's font at `px` pixels, never below the smallest text allowed at the applied dpi and scale."""
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(px, min_text_px()))
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


def button_roles(p: Palette | None = None) -> dict[str, tuple[str, str, str]]:
    """role → (fill, text, border) of the kiosk's buttons in palette `p` (the live one when omitted)."""
    p = p or PALETTE
    return {
        "primary": (p.primary, p.primary_text, p.primary),
        "secondary": (p.secondary, p.secondary_text, p.border),
        "help": (p.help, p.help_text, p.help),
        # Start over wipes the visit: outlined in the error colour so it never looks like "Quay lại" beside it.
        "danger": (p.secondary, p.error_text, p.error_text),
        "success": (p.success, p.success_text, p.success),
        "header": (p.header, p.header_text, p.header_text),
        "selected": (p.selected, p.selected_text, p.selected),
    }


HEADER_ROLES = frozenset({"header", "selected"})  # roles drawn on the header band, not on the page


def text_pairs(p: Palette | None = None) -> list[tuple[str, str, str]]:
    """Every (what, text colour, background) the theme draws text with; each must reach MIN_CONTRAST."""
    p = p or PALETTE
    pairs: list[tuple[str, str, str]] = []
    # Label roles appear on the page and inside cards, fields, the footer and overlays (all `surface`).
    for ground_name, ground in (("background", p.background), ("surface", p.surface)):
        for role, colour in (("text", p.text), ("hint", p.muted_text), ("huge", p.accent_text),
                             ("error", p.error_text), ("ok", p.ok_text)):
            pairs.append((f"{role} on {ground_name}", colour, ground))
    pairs += [
        ("header", p.header_text, p.header),
        ("assisted banner", p.assisted_text, p.assisted),
        ("offline banner", p.warning_text, p.warning),
        ("disabled button", p.disabled_text, p.disabled),
        ("pressed light button", p.secondary_text, p.pressed),
        ("more-below cue", p.cue_text, p.cue),
        ("key", p.text, p.surface),
        ("key pressed", p.text, pressed_fill(p.surface, p).name()),
    ]
    for role, (fill, text, _border) in button_roles(p).items():
        pairs.append((f"{role} button", text, fill))
        # While pressed the fill changes shade (BigButton): check the pressed fill the button actually draws.
        pairs.append((f"{role} button pressed", text, pressed_fill(fill, p).name()))
    return pairs


def non_text_pairs(p: Palette | None = None) -> list[tuple[str, str, str]]:
    """Every (what, colour, neighbour) for borders, rings and handles; each must reach MIN_NON_TEXT_CONTRAST."""
    p = p or PALETTE
    pairs: list[tuple[str, str, str]] = [
        ("field/card border on surface", p.border, p.surface),
        ("field/card border on background", p.border, p.background),
        ("scroll handle on groove", p.scroll_handle, p.scroll_groove),
        ("scroll handle on background", p.scroll_handle, p.background),
        ("step dot on background", p.border, p.background),
        ("more-below cue on background", p.cue, p.background),
    ]
    for role, (fill, _text, border) in button_roles(p).items():
        outside = p.header if role in HEADER_ROLES else p.background
        pairs.append((f"{role} button edge on its surroundings", border, outside))
        if role not in HEADER_ROLES:
            pairs.append((f"{role} button edge on a card", border, p.surface))
        del fill
    # The two-tone focus ring: whatever it is drawn over, one tone stands out (checked with focus_ring_contrast).
    return pairs


def focus_ring_contrast(ground: str, p: Palette | None = None) -> float:
    """The better of the focus ring's two tones against `ground` (WCAG technique C40)."""
    p = p or PALETTE
    return max(contrast_ratio(p.focus, ground), contrast_ratio(p.focus_inner, ground))


def focus_grounds(p: Palette | None = None) -> list[str]:
    """Every colour a focus ring can be drawn over or next to: the page, cards, the header and every button fill."""
    p = p or PALETTE
    grounds = [p.background, p.surface, p.header, p.disabled, p.pressed]
    grounds += [fill for fill, _text, _border in button_roles(p).values()]
    return grounds


def pressed_fill(fill: str, p: Palette | None = None) -> QColor:
    """The fill of a button while pressed: a little darker on the light theme, a little lighter on the dark one."""
    p = p or PALETTE
    colour = QColor(fill)
    if fill == p.secondary:
        return QColor(p.pressed)
    dark_ground = relative_luminance(QColor(p.background)) < 0.2
    return colour.darker(125) if not dark_ground else colour.lighter(115)


def stylesheet(p: Palette | None = None, s: Sizes | None = None) -> str:
    """The one style sheet of the app; widgets pick a look with the `role` property."""
    p = p or PALETTE
    s = s or SIZES
    handle_min = max(s.scrollbar_px * 2, 120)
    # The header keeps its 100 % size at every text scale: it must not push the screen down or move its buttons.
    header_px = sizes_for(_APPLIED.state.dpi, 1.0).text_px
    cue_side = 32 + max(min_target_px(_APPLIED.state.dpi) * 6 // 10, 56)  # room for the arrows at both ends
    return f"""
QWidget {{ background: {p.background}; color: {p.text}; font-family: "{FONT_FAMILY}"; font-size: {s.text_px}px; }}
QLabel {{ background: transparent; }}
QPushButton {{ font-size: {s.button_text_px}px; font-weight: bold; }}
QPushButton[keyLabel="long"] {{ font-size: {s.small_px}px; }}
QLabel[role="title"] {{ font-size: {s.title_px}px; font-weight: bold; color: {p.text}; }}
QLabel[role="huge"] {{ font-size: {s.huge_px}px; font-weight: bold; color: {p.accent_text}; }}
QLabel[role="hint"] {{ font-size: {s.text_px}px; color: {p.muted_text}; }}
QLabel[role="error"] {{ font-size: {s.text_px}px; color: {p.error_text}; font-weight: bold; }}
QLabel[role="ok"] {{ font-size: {s.text_px}px; color: {p.ok_text}; font-weight: bold; }}
QLabel[role="field"] {{ font-size: {s.text_px}px; background: {p.surface}; color: {p.text};
    border: {s.border_px}px solid {p.border}; border-radius: {s.radius_px}px; padding: 16px; }}
QFrame[role="card"] {{ background: {p.surface}; border: 2px solid {p.border}; border-radius: {s.radius_px}px; }}
QFrame[role="card"] QLabel {{ background: {p.surface}; }}
QWidget#header, QWidget#header QLabel {{ background: {p.header}; color: {p.header_text}; }}
QWidget#header QLabel {{ font-size: {header_px}px; }}
QWidget#displayControls {{ background: {p.header}; }}
QWidget#header {{ border-bottom: 2px solid {p.header_text}; }}
QWidget#banner, QWidget#banner QLabel {{ background: {p.assisted}; color: {p.assisted_text};
    font-size: {s.small_px}px; font-weight: bold; }}
QWidget#offline, QWidget#offline QLabel {{ background: {p.warning}; color: {p.warning_text};
    font-size: {s.small_px}px; font-weight: bold; }}
QWidget#footer {{ background: {p.surface}; border-top: 2px solid {p.border}; }}
QWidget#overlay {{ background: rgba(0, 0, 0, 150); }}
QFrame#overlayCard {{ background: {p.surface}; border: 4px solid {p.border}; border-radius: {s.radius_px}px; }}
QFrame#overlayCard QLabel {{ background: {p.surface}; }}
QScrollArea {{ border: none; }}
QLabel#moreBelow {{ background: {p.cue}; color: {p.cue_text}; font-size: {s.small_px}px; font-weight: bold;
    border-radius: {s.radius_px}px; padding: 8px {cue_side}px; }}
QScrollBar:vertical {{ background: {p.scroll_groove}; width: {s.scrollbar_px}px; margin: 0; border: none; }}
QScrollBar::handle:vertical {{ background: {p.scroll_handle}; min-height: {handle_min}px;
    border-radius: {s.radius_px}px; margin: 8px; }}
QScrollBar:horizontal {{ background: {p.scroll_groove}; height: {s.scrollbar_px}px; margin: 0; border: none; }}
QScrollBar::handle:horizontal {{ background: {p.scroll_handle}; min-width: {handle_min}px;
    border-radius: {s.radius_px}px; margin: 8px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""

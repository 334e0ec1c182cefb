"""The theme's own numbers: AAA contrast for every colour pair it draws (normal and high contrast), 3:1 for borders,
rings and handles, text of at least 5 mm and scroll bars of at least 15 mm at the configured dpi, and a live switch
of text scale and theme that reaches widgets already on screen."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.config import load_config
from ui import theme
from ui.theme import (
    HIGH_CONTRAST,
    MIN_CONTRAST,
    MIN_FOCUS_TONES_CONTRAST,
    MIN_NON_TEXT_CONTRAST,
    NORMAL,
    PALETTE,
    SIZES,
    Palette,
    contrast_ratio,
    focus_grounds,
    focus_ring_contrast,
    mm_for_px,
    non_text_pairs,
    px_for_mm,
    sizes_for,
    text_pairs,
)

THEMES = {"normal": NORMAL, "high contrast": HIGH_CONTRAST}
CONFIGURED_DPI = load_config(None).ui.screen_dpi


@pytest.fixture(autouse=True)
def default_theme() -> Iterator[None]:
    yield
    theme.apply(scale=1.0, high_contrast=False, dpi=theme.REFERENCE_DPI)


@pytest.mark.parametrize("name", THEMES)
def test_every_text_colour_pair_meets_wcag_aaa(name: str) -> None:
    low = [(what, round(contrast_ratio(fg, bg), 2)) for what, fg, bg in text_pairs(THEMES[name])
           if contrast_ratio(fg, bg) < MIN_CONTRAST]
    assert MIN_CONTRAST == 7.0
    assert low == []


@pytest.mark.parametrize("name", THEMES)
def test_every_border_handle_and_cue_edge_reaches_3_to_1(name: str) -> None:
    low = [(what, round(contrast_ratio(a, b), 2)) for what, a, b in non_text_pairs(THEMES[name])
           if contrast_ratio(a, b) < MIN_NON_TEXT_CONTRAST]
    assert low == []


@pytest.mark.parametrize("name", THEMES)
def test_the_focus_ring_stands_out_on_every_colour_it_can_touch(name: str) -> None:
    p = THEMES[name]
    assert contrast_ratio(p.focus, p.focus_inner) >= MIN_FOCUS_TONES_CONTRAST
    weak = [g for g in focus_grounds(p) if focus_ring_contrast(g, p) < MIN_NON_TEXT_CONTRAST]
    assert weak == []


@pytest.mark.parametrize("name", THEMES)
def test_every_colour_of_the_palette_is_in_a_checked_pair(name: str) -> None:
    """A colour added to the palette without saying where it is drawn would escape the contrast checks."""
    p = THEMES[name]
    checked: set[str] = set()
    for _what, a, b in text_pairs(p) + non_text_pairs(p):
        checked |= {a, b}
    checked |= {p.focus, p.focus_inner} | set(focus_grounds(p))
    values = {f.name: getattr(p, f.name) for f in dataclasses.fields(Palette)}
    missing = [field for field, colour in values.items() if colour not in checked]
    assert missing == []


def test_the_measure_can_fail() -> None:
    assert contrast_ratio("#FFFFFF", "#1D6B3A") < MIN_CONTRAST  # the old success green under white text
    assert contrast_ratio("#E08A00", "#F4F1EA") < MIN_NON_TEXT_CONTRAST  # the old focus colour on the page
    assert round(contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0


def test_the_high_contrast_style_sheet_uses_only_its_own_colours() -> None:
    normal_only = {getattr(NORMAL, f.name).upper() for f in dataclasses.fields(Palette)} - {
        getattr(HIGH_CONTRAST, f.name).upper() for f in dataclasses.fields(Palette)}
    sheet = theme.stylesheet(HIGH_CONTRAST, SIZES).upper()
    assert [c for c in normal_only if c in sheet] == []
    assert HIGH_CONTRAST.background.upper() in sheet


def test_body_banner_and_button_text_are_at_least_5_mm_at_the_configured_dpi() -> None:
    sizes = sizes_for(CONFIGURED_DPI, 1.0)
    for name in ("text_px", "small_px", "button_text_px", "title_px", "huge_px"):
        assert mm_for_px(getattr(sizes, name), CONFIGURED_DPI) >= 5.0, name
    # The old fixed 24 px banners were 3.9 mm on this panel.
    assert mm_for_px(24, CONFIGURED_DPI) < 5.0


@pytest.mark.parametrize("dpi", [96.0, 157.0, 220.0])
@pytest.mark.parametrize("scale", theme.TEXT_SCALES)
def test_sizes_follow_the_dpi_and_the_text_scale(dpi: float, scale: float) -> None:
    sizes = sizes_for(dpi, scale)
    assert mm_for_px(sizes.text_px, dpi) >= 5.0 * scale
    assert mm_for_px(sizes.small_px, dpi) >= 5.0 * scale
    assert mm_for_px(sizes.scrollbar_px, dpi) >= 15.0
    assert mm_for_px(sizes.button_height_px, dpi) >= 15.0
    assert mm_for_px(sizes.key_px, dpi) >= 15.0
    assert sizes.title_px > sizes.text_px


def test_the_text_scales_are_the_journey_cores() -> None:
    from kiosk.journey.display import TEXT_SCALES as CORE_TEXT_SCALES

    assert theme.TEXT_SCALES == CORE_TEXT_SCALES


def test_px_for_mm_rounds_up() -> None:
    assert px_for_mm(5.0, 157.0) == 31  # 30.9 px
    assert px_for_mm(25.4, 100.0) == 100


def test_apply_updates_the_shared_sizes_and_palette_in_place(qapp: Any) -> None:
    sizes, palette = SIZES, PALETTE
    theme.apply(scale=1.5, high_contrast=True, dpi=CONFIGURED_DPI)
    assert theme.SIZES is sizes and theme.PALETTE is palette
    assert sizes_for(CONFIGURED_DPI, 1.5) == SIZES
    assert PALETTE == HIGH_CONTRAST
    assert theme.current() == theme.ThemeState(dpi=CONFIGURED_DPI, scale=1.5, high_contrast=True)
    theme.apply(scale=1.0, high_contrast=False)
    assert PALETTE == NORMAL and sizes_for(CONFIGURED_DPI, 1.0) == SIZES


def test_apply_rejects_a_text_scale_not_offered() -> None:
    with pytest.raises(ValueError, match="text scale"):
        theme.configure(scale=2.0)


def test_apply_re_fonts_and_recolours_a_label_already_on_screen(qtbot: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, scale=1.0, high_contrast=False, dpi=CONFIGURED_DPI)
    label = QLabel("Họ và tên")
    label.setProperty("role", "hint")
    qtbot.addWidget(label)
    label.show()
    before = label.font().pixelSize()
    theme.apply(app, scale=1.5, high_contrast=True)
    qtbot.wait(1)
    assert label.font().pixelSize() == sizes_for(CONFIGURED_DPI, 1.5).text_px > before
    assert label.palette().color(label.foregroundRole()).name().upper() == HIGH_CONTRAST.muted_text.upper()


def test_font_never_goes_below_the_smallest_text_at_the_applied_scale() -> None:
    theme.configure(scale=1.25, dpi=CONFIGURED_DPI)
    assert theme.font(20).pixelSize() == px_for_mm(5.0 * 1.25, CONFIGURED_DPI)

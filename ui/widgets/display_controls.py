"""The citizen's own reading and listening settings, on every screen: text size, high contrast, voice volume.

WCAG 2.2 §1.4.4 (Resize Text) and ADA 2010 §707.5 / Section 508 §402.4 (speech volume adjustable by the user) ask
that these be in reach without help, so the strip sits in the header of every screen. The widget only shows the
choices and emits what the citizen asked for; the window applies it (`ui.theme.apply` for the look, the journey
core's `kiosk.journey.display.DisplayPrefs` for the voice) and then calls `show_state` with the outcome.
The strip keeps one size whatever the text scale, so the buttons that change the size never move or overflow.
The chosen size is marked by shape as well as colour (a tick beside it, WCAG 2.2 §1.4.1).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from kiosk.journey.display import words
from ui import theme
from ui.theme import TEXT_SCALES
from ui.widgets.buttons import BigButton

STRIP_HEIGHT_MM = 17.0  # room for two lines of button text ("Tương phản / cao")


@cache
def _first_language() -> Callable[..., str]:
    """Words until the window hands over its translator: the kiosk's first language."""
    return words("vi")


def _vietnamese(key: str, /, **params: object) -> str:
    return _first_language()(key, **params)


def percent(scale: float) -> int:
    return round(scale * 100)


class DisplayControls(QWidget):
    """Text size 100/125/150 %, high contrast on/off and voice quieter/louder, as header buttons.

    `labels(key, **params)` translates the message keys `display_text_size`, `display_high_contrast`,
    `display_volume_down` and `display_volume_up` (the window passes its translator).
    """

    text_scale_chosen = Signal(float)  # 1.0, 1.25 or 1.5
    high_contrast_toggled = Signal(bool)  # the state the citizen asked for
    volume_down_clicked = Signal()
    volume_up_clicked = Signal()

    def __init__(self, labels: Callable[..., str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("displayControls")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._labels: Callable[..., str] = labels or _vietnamese
        self.scale = 1.0
        self.high_contrast = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(theme.px_for_mm(1.3))
        self.size_buttons: dict[float, BigButton] = {}
        for scale in TEXT_SCALES:
            button = BigButton(f"{percent(scale)}%", "", role="header", fixed_size=True)
            button.setObjectName(f"text_size_{percent(scale)}")
            button.clicked.connect(lambda _checked=False, s=scale: self._choose_scale(s))
            self.size_buttons[scale] = button
            row.addWidget(button)
        self.contrast = BigButton("", "", role="header", fixed_size=True)  # words only: they need the room
        self.contrast.setObjectName("high_contrast")
        self.contrast.clicked.connect(self._toggle_contrast)
        row.addWidget(self.contrast)
        self.quieter = BigButton("", "volume_down", role="header", fixed_size=True)
        self.quieter.setObjectName("volume_down")
        self.quieter.clicked.connect(self.volume_down_clicked)
        self.louder = BigButton("", "volume_up", role="header", fixed_size=True)
        self.louder.setObjectName("volume_up")
        self.louder.clicked.connect(self.volume_up_clicked)
        row.addWidget(self.quieter)
        row.addWidget(self.louder)
        for button in self.buttons():
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # The contrast switch takes what is left and may wrap its words onto two lines.
        self.contrast.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.restyle()
        self.set_texts(self._labels)
        self._show_choice()

    def buttons(self) -> list[BigButton]:
        return [*self.size_buttons.values(), self.contrast, self.quieter, self.louder]

    def set_texts(self, labels: Callable[..., str]) -> None:
        """Words in the citizen's language (call again after a language change)."""
        self._labels = labels
        for scale, button in self.size_buttons.items():
            button.setAccessibleName(labels("display_text_size", percent=percent(scale)))
        self.contrast.setText(labels("display_high_contrast"))
        self.contrast.setAccessibleName(labels("display_high_contrast"))
        self.quieter.setAccessibleName(labels("display_volume_down"))
        self.louder.setAccessibleName(labels("display_volume_up"))
        self.restyle()

    def show_state(self, scale: float, high_contrast: bool, *, can_quieter: bool = True,
                   can_louder: bool = True) -> None:
        """Show what is in effect now: the chosen size and contrast, and whether the voice can go lower/higher."""
        self.scale = scale
        self.high_contrast = high_contrast
        self.quieter.setEnabled(can_quieter)
        self.louder.setEnabled(can_louder)
        self._show_choice()

    def restyle(self) -> None:
        """Keep the strip's fixed size whatever text scale is applied (called by `theme.apply`)."""
        dpi = theme.current().dpi
        height = max(theme.min_target_px(dpi), theme.px_for_mm(STRIP_HEIGHT_MM, dpi))
        for button in self.buttons():
            button.restyle()
            button.setFixedHeight(height)
        # The three sizes are equally wide, so the tick on the chosen one never moves them; the text is measured
        # in the strip's own size, whatever the style sheet applied so far.
        strip_font = QFont(theme.FONT_FAMILY)
        strip_font.setPixelSize(theme.sizes_for(dpi, 1.0).button_text_px)
        strip_font.setBold(True)
        text = max(QFontMetrics(strip_font).horizontalAdvance(b.text()) for b in self.size_buttons.values())
        width = max(text + 2 * theme.px_for_mm(4.5, dpi), theme.min_target_px(dpi))  # room for the tick
        for button in self.size_buttons.values():
            button.setFixedWidth(width)
        for button in (self.quieter, self.louder):
            button.setFixedWidth(theme.min_target_px(dpi))
        self.setFixedHeight(height)

    def _choose_scale(self, scale: float) -> None:
        self.scale = scale
        self._show_choice()
        self.text_scale_chosen.emit(scale)

    def _toggle_contrast(self) -> None:
        self.high_contrast = not self.high_contrast
        self._show_choice()
        self.high_contrast_toggled.emit(self.high_contrast)

    def _show_choice(self) -> None:
        for scale, button in self.size_buttons.items():
            chosen = scale == self.scale
            button.role = "selected" if chosen else "header"
            button.marked = chosen
            button.update()
        self.contrast.role = "selected" if self.high_contrast else "header"
        self.contrast.marked = self.high_contrast
        self.contrast.update()

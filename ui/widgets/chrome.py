"""The frame around every screen: header, banners, step indicator and the fixed footer.

The footer's three buttons ("Quay lại", "Làm lại", "Gọi cán bộ") keep the same place on every screen, as the
elderly-user guidance asks (services.md §5.2): a hidden button keeps its space so the others never move.
The header carries the language switch and the "Nghe lại" (repeat) button on every screen (§5.4), and under them
the citizen's text size, high-contrast and volume controls (ui.widgets.display_controls).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui import theme
from ui.theme import PALETTE, SIZES, DisplayChoice, font
from ui.widgets.buttons import BigButton
from ui.widgets.display_controls import DisplayControls


def _keep_space(widget: QWidget) -> None:
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


class DisplayState(DisplayChoice, Protocol):
    @property
    def can_quieter(self) -> bool: ...

    @property
    def can_louder(self) -> bool: ...


class HeaderWidget(QWidget):
    """The ward's name, "Nghe lại" and the language switch; under them the citizen's display controls
    (`self.display`: text size, high contrast, volume), whose signals the header passes on."""

    language_clicked = Signal()
    repeat_clicked = Signal()
    secret_tapped = Signal()  # the technician's hidden gesture counts taps on the ward name
    text_scale_chosen = Signal(float)
    high_contrast_toggled = Signal(bool)
    volume_down_clicked = Signal()
    volume_up_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(SIZES.margin_px, 16, SIZES.margin_px, 16)
        rows.setSpacing(12)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(SIZES.spacing_px)
        rows.addLayout(row)
        self.display = DisplayControls()
        rows.addWidget(self.display)
        self.display.text_scale_chosen.connect(self.text_scale_chosen)
        self.display.high_contrast_toggled.connect(self.high_contrast_toggled)
        self.display.volume_down_clicked.connect(self.volume_down_clicked)
        self.display.volume_up_clicked.connect(self.volume_up_clicked)
        self.place = QLabel()
        self.place.setFont(font(SIZES.text_px, bold=True))
        self.place.setWordWrap(True)
        self.place.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.place.mousePressEvent = lambda _e: self.secret_tapped.emit()  # type: ignore[method-assign]
        # The header keeps its size at every text scale, so its buttons never move under the citizen's finger.
        self.repeat = BigButton("", "speaker", role="header", min_height=96, text_px=26, fixed_size=True)
        self.language = BigButton("", "globe", role="header", min_height=96, text_px=26, fixed_size=True)
        for b in (self.repeat, self.language):
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            b.setFixedSize(290, max(96, theme.px_for_mm(17.0)))  # two lines of button text ("Listen again")
        row.addWidget(self.place, 1)
        row.addWidget(self.repeat)
        row.addWidget(self.language)
        self.repeat.clicked.connect(self.repeat_clicked)
        self.language.clicked.connect(self.language_clicked)

    def show_display(self, prefs: DisplayState) -> None:
        """Show the visit's display preferences (kiosk.journey.display.DisplayPrefs) on the controls."""
        self.display.show_state(prefs.text_scale, prefs.high_contrast, can_quieter=prefs.can_quieter,
                                can_louder=prefs.can_louder)

    def set_texts(self, place: str, repeat: str, language: str,
                  labels: Callable[..., str] | None = None) -> None:
        """The header's words; `labels` (the window's translator) also re-words the display controls."""
        if labels is not None:
            self.display.set_texts(labels)
        self.place.setText(place)
        self.repeat.setText(repeat)
        self.repeat.setAccessibleName(repeat)
        self.language.setText(language)
        self.language.setAccessibleName(language)


class BannerWidget(QWidget):
    """A one-line band under the header: assisted mode (who helps) or offline notice."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(SIZES.margin_px, 10, SIZES.margin_px, 10)
        self.label = QLabel()
        self.label.setWordWrap(True)
        row.addWidget(self.label)
        self.hide()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class StepIndicatorWidget(QWidget):
    """"Bước 2/5" with a row of dots, filled up to the current step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(SIZES.margin_px, 12, SIZES.margin_px, 0)
        self.label = QLabel()
        self.label.setFont(font(SIZES.text_px, bold=True))
        self.dots = _Dots()
        row.addWidget(self.label)
        row.addWidget(self.dots, 1)
        _keep_space(self)

    def set_step(self, text: str, index: int, count: int) -> None:
        self.label.setText(text)
        self.dots.index, self.dots.count = index, count
        self.dots.update()
        self.show()


class _Dots(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        self.count = 0
        self.setMinimumHeight(40)

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        if self.count <= 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        d = 26.0
        gap = 14.0
        x = float(self.width()) - self.count * (d + gap)
        for i in range(self.count):
            painter.setPen(QColor(PALETTE.border))
            painter.setBrush(QColor(PALETTE.border) if i < self.index else QColor(PALETTE.surface))
            painter.drawEllipse(QRectF(x + i * (d + gap), (self.height() - d) / 2, d, d))
        painter.end()


class FooterWidget(QWidget):
    back_clicked = Signal()
    start_over_clicked = Signal()
    call_staff_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("footer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(SIZES.margin_px, 20, SIZES.margin_px, 20)
        row.setSpacing(SIZES.spacing_px)
        h = SIZES.footer_button_px
        self.back = BigButton("", "back", role="secondary", min_height=h)
        self.start_over = BigButton("", "restart", role="danger", min_height=h)
        self.call_staff = BigButton("", "help", role="help", min_height=h)
        # Start over sits at the far end, away from "Quay lại", so a hand reaching for back never wipes the visit.
        for b in (self.back, self.call_staff, self.start_over):
            _keep_space(b)
            row.addWidget(b, 1)
        self.back.clicked.connect(self.back_clicked)
        self.start_over.clicked.connect(self.start_over_clicked)
        self.call_staff.clicked.connect(self.call_staff_clicked)

    def set_texts(self, back: str, start_over: str, call_staff: str) -> None:
        for button, text in ((self.back, back), (self.start_over, start_over), (self.call_staff, call_staff)):
            button.setText(text)
            button.setAccessibleName(text)

    def configure(self, back: bool, start_over: bool) -> None:
        self.back.setVisible(back)
        self.start_over.setVisible(start_over)


def vbox(parent: QWidget, spacing: int = SIZES.spacing_px) -> QVBoxLayout:
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(SIZES.margin_px, SIZES.margin_px, SIZES.margin_px, SIZES.margin_px)
    layout.setSpacing(spacing)
    return layout

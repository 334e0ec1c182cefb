"""A scroll area made for a finger: kinetic touch scrolling, a wide scroll bar and a "more below" cue.

Long screens (the review of a combined procedure, a long list of answers) must be scrollable by someone who has
never used a phone: the content follows the finger and glides (QScroller), the scroll bar is at least 15 mm wide so
it can be dragged like any other control (MIN_SCROLLBAR_MM, as public-terminal guidance asks for touch targets),
and while anything is hidden below, a band at the foot of the area says so and scrolls on a tap (WCAG 2.2 §3.3.2:
the citizen must not miss questions or text that are out of view).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QScroller, QScrollerProperties, QWidget

from ui import theme
from ui.theme import PALETTE, SIZES
from ui.widgets.icons import paint_icon


class MoreBelowCue(QLabel):
    """The band saying there is more below; tapping it scrolls down by most of a screen."""

    tapped = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("moreBelow")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def colors(self) -> tuple[str, str]:
        return PALETTE.cue, PALETTE.cue_text

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.rect().contains(event.position().toPoint()):
            self.tapped.emit()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        # Arrows at both ends: the cue reads as "down" even to someone who does not read the words.
        painter = QPainter(self)
        side = min(self.height() * 0.6, 56.0)
        for x in (16.0, self.width() - 16.0 - side):
            paint_icon(painter, "more_below", QRectF(x, (self.height() - side) / 2, side, side),
                       QColor(PALETTE.cue_text))
        painter.end()


class TouchScrollArea(QScrollArea):
    """QScrollArea with kinetic touch scrolling, a ≥ 15 mm scroll bar and a "more below" cue.

    `gesture` chooses what drags the content: "touch" (the panel's touch events, the kiosk's case) or "mouse" (a
    pressed left button, for panels whose driver only sends mouse events). Use `set_cue_text` on a language change.
    """

    at_end_changed = Signal(bool)

    def __init__(self, cue_text: str = "", gesture: str = "touch", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        kind = (QScroller.ScrollerGestureType.LeftMouseButtonGesture if gesture == "mouse"
                else QScroller.ScrollerGestureType.TouchGesture)
        QScroller.grabGesture(self.viewport(), kind)
        scroller = QScroller.scroller(self.viewport())
        props = scroller.scrollerProperties()
        # No rubber-band overshoot: content that springs back looks like something went wrong.
        off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
        props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.DecelerationFactor, 0.3)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.DragStartDistance, 0.004)  # metres: a shaky tap is a tap
        scroller.setScrollerProperties(props)
        self.cue = MoreBelowCue(cue_text, self)
        self.cue.tapped.connect(self.page_down)
        self.cue.hide()
        self._at_end = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._update_cue)
        bar.rangeChanged.connect(self._update_cue)
        self.restyle()

    def scroller(self) -> QScroller:
        return QScroller.scroller(self.viewport())

    def set_cue_text(self, text: str) -> None:
        self.cue.setText(text)
        self.cue.setAccessibleName(text)
        self._place_cue()

    def restyle(self) -> None:
        """Take the scroll-bar width of the theme applied now (called by `theme.apply`)."""
        self.verticalScrollBar().setFixedWidth(SIZES.scrollbar_px)
        self._place_cue()

    def more_below(self) -> bool:
        """Whether some of the content is out of view below."""
        bar = self.verticalScrollBar()
        return bar.maximum() > bar.minimum() and bar.value() < bar.maximum()

    def page_down(self) -> None:
        """Scroll down by most of the visible height, keeping a line of the old view for orientation."""
        bar = self.verticalScrollBar()
        step = max(self.viewport().height() - theme.px_for_mm(20), bar.singleStep())
        target = min(bar.value() + step, bar.maximum())
        self.scroller().scrollTo(QPointF(self.horizontalScrollBar().value(), target), 350)

    def _update_cue(self) -> None:
        more = self.more_below()
        self.cue.setVisible(more)
        if more:
            self._place_cue()
        if self._at_end == more:
            self._at_end = not more
            self.at_end_changed.emit(self._at_end)

    def _place_cue(self) -> None:
        area = self.viewport().geometry()
        height = max(theme.min_target_px(theme.current().dpi),
                     self.cue.heightForWidth(area.width()) if self.cue.text() else 0)
        self.cue.setGeometry(area.left(), area.bottom() + 1 - height, area.width(), height)
        self.cue.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_cue()
        self._place_cue()

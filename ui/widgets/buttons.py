"""The kiosk's one kind of button: a big target with an icon and a word, in one of a few fixed looks.

Every tap is confirmed visually (the button changes shade while pressed and shows a two-tone ring, WCAG technique
C40) and by a short tone where the speech device offers one. The button exposes its colours and text size so the
accessibility tests can check contrast and size on every screen without guessing from pixels. Colours are read
from the live theme when painting, so switching to the high-contrast theme repaints every button already shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from ui import theme
from ui.theme import PALETTE, SIZES, button_roles, pressed_fill
from ui.widgets.icons import paint_icon

_PAD = 20


class _LiveRoles(Mapping[str, tuple[str, str, str]]):
    """role → (background, text, border) in the theme applied now (the high-contrast one included)."""

    def __getitem__(self, role: str) -> tuple[str, str, str]:
        return button_roles()[role]

    def __iter__(self) -> Iterator[str]:
        return iter(button_roles())

    def __len__(self) -> int:
        return len(button_roles())


ROLES: Mapping[str, tuple[str, str, str]] = _LiveRoles()


class BigButton(QPushButton):
    """A push button drawn large: `icon` beside (or above, for tiles) a short word or phrase.

    `min_height` and `text_px` are the sizes wanted at 100 % text on the reference panel; they grow with the
    citizen's text scale, and text is never drawn below the theme's button text size. A `fixed_size` button keeps
    its 100 % size at every text scale (the header's own controls, which must never move or overflow).
    """

    def __init__(self, text: str, icon: str, role: str = "primary", *, tile: bool = False,
                 min_height: int | None = None, text_px: int | None = None, fixed_size: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.icon_name = icon
        self.role = role
        self.tile = tile
        self.fixed_size = fixed_size
        self.marked = False  # a chosen option: a tick in the corner, so the choice is not shown by colour alone
        self._wanted_height = min_height
        self._wanted_text_px = text_px
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(text)
        self.restyle()

    def restyle(self) -> None:
        """Take the sizes of the theme applied now (called by `theme.apply` on every widget)."""
        state = theme.current()
        scale = 1.0 if self.fixed_size else state.scale
        sizes = theme.sizes_for(state.dpi, scale)
        grow = scale * state.dpi / theme.REFERENCE_DPI
        height = round(self._wanted_height * grow) if self._wanted_height else sizes.button_height_px
        height = max(height, theme.min_target_px(state.dpi))
        # A height or width the owner fixed (setFixedHeight/-Size) stays as it is.
        if self.minimumHeight() != self.maximumHeight():
            self.setMinimumHeight(height)
        if self.minimumWidth() != self.maximumWidth():
            self.setMinimumWidth(theme.min_target_px(state.dpi))  # never narrower than a 15 mm target
        wanted = max(round(self._wanted_text_px * grow) if self._wanted_text_px else 0, sizes.button_text_px)
        # A size other than the style sheet's is this button's own; the rest comes from the application's sheet.
        self.setStyleSheet(f"font-size: {wanted}px;" if wanted != SIZES.button_text_px else "")
        self.updateGeometry()

    @property
    def text_px(self) -> int:
        """The pixel size the text is drawn at now."""
        self.ensurePolished()
        return self.font().pixelSize()

    def colors(self) -> tuple[str, str]:
        """(background, text) as drawn now; a disabled button keeps a readable pair too."""
        if not self.isEnabled():
            return PALETTE.disabled, PALETTE.disabled_text
        bg, fg, _ = ROLES[self.role]
        return bg, fg

    def _layout_rects(self, rect: QRectF) -> tuple[QRectF, QRectF, Qt.AlignmentFlag]:
        pad = float(_PAD)
        if not self.text():  # an icon-only button: the picture in the middle
            side = min(rect.height() * 0.6, rect.width() * 0.6, 72.0)
            icon_rect = QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side)
            return icon_rect, QRectF(), Qt.AlignmentFlag.AlignCenter
        if not self.icon_name:  # words only, centred
            text_rect = rect.adjusted(pad, 6, -pad, -6)
            return QRectF(), text_rect, Qt.AlignmentFlag.AlignCenter
        if self.tile:
            icon_size = min(rect.height() * 0.42, 110.0)
            icon_rect = QRectF(rect.center().x() - icon_size / 2, rect.top() + pad, icon_size, icon_size)
            text_rect = QRectF(rect.left() + pad, icon_rect.bottom() + 8, rect.width() - 2 * pad,
                               rect.bottom() - icon_rect.bottom() - pad)
            return icon_rect, text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        icon_size = min(rect.height() * 0.5, 64.0)
        icon_rect = QRectF(rect.left() + pad + 6, rect.center().y() - icon_size / 2, icon_size, icon_size)
        text_rect = QRectF(icon_rect.right() + pad, rect.top() + 6, rect.right() - icon_rect.right() - 2 * pad,
                           rect.height() - 12)
        return icon_rect, text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    def _text_height(self, width: int) -> int:
        """Height the wrapped text needs when the button is `width` pixels wide."""
        self.ensurePolished()
        probe = QRectF(0, 0, width, 10_000).adjusted(3, 3, -3, -3)
        _icon, text_rect, _align = self._layout_rects(probe)
        metrics = QFontMetrics(self.font())
        flags = int(Qt.TextFlag.TextWordWrap)
        used = metrics.boundingRect(0, 0, max(int(text_rect.width()), 1), 10_000, flags, self.text()).height()
        overhead = int(probe.height() - text_rect.height()) if self.tile else 12
        return used + overhead + 6

    def heightForWidth(self, width: int) -> int:
        return max(self.minimumHeight(), self._text_height(width))

    def sizeHint(self) -> QSize:
        """Wide enough for the icon and the text on one line (a layout may still make it narrower and wrap)."""
        self.ensurePolished()
        height = max(self.minimumHeight(), QFontMetrics(self.font()).height() + 12)
        if self.tile:
            return QSize(max(self.minimumWidth(), super().sizeHint().width()), height)
        probe = QRectF(0, 0, 10_000, height).adjusted(3, 3, -3, -3)
        icon_rect, _text, _align = self._layout_rects(probe)
        text_width = QFontMetrics(self.font()).horizontalAdvance(self.text()) if self.text() else 0
        if self.text() and not self.icon_name:
            width = 3 + _PAD + text_width + _PAD + 3
        elif self.text():
            width = int(icon_rect.right()) + _PAD + text_width + _PAD + 3
        else:
            width = int(icon_rect.width()) + 2 * _PAD + 6
        return QSize(max(width, self.minimumWidth()), height)

    def text_fits(self) -> bool:
        """Whether the whole text fits inside the button at its present size (no line cut off)."""
        if not self.text():
            return True
        return self._text_height(self.width()) <= self.height()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        bg, fg = self.colors()
        border = ROLES[self.role][2] if self.isEnabled() else PALETTE.disabled_text
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = pressed_fill(bg) if self.isDown() else QColor(bg)
        rect = QRectF(self.rect()).adjusted(3, 3, -3, -3)
        pen = QPen(QColor(border))
        pen.setWidth(4)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, SIZES.radius_px, SIZES.radius_px)
        if self.isDown():  # the tap is confirmed where the finger is
            draw_focus_ring(painter, rect)
        painter.setFont(self.font())
        icon_rect, text_rect, align = self._layout_rects(rect)
        if self.icon_name:
            paint_icon(painter, self.icon_name, icon_rect, fg)
        painter.setPen(QColor(fg))
        painter.drawText(text_rect, int(align | Qt.TextFlag.TextWordWrap), self.text())
        if self.marked:
            side = min(rect.height() * 0.28, 30.0)  # bottom right: clear of a centred first line
            paint_icon(painter, "check", QRectF(rect.right() - side - 6, rect.bottom() - side - 4, side, side), fg)
        painter.end()


def draw_focus_ring(painter: QPainter, rect: QRectF) -> None:
    """The two-tone ring: an outer and an inner tone at least 9:1 apart, so one stands out on any colour."""
    width = float(SIZES.focus_px)
    painter.save()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    outer = QPen(QColor(PALETTE.focus))
    outer.setWidthF(width)
    painter.setPen(outer)
    half = width / 2
    painter.drawRoundedRect(rect.adjusted(half - 3, half - 3, 3 - half, 3 - half), SIZES.radius_px, SIZES.radius_px)
    inner = QPen(QColor(PALETTE.focus_inner))
    inner.setWidthF(width)
    painter.setPen(inner)
    inset = half + width - 3
    painter.drawRoundedRect(rect.adjusted(inset, inset, -inset, -inset), SIZES.radius_px, SIZES.radius_px)
    painter.restore()

"""The kiosk's one kind of button: a big target with an icon and a word, in one of a few fixed looks.

Every tap is confirmed visually (the button darkens while pressed and shows a focus ring) and by a short tone where
the speech device offers one. The button exposes its colours and text size so the accessibility tests can check
contrast and size on every screen without guessing from pixels.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from ui.theme import PALETTE, SIZES, font
from ui.widgets.icons import paint_icon

ROLES: dict[str, tuple[str, str, str]] = {
    # role: (background, text, border)
    "primary": (PALETTE.primary, PALETTE.primary_text, PALETTE.primary),
    "secondary": (PALETTE.secondary, PALETTE.secondary_text, PALETTE.border),
    "help": (PALETTE.help, PALETTE.help_text, PALETTE.help),
    "success": (PALETTE.success, PALETTE.success_text, PALETTE.success),
    "header": (PALETTE.header, PALETTE.header_text, PALETTE.header_text),
}


class BigButton(QPushButton):
    """A push button drawn large: `icon` beside (or above, for tiles) a short word or phrase."""

    def __init__(self, text: str, icon: str, role: str = "primary", *, tile: bool = False,
                 min_height: int | None = None, text_px: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.icon_name = icon
        self.role = role
        self.tile = tile
        self.text_px = text_px or SIZES.button_text_px
        self.setFont(font(self.text_px, bold=True))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        height = min_height or SIZES.button_height_px
        self.setMinimumHeight(height)
        self.setMinimumWidth(min(height, 150))  # never narrower than a 15 mm target, whatever the height
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(text)

    def colors(self) -> tuple[str, str]:
        """(background, text) as drawn now; a disabled button keeps a readable pair too."""
        if not self.isEnabled():
            return PALETTE.disabled, PALETTE.disabled_text
        bg, fg, _ = ROLES[self.role]
        return bg, fg

    def sizeHint(self) -> QSize:
        base = super().sizeHint()
        return QSize(max(base.width(), self.minimumWidth()), max(base.height(), self.minimumHeight()))

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        bg, fg = self.colors()
        border = ROLES[self.role][2] if self.isEnabled() else PALETTE.disabled_text
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(bg)
        if self.isDown():
            fill = fill.darker(130) if self.role != "secondary" else QColor("#DDE6F0")
        rect = QRectF(self.rect()).adjusted(3, 3, -3, -3)
        pen = QPen(QColor(PALETTE.focus if self.hasFocus() and self.isDown() else border))
        pen.setWidth(4)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, SIZES.radius_px, SIZES.radius_px)
        painter.setFont(self.font())
        pad = 20.0
        if self.tile:
            icon_size = min(rect.height() * 0.42, 110.0)
            icon_rect = QRectF(rect.center().x() - icon_size / 2, rect.top() + pad, icon_size, icon_size)
            text_rect = QRectF(rect.left() + pad, icon_rect.bottom() + 8, rect.width() - 2 * pad,
                               rect.bottom() - icon_rect.bottom() - pad)
            align = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        else:
            icon_size = min(rect.height() * 0.5, 64.0)
            icon_rect = QRectF(rect.left() + pad + 6, rect.center().y() - icon_size / 2, icon_size, icon_size)
            text_rect = QRectF(icon_rect.right() + pad, rect.top() + 6, rect.right() - icon_rect.right() - 2 * pad,
                               rect.height() - 12)
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        paint_icon(painter, self.icon_name, icon_rect, fg)
        painter.setPen(QColor(fg))
        painter.drawText(text_rect, int(align | Qt.TextFlag.TextWordWrap), self.text())
        painter.end()

"""The "place your card here" picture: a card gently moving down onto the lit reader pad, with a caption.

The orientation animation is the on-screen twin of the lit card slot the elderly-user guidance asks for
(services.md §5.2). The animation is slow and small so it never distracts; `progress` turns it into a reading bar.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import PALETTE, SIZES, font
from ui.widgets.icons import paint_icon


class CardSlotWidget(QWidget):
    def __init__(self, caption: str, animate: bool = True, taking_out: bool = False) -> None:
        super().__init__()
        self.caption = caption
        self.taking_out = taking_out  # chevrons point up: "take your card"
        self.phase = 0.35  # a still picture shows the card on its way down to the pad
        self.progress: float | None = None  # 0..1 while the chip is being read
        self.setMinimumHeight(420)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._timer = QTimer(self)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self._step)
        if animate:
            self._timer.start()

    def set_progress(self, value: float | None) -> None:
        self.progress = value
        self.update()

    def freeze(self, phase: float = 0.6) -> None:
        """Stop moving (screenshots and tests want a fixed picture)."""
        self._timer.stop()
        self.phase = phase
        self.update()

    def _step(self) -> None:
        self.phase = (self.phase + 0.02) % 1.0
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = float(self.width()), float(self.height())
        caption_h = 90.0
        pad_w, pad_h = min(w * 0.62, 560.0), 90.0
        pad = QRectF((w - pad_w) / 2, h - caption_h - pad_h - 20, pad_w, pad_h)
        glow = 0.5 + 0.5 * math.sin(self.phase * 2 * math.pi)
        light = QColor(PALETTE.success)
        light.setAlphaF(0.25 + 0.35 * glow)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(light)
        p.drawRoundedRect(pad.adjusted(-18, -18, 18, 18), 30, 30)
        p.setBrush(QColor(PALETTE.border))
        p.drawRoundedRect(pad, 24, 24)
        card_w, card_h = pad_w * 0.7, pad_w * 0.7 * 0.63
        travel = (pad.top() - card_h - 30) * (1 - min(1.0, self.phase * 1.4))
        card = QRectF((w - card_w) / 2, max(10.0, travel) + 10, card_w, card_h)
        if self.progress is not None:
            card.moveTop(pad.top() - card_h * 0.55)
        gap_top, gap_bottom = card.bottom() + 20, pad.top() - 30
        if self.progress is None and gap_bottom - gap_top > 90:
            # A column of chevrons between card and pad: "down onto here".
            arrow = QPen(QColor(PALETTE.success), 10)
            arrow.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(arrow)
            cx = w / 2
            span = min(90.0, (gap_bottom - gap_top) / 3)
            for i in range(3):
                y = gap_top + span * i + span * 0.3
                tip = y - 30 if self.taking_out else y + 30
                p.drawPolyline([QPointF(cx - 40, y), QPointF(cx, tip), QPointF(cx + 40, y)])
        p.setBrush(QColor(PALETTE.surface))
        pen = QPen(QColor(PALETTE.border))
        pen.setWidth(5)
        p.setPen(pen)
        p.drawRoundedRect(card, 22, 22)
        paint_icon(p, "card", card.adjusted(card_w * 0.15, card_h * 0.1, -card_w * 0.15, -card_h * 0.1),
                   PALETTE.border)
        if self.progress is not None:
            bar = QRectF(pad.left(), pad.bottom() + 20, pad_w, 24)
            p.setPen(QPen(QColor(PALETTE.border), 3))
            p.setBrush(QColor(PALETTE.surface))
            p.drawRoundedRect(bar, 12, 12)
            p.setBrush(QColor(PALETTE.success))
            p.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * max(0.04, self.progress), bar.height()),
                              12, 12)
        p.setPen(QColor(PALETTE.text))
        p.setFont(font(SIZES.title_px, bold=True))
        p.drawText(QRectF(0, h - caption_h + 10, w, caption_h - 10),
                   int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), self.caption)
        p.end()

"""Simple line icons drawn with QPainter, so every button carries a picture beside its word without shipping images.

Each icon is a function drawing into a square; shapes are bold and plain so they read at a distance.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap

Draw = Callable[[QPainter, QRectF], None]


def _arrow(p: QPainter, r: QRectF, direction: int) -> None:
    cy = r.center().y()
    left, right = r.left() + r.width() * 0.15, r.right() - r.width() * 0.15
    p.drawLine(QPointF(left, cy), QPointF(right, cy))
    tip, base = (left, left + r.width() * 0.3) if direction < 0 else (right, right - r.width() * 0.3)
    p.drawLine(QPointF(tip, cy), QPointF(base, cy - r.height() * 0.28))
    p.drawLine(QPointF(tip, cy), QPointF(base, cy + r.height() * 0.28))


def _back(p: QPainter, r: QRectF) -> None:
    _arrow(p, r, -1)


def _next(p: QPainter, r: QRectF) -> None:
    _arrow(p, r, 1)


def _restart(p: QPainter, r: QRectF) -> None:
    box = r.adjusted(r.width() * 0.15, r.height() * 0.15, -r.width() * 0.15, -r.height() * 0.15)
    p.drawArc(box, 60 * 16, 300 * 16)
    end = QPointF(box.center().x() + box.width() / 2 * math.cos(math.radians(60)),
                  box.center().y() - box.height() / 2 * math.sin(math.radians(60)))
    p.drawLine(end, end + QPointF(r.width() * 0.2, 0))
    p.drawLine(end, end + QPointF(0, -r.height() * 0.2))


def _person(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawEllipse(QRectF(r.left() + w * 0.35, r.top() + h * 0.1, w * 0.3, h * 0.3))
    path = QPainterPath()
    path.moveTo(r.left() + w * 0.15, r.bottom() - h * 0.08)
    path.cubicTo(r.left() + w * 0.15, r.top() + h * 0.45, r.right() - w * 0.15, r.top() + h * 0.45,
                 r.right() - w * 0.15, r.bottom() - h * 0.08)
    p.drawPath(path)


def _help(p: QPainter, r: QRectF) -> None:
    _person(p, r.adjusted(0, 0, -r.width() * 0.3, 0))
    w, h = r.width(), r.height()
    p.drawArc(QRectF(r.left() + w * 0.62, r.top() + h * 0.1, w * 0.3, h * 0.25), -30 * 16, 210 * 16)
    p.drawLine(QPointF(r.left() + w * 0.77, r.top() + h * 0.35), QPointF(r.left() + w * 0.77, r.top() + h * 0.5))
    p.drawPoint(QPointF(r.left() + w * 0.77, r.top() + h * 0.65))


def _card(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    body = QRectF(r.left() + w * 0.08, r.top() + h * 0.22, w * 0.84, h * 0.56)
    p.drawRoundedRect(body, w * 0.06, w * 0.06)
    p.drawRect(QRectF(body.left() + w * 0.1, body.top() + h * 0.14, w * 0.2, h * 0.16))
    for i in range(3):
        y = body.top() + h * (0.14 + 0.12 * i)
        p.drawLine(QPointF(body.left() + w * 0.42, y), QPointF(body.right() - w * 0.08, y))


def _face(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawEllipse(QRectF(r.left() + w * 0.18, r.top() + h * 0.08, w * 0.64, h * 0.84))
    p.drawPoint(QPointF(r.left() + w * 0.38, r.top() + h * 0.4))
    p.drawPoint(QPointF(r.left() + w * 0.62, r.top() + h * 0.4))
    p.drawArc(QRectF(r.left() + w * 0.36, r.top() + h * 0.5, w * 0.28, h * 0.2), 200 * 16, 140 * 16)


def _speaker(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    path = QPainterPath()
    path.moveTo(r.left() + w * 0.1, r.top() + h * 0.38)
    path.lineTo(r.left() + w * 0.28, r.top() + h * 0.38)
    path.lineTo(r.left() + w * 0.48, r.top() + h * 0.18)
    path.lineTo(r.left() + w * 0.48, r.top() + h * 0.82)
    path.lineTo(r.left() + w * 0.28, r.top() + h * 0.62)
    path.lineTo(r.left() + w * 0.1, r.top() + h * 0.62)
    path.closeSubpath()
    p.drawPath(path)
    for k in (0.2, 0.34):
        p.drawArc(QRectF(r.left() + w * (0.5 - k), r.top() + h * (0.5 - k * 1.3), w * k * 2, h * k * 2.6),
                  -45 * 16, 90 * 16)


def _globe(p: QPainter, r: QRectF) -> None:
    box = r.adjusted(r.width() * 0.1, r.height() * 0.1, -r.width() * 0.1, -r.height() * 0.1)
    p.drawEllipse(box)
    p.drawEllipse(box.adjusted(box.width() * 0.28, 0, -box.width() * 0.28, 0))
    p.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y()))


def _check(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawPolyline([QPointF(r.left() + w * 0.15, r.top() + h * 0.55), QPointF(r.left() + w * 0.4, r.top() + h * 0.8),
                    QPointF(r.left() + w * 0.85, r.top() + h * 0.22)])


def _cross(p: QPainter, r: QRectF) -> None:
    a = r.adjusted(r.width() * 0.2, r.height() * 0.2, -r.width() * 0.2, -r.height() * 0.2)
    p.drawLine(a.topLeft(), a.bottomRight())
    p.drawLine(a.topRight(), a.bottomLeft())


def _printer(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawRect(QRectF(r.left() + w * 0.28, r.top() + h * 0.1, w * 0.44, h * 0.25))
    p.drawRoundedRect(QRectF(r.left() + w * 0.1, r.top() + h * 0.35, w * 0.8, h * 0.35), 4, 4)
    p.drawRect(QRectF(r.left() + w * 0.28, r.top() + h * 0.6, w * 0.44, h * 0.3))


def _search(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawEllipse(QRectF(r.left() + w * 0.12, r.top() + h * 0.12, w * 0.5, h * 0.5))
    p.drawLine(QPointF(r.left() + w * 0.55, r.top() + h * 0.55), QPointF(r.right() - w * 0.12, r.bottom() - h * 0.12))


def _document(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawRect(QRectF(r.left() + w * 0.2, r.top() + h * 0.08, w * 0.6, h * 0.84))
    for i in range(4):
        y = r.top() + h * (0.28 + 0.15 * i)
        p.drawLine(QPointF(r.left() + w * 0.32, y), QPointF(r.right() - w * 0.32, y))


def _hospital(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawRect(QRectF(r.left() + w * 0.12, r.top() + h * 0.12, w * 0.76, h * 0.76))
    p.drawLine(QPointF(r.center().x(), r.top() + h * 0.28), QPointF(r.center().x(), r.bottom() - h * 0.28))
    p.drawLine(QPointF(r.left() + w * 0.28, r.center().y()), QPointF(r.right() - w * 0.28, r.center().y()))


def _baby(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawEllipse(QRectF(r.left() + w * 0.3, r.top() + h * 0.08, w * 0.4, h * 0.4))
    p.drawRoundedRect(QRectF(r.left() + w * 0.22, r.top() + h * 0.52, w * 0.56, h * 0.4), w * 0.2, w * 0.2)


def _home(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawPolyline([QPointF(r.left() + w * 0.1, r.top() + h * 0.5), QPointF(r.center().x(), r.top() + h * 0.12),
                    QPointF(r.right() - w * 0.1, r.top() + h * 0.5)])
    p.drawRect(QRectF(r.left() + w * 0.22, r.top() + h * 0.45, w * 0.56, h * 0.45))


def _clock(p: QPainter, r: QRectF) -> None:
    box = r.adjusted(r.width() * 0.1, r.height() * 0.1, -r.width() * 0.1, -r.height() * 0.1)
    p.drawEllipse(box)
    c = box.center()
    p.drawLine(c, c + QPointF(0, -box.height() * 0.32))
    p.drawLine(c, c + QPointF(box.width() * 0.25, 0))


def _gear(p: QPainter, r: QRectF) -> None:
    c = r.center()
    rad = r.width() * 0.26
    p.drawEllipse(c, rad, rad)
    p.drawEllipse(c, rad * 0.4, rad * 0.4)
    for i in range(8):
        a = math.radians(i * 45)
        p.drawLine(c + QPointF(math.cos(a) * rad, math.sin(a) * rad),
                   c + QPointF(math.cos(a) * rad * 1.5, math.sin(a) * rad * 1.5))


def _keyboard(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawRoundedRect(QRectF(r.left() + w * 0.06, r.top() + h * 0.25, w * 0.88, h * 0.5), 4, 4)
    for row in range(2):
        for col in range(4):
            p.drawPoint(QPointF(r.left() + w * (0.22 + 0.19 * col), r.top() + h * (0.4 + 0.15 * row)))


def _pencil(p: QPainter, r: QRectF) -> None:
    # "Change this answer" for any kind of answer: a keyboard would promise typing where the change is a choice.
    w, h = r.width(), r.height()
    tip = QPointF(r.left() + w * 0.18, r.top() + h * 0.82)
    corners = [(0.22, 0.62), (0.66, 0.18), (0.82, 0.34), (0.38, 0.78)]
    p.drawPolygon([tip, *(QPointF(r.left() + w * x, r.top() + h * y) for x, y in corners)])
    p.drawLine(QPointF(r.left() + w * 0.58, r.top() + h * 0.26), QPointF(r.left() + w * 0.74, r.top() + h * 0.42))


def _chart(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    for i, k in enumerate((0.4, 0.65, 0.3)):
        x = r.left() + w * (0.2 + 0.25 * i)
        p.drawLine(QPointF(x, r.bottom() - h * 0.12), QPointF(x, r.bottom() - h * (0.12 + k)))


def _qr(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    for dx, dy in ((0.1, 0.1), (0.6, 0.1), (0.1, 0.6)):
        p.drawRect(QRectF(r.left() + w * dx, r.top() + h * dy, w * 0.3, h * 0.3))
    p.drawRect(QRectF(r.left() + w * 0.65, r.top() + h * 0.65, w * 0.2, h * 0.2))


def _plus(p: QPainter, r: QRectF) -> None:
    w, h, c = r.width(), r.height(), r.center()
    p.drawLine(QPointF(c.x(), r.top() + h * 0.2), QPointF(c.x(), r.bottom() - h * 0.2))
    p.drawLine(QPointF(r.left() + w * 0.2, c.y()), QPointF(r.right() - w * 0.2, c.y()))


def _lock(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawRect(QRectF(r.left() + w * 0.2, r.top() + h * 0.45, w * 0.6, h * 0.45))
    p.drawArc(QRectF(r.left() + w * 0.3, r.top() + h * 0.12, w * 0.4, h * 0.6), 0, 180 * 16)


def _erase(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    top, bottom = r.top() + h * 0.25, r.bottom() - h * 0.25
    p.drawPolygon([QPointF(r.left() + w * 0.08, r.center().y()), QPointF(r.left() + w * 0.3, top),
                   QPointF(r.right() - w * 0.08, top), QPointF(r.right() - w * 0.08, bottom),
                   QPointF(r.left() + w * 0.3, bottom)])
    _cross(p, QRectF(r.left() + w * 0.35, r.top() + h * 0.25, w * 0.5, h * 0.5))


def _suitcase(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawRoundedRect(QRectF(r.left() + w * 0.1, r.top() + h * 0.3, w * 0.8, h * 0.55), 6, 6)
    p.drawRect(QRectF(r.left() + w * 0.36, r.top() + h * 0.15, w * 0.28, h * 0.15))


def _scales(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    cx = r.center().x()
    p.drawLine(QPointF(cx, r.top() + h * 0.12), QPointF(cx, r.bottom() - h * 0.12))
    p.drawLine(QPointF(r.left() + w * 0.15, r.top() + h * 0.25), QPointF(r.right() - w * 0.15, r.top() + h * 0.25))
    foot = r.bottom() - h * 0.12
    p.drawLine(QPointF(r.left() + w * 0.3, foot), QPointF(r.right() - w * 0.3, foot))
    for x in (r.left() + w * 0.22, r.right() - w * 0.22):
        p.drawArc(QRectF(x - w * 0.14, r.top() + h * 0.35, w * 0.28, h * 0.2), 180 * 16, 180 * 16)


def _car(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    p.drawRoundedRect(QRectF(r.left() + w * 0.08, r.top() + h * 0.42, w * 0.84, h * 0.28), 6, 6)
    low, high = r.top() + h * 0.42, r.top() + h * 0.22
    p.drawPolyline([QPointF(r.left() + w * 0.22, low), QPointF(r.left() + w * 0.32, high),
                    QPointF(r.right() - w * 0.32, high), QPointF(r.right() - w * 0.22, low)])
    for x in (r.left() + w * 0.28, r.right() - w * 0.28):
        p.drawEllipse(QPointF(x, r.top() + h * 0.74), w * 0.08, w * 0.08)


def _shield(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    path = QPainterPath()
    path.moveTo(r.center().x(), r.top() + h * 0.08)
    path.lineTo(r.right() - w * 0.18, r.top() + h * 0.22)
    path.cubicTo(r.right() - w * 0.18, r.top() + h * 0.6, r.center().x() + w * 0.1, r.bottom() - h * 0.15,
                 r.center().x(), r.bottom() - h * 0.08)
    path.cubicTo(r.center().x() - w * 0.1, r.bottom() - h * 0.15, r.left() + w * 0.18, r.top() + h * 0.6,
                 r.left() + w * 0.18, r.top() + h * 0.22)
    path.closeSubpath()
    p.drawPath(path)
    _plus(p, r.adjusted(w * 0.2, h * 0.15, -w * 0.2, -h * 0.2))



def _letter_a(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    top = QPointF(r.center().x(), r.top() + h * 0.12)
    p.drawLine(QPointF(r.left() + w * 0.15, r.bottom() - h * 0.12), top)
    p.drawLine(top, QPointF(r.right() - w * 0.15, r.bottom() - h * 0.12))
    p.drawLine(QPointF(r.left() + w * 0.32, r.top() + h * 0.62), QPointF(r.right() - w * 0.32, r.top() + h * 0.62))


def _contrast(p: QPainter, r: QRectF) -> None:
    box = r.adjusted(r.width() * 0.12, r.height() * 0.12, -r.width() * 0.12, -r.height() * 0.12)
    p.drawEllipse(box)
    half = QPainterPath()
    half.moveTo(box.center())
    half.arcTo(box, 90, 180)
    half.closeSubpath()
    p.save()
    p.setBrush(p.pen().color())
    p.drawPath(half)
    p.restore()


def _volume_down(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    _speaker(p, QRectF(r.left(), r.top(), w * 0.75, h))
    p.drawLine(QPointF(r.left() + w * 0.68, r.center().y()), QPointF(r.right() - w * 0.02, r.center().y()))


def _volume_up(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    _volume_down(p, r)
    cx = r.left() + w * 0.84
    p.drawLine(QPointF(cx, r.center().y() - h * 0.16), QPointF(cx, r.center().y() + h * 0.16))


def _more_below(p: QPainter, r: QRectF) -> None:
    w, h = r.width(), r.height()
    for dy in (0.22, 0.5):
        p.drawLine(QPointF(r.left() + w * 0.18, r.top() + h * dy), QPointF(r.center().x(), r.top() + h * (dy + 0.26)))
        p.drawLine(QPointF(r.center().x(), r.top() + h * (dy + 0.26)), QPointF(r.right() - w * 0.18, r.top() + h * dy))


ICONS: dict[str, Draw] = {
    "back": _back, "next": _next, "restart": _restart, "help": _help, "card": _card, "face": _face,
    "speaker": _speaker, "globe": _globe, "check": _check, "cross": _cross, "printer": _printer,
    "search": _search, "document": _document, "hospital": _hospital, "baby": _baby, "home": _home,
    "clock": _clock, "gear": _gear, "keyboard": _keyboard, "pencil": _pencil, "chart": _chart, "qr": _qr, "plus": _plus,
    "person": _person, "lock": _lock, "erase": _erase, "suitcase": _suitcase, "scales": _scales, "car": _car,
    "shield": _shield, "text_size": _letter_a, "contrast": _contrast, "volume_down": _volume_down,
    "volume_up": _volume_up, "more_below": _more_below,
}


def paint_icon(painter: QPainter, name: str, rect: QRectF, color: QColor | str) -> None:
    draw = ICONS.get(name, _document)
    pen = QPen(QColor(color))
    pen.setWidthF(max(3.0, rect.width() / 14))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    draw(painter, rect)
    painter.restore()


def icon_pixmap(name: str, size: int, color: QColor | str) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    paint_icon(painter, name, QRectF(0, 0, size, size), color)
    painter.end()
    return pix

"""Live camera preview with a guide shape (an oval for the face, a card outline for the card's QR code).

Frames are read and analysed (face check step, QR decode) on a worker thread; only the newest frame and its
analysis are handed to the GUI thread, so a slow analysis drops frames instead of freezing the screen. Frames are
shown and dropped; nothing is kept after `stop()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import PALETTE

log = logging.getLogger(__name__)


class CameraPreviewWidget(QWidget):
    analysed = Signal(object)

    def __init__(self, ctx: Any, guide: str = "face", analyse: Callable[[Any], Any] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.guide = guide
        self.analyse = analyse
        self.image: QImage | None = None
        self.box: tuple[float, float, float, float] | None = None  # face box, in frame fractions
        self.ok = False
        self.frames_shown = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._in_flight = threading.Event()
        self.setMinimumHeight(600)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        camera = self.ctx.kiosk.camera
        self._thread = threading.Thread(target=self._loop, args=(camera,), name="kiosk-preview", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=2.0)
        self.image = None

    def _loop(self, camera: Any) -> None:
        try:
            camera.start()
        except Exception as exc:
            self.ctx.tasks.on_main(lambda e=exc: self.analysed.emit(e))
            return
        try:
            while not self._stop.is_set():
                frame = camera.read()
                result = self.analyse(frame) if self.analyse is not None else None
                if self._in_flight.is_set():
                    continue  # the GUI has not drawn the last one yet: drop this frame
                self._in_flight.set()
                image = _to_qimage(frame)
                self.ctx.tasks.on_main(lambda i=image, r=result: self._deliver(i, r))
                time.sleep(0.001)
        except Exception as exc:
            log.warning("camera preview stopped: %s", type(exc).__name__)
            self.ctx.tasks.on_main(lambda e=exc: self.analysed.emit(e))
        finally:
            try:
                camera.stop()
            except Exception:
                log.warning("camera did not stop cleanly")

    def _deliver(self, image: QImage, result: Any) -> None:
        self._in_flight.clear()
        if self._stop.is_set():
            return
        self.image = image
        self.frames_shown += 1
        self.update()
        if result is not None:
            self.analysed.emit(result)

    def set_face_box(self, box: tuple[float, float, float, float] | None, ok: bool) -> None:
        self.box = box
        self.ok = ok
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = float(self.width()), float(self.height())
        p.fillRect(self.rect(), QColor("#20252B"))
        target = QRectF(0, 0, w, h)
        if self.image is not None:
            img = self.image
            scale = max(w / img.width(), h / img.height())
            dw, dh = img.width() * scale, img.height() * scale
            target = QRectF((w - dw) / 2, (h - dh) / 2, dw, dh)
            p.drawImage(target, img)
        if self.guide == "face":
            gw, gh = min(w, h) * 0.52, min(w, h) * 0.7
            guide = QRectF((w - gw) / 2, (h - gh) / 2, gw, gh)
            shade = QPainterPath()
            shade.addRect(QRectF(0, 0, w, h))
            hole = QPainterPath()
            hole.addEllipse(guide)
            p.fillPath(shade.subtracted(hole), QColor(0, 0, 0, 110))
            p.setPen(QPen(QColor(PALETTE.success if self.ok else "#FFFFFF"), 8))
            p.drawEllipse(guide)
        else:
            gw = w * 0.8
            guide = QRectF((w - gw) / 2, (h - gw * 0.63) / 2, gw, gw * 0.63)
            p.setPen(QPen(QColor("#FFFFFF"), 6, Qt.PenStyle.DashLine))
            p.drawRoundedRect(guide, 24, 24)
        p.end()


def _to_qimage(frame: Any) -> QImage:
    """BGR numpy frame → QImage (copied, so the frame buffer can be reused or dropped)."""
    h, w = frame.shape[:2]
    rgb = frame[:, :, ::-1].copy()
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()

"""A real camera through OpenCV's `VideoCapture`: a USB/UVC device by index, or a stream URL (RTSP/HTTP)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.camera.camera import (
    CameraError,
    CameraHealth,
    CameraNotFoundError,
    CameraState,
    CameraStoppedError,
    Frame,
    fit_frame,
    measured_health,
    to_bgr,
    write_snapshot,
)

log = logging.getLogger(__name__)


class OpenCvCamera:
    """Frames from `cv2.VideoCapture`, resized to the configured size when the device ignores the request."""

    def __init__(self, device: str = "0", width: int = 640, height: int = 480, fps: float = 15.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.device = device
        self.width = width
        self.height = height
        self.fps = fps
        self._clock = clock
        self._capture: Any = None
        self._state = CameraState.STOPPED
        self._delivered = 0
        self._started_at = 0.0
        self._last_frame_at: float | None = None
        self._detail = ""

    def start(self) -> None:
        import cv2

        if self._capture is not None:
            return
        source: int | str = int(self.device) if self.device.strip().isdigit() else self.device
        capture = cv2.VideoCapture(source)
        if not capture.isOpened():
            capture.release()
            self._state = CameraState.FAILED
            self._detail = f"cannot open camera {self.device!r}"
            raise CameraNotFoundError(self._detail)
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        # Frames queued in the driver are frames from the past: keep one, so a read gets what the lens sees now.
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._capture = capture
        self._state = CameraState.RUNNING
        self._started_at = self._clock()
        self._delivered = 0
        log.info("camera %s opened", self.device)

    def stop(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
        if self._state is CameraState.RUNNING:
            self._state = CameraState.STOPPED

    def read(self) -> Frame:
        if self._capture is None:
            raise CameraStoppedError("camera is not started")
        ok, frame = self._capture.read()
        if not ok or frame is None:
            self._state = CameraState.FAILED
            self._detail = "the camera stopped delivering frames"
            raise CameraError(self._detail)
        self._delivered += 1
        self._last_frame_at = self._clock()
        return fit_frame(to_bgr(frame), self.width, self.height)

    def health(self) -> CameraHealth:
        return measured_health(self._state, self._detail, delivered=self._delivered, started_at=self._started_at,
                               last_frame_at=self._last_frame_at, now=self._clock())

    def snapshot(self, path: Path) -> Path:
        return write_snapshot(self.read(), path)

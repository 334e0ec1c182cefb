"""A camera for demos and tests: plays a video file or a folder of images in a loop at the configured rate.

Only the composition root chooses it (config `camera.backend = "simulated"`). Nothing is read until `start()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".jp2", ".webp")


class SimulatedCamera:
    """Loops over a video file, an image folder, or frames handed in directly (`frames=`).

    With `realtime=True` `read()` sleeps so frames come at `fps`; tests pass `realtime=False` to go as fast as the
    consumer reads. `use_source_fps=True` takes the rate recorded in a video file instead of `fps`.
    """

    def __init__(self, source: Path | None = None, width: int = 640, height: int = 480, fps: float = 15.0,
                 *, frames: Sequence[Frame] | None = None, loop: bool = True, realtime: bool = True,
                 use_source_fps: bool = False,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if source is None and frames is None:
            raise CameraNotFoundError("the simulated camera needs a video, an image folder or frames")
        self.source = source
        self.width = width
        self.height = height
        self.fps = fps
        self.loop = loop
        self.realtime = realtime
        self.use_source_fps = use_source_fps
        self._given = list(frames) if frames is not None else None
        self._clock = clock
        self._sleep = sleep
        self._images: list[Frame] | None = None
        self._video: Any = None
        self._index = 0
        self._state = CameraState.STOPPED
        self._delivered = 0
        self._started_at = 0.0
        self._next_due = 0.0
        self._last_frame_at: float | None = None
        self._detail = ""

    def start(self) -> None:
        import cv2

        if self._state is CameraState.RUNNING:
            return
        if self._given is not None:
            self._images = self._given
        elif self.source is not None and self.source.is_dir():
            paths = sorted(p for p in self.source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            images = [cv2.imread(str(p), cv2.IMREAD_UNCHANGED) for p in paths]
            self._images = [to_bgr(np.asarray(im, dtype=np.uint8)) for im in images if im is not None]
            if not self._images:
                self._fail(f"no readable images in {self.source}")
        elif self.source is not None and self.source.is_file():
            video = cv2.VideoCapture(str(self.source))
            if not video.isOpened():
                video.release()
                self._fail(f"cannot open video {self.source}")
            self._video = video
            recorded = float(video.get(cv2.CAP_PROP_FPS) or 0.0)
            if self.use_source_fps and 0 < recorded < 1000:
                self.fps = recorded
        else:
            self._fail(f"no video or image folder at {self.source}")
        self._index = 0
        self._delivered = 0
        self._state = CameraState.RUNNING
        self._started_at = self._next_due = self._clock()

    def _fail(self, detail: str) -> None:
        self._state = CameraState.FAILED
        self._detail = detail
        raise CameraNotFoundError(detail)

    def stop(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None
        self._images = None if self._given is None else self._given
        if self._state is CameraState.RUNNING:
            self._state = CameraState.STOPPED

    def read(self) -> Frame:
        if self._state is not CameraState.RUNNING:
            raise CameraStoppedError("camera is not started")
        if self.realtime:
            wait = self._next_due - self._clock()
            if wait > 0:
                self._sleep(wait)
            self._next_due = max(self._next_due + 1.0 / self.fps, self._clock())
        frame = self._next_frame()
        self._delivered += 1
        self._last_frame_at = self._clock()
        return fit_frame(frame, self.width, self.height)

    def _next_frame(self) -> Frame:
        if self._images is not None:
            if self._index >= len(self._images):
                if not self.loop:
                    raise CameraError("end of the simulated recording")
                self._index = 0
            frame = self._images[self._index]
            self._index += 1
            return frame
        ok, frame = self._video.read()
        if not ok:
            if not self.loop:
                raise CameraError("end of the simulated recording")
            import cv2

            self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._video.read()
            if not ok:
                self._state = CameraState.FAILED
                self._detail = "the video has no frames"
                raise CameraError(self._detail)
        return to_bgr(frame)

    def health(self) -> CameraHealth:
        return measured_health(self._state, self._detail, delivered=self._delivered, started_at=self._started_at,
                               last_frame_at=self._last_frame_at, now=self._clock())

    def snapshot(self, path: Path) -> Path:
        return write_snapshot(self.read(), path)

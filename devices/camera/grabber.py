"""A camera read on a thread of its own, so the newest frame is always at hand.

A camera delivers frames at its own pace whether anyone looks or not: OpenCV queues a few of them in the driver,
and a reader that comes by only now and then gets a frame that is already old. The kiosk has two readers with
different needs: the preview wants whatever the camera saw last, as often as the screen repaints, and must never
wait; the face check wants the next frame it has not judged yet, and drops the ones it was too slow for.
`GrabbingCamera` reads the camera continuously on its own thread (at most at the camera's frame rate) and keeps
only the newest frame: `newest()` for the preview, `read()` for the judge. Frames stay in memory and are dropped on
`stop()`.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from devices.camera.camera import (
    Camera,
    CameraError,
    CameraHealth,
    CameraState,
    CameraStoppedError,
    Frame,
    write_snapshot,
)

log = logging.getLogger(__name__)
STALL_S = 2.0   # no frame for this long: the camera is taken as failed (a USB camera needs ~1 s to deliver its first)


class GrabbingCamera:
    """Wraps any `Camera`; the wrapped camera is read only by this object's thread while it runs."""

    def __init__(self, camera: Camera, *, stall_s: float = STALL_S) -> None:
        self.camera = camera
        self.width = camera.width
        self.height = camera.height
        self.fps = camera.fps
        self.stall_s = stall_s
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._frame: Frame | None = None
        self._grabbed = 0    # frames grabbed since start()
        self._taken = 0      # the number of the frame read() handed out last
        self._error: CameraError | None = None

    # -- the Camera interface ------------------------------------------------------------------------------------
    def start(self) -> None:
        """Open the camera (its errors surface here, in the caller's thread) and start grabbing."""
        with self._cond:
            if self._thread is not None:
                return
        self.camera.start()
        with self._cond:
            self._frame = None
            self._grabbed = self._taken = 0
            self._error = None
            # Each run has its own stop flag: a reader that outlived an earlier stop() must not grab for this one.
            self._stopping = threading.Event()
            self._thread = threading.Thread(target=self._grab, args=(self._stopping,), name="camera-grab",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop grabbing, forget the frame and release the camera; safe to call twice."""
        with self._cond:
            thread = self._thread
            self._thread = None
            self._frame = None
            self._stopping.set()
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            # The camera is released only once its reader is out of `read()`: OpenCV does not like both at once.
            thread.join(timeout=self.stall_s)
            if thread.is_alive():
                log.warning("the camera did not return a frame in %.1f s; releasing it anyway", self.stall_s)
        self.camera.stop()

    def read(self) -> Frame:
        """The newest frame not handed out yet, waiting for the camera's next one when it was; frames that came
        while the caller was busy are skipped. Raises `CameraError` when the camera failed or stalls."""
        with self._cond:
            deadline: float | None = None
            while True:
                if self._thread is None:
                    raise CameraStoppedError("camera is not started")
                if self._grabbed > self._taken and self._frame is not None:
                    self._taken = self._grabbed
                    return self._frame
                if self._error is not None:
                    raise CameraError(str(self._error))
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self.stall_s
                elif now >= deadline:
                    raise CameraError(f"no frame from the camera for {self.stall_s:.1f} s")
                self._cond.wait(deadline - now)

    def health(self) -> CameraHealth:
        health = self.camera.health()
        with self._cond:
            error = self._error
        if error is not None and health.state is not CameraState.FAILED:
            return CameraHealth(CameraState.FAILED, health.frames_delivered, health.measured_fps,
                                health.last_frame_age_s, str(error))
        return health

    def snapshot(self, path: Path) -> Path:
        return write_snapshot(self.read(), path)

    # -- for the preview -----------------------------------------------------------------------------------------
    def newest(self) -> Frame | None:
        """What the camera saw last (None while stopped or before its first frame); never waits."""
        with self._cond:
            return self._frame

    @property
    def frames_grabbed(self) -> int:
        with self._cond:
            return self._grabbed

    # -- the grabbing thread -------------------------------------------------------------------------------------
    def _grab(self, stopping: threading.Event) -> None:
        interval = 1.0 / self.fps if self.fps > 0 else 0.0
        due = time.monotonic()
        while not stopping.is_set():
            try:
                frame = self.camera.read()
            except Exception as exc:  # whatever the back end raises, the readers hear a CameraError
                error = exc if isinstance(exc, CameraError) else CameraError(f"the camera failed: {type(exc).__name__}")
                with self._cond:
                    if not stopping.is_set():
                        self._error = error
                        self._frame = None  # the preview goes dark rather than freeze on a frame of the past
                        log.warning("camera stopped delivering frames: %s", error)
                    self._cond.notify_all()
                return
            with self._cond:
                if stopping.is_set():
                    return
                self._frame = frame
                self._grabbed += 1
                self._cond.notify_all()
            # A camera that waits for its frames paces this loop by itself; one that does not (a recording played
            # as fast as it is read) is held to its frame rate, so the thread never spins.
            due += interval
            now = time.monotonic()
            if due < now - interval:
                due = now  # a slow read put it behind: the rhythm starts again rather than bursting to catch up
            elif due > now:
                stopping.wait(due - now)


__all__ = ["GrabbingCamera"]

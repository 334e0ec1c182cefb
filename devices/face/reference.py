"""The reference face: the chip's DG2 portrait decoded, its face found and described once per session.

DG2 holds the image as stored by the issuer (ICAO 9303-10 §4.7.2, ISO/IEC 19794-5 / 39794-5): JPEG or JPEG 2000,
both decoded by OpenCV. The portrait is usually small (about 480×640 or less), so detection first runs on a
downscaled copy and, when that finds nothing, again at full size with upsampling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from devices.card.identity import FacePhoto
from devices.face.analysis import DlibFaceAnalyzer, Embedding, FaceBox, Image
from devices.face.errors import ReferencePhotoTooSmallError, ReferencePhotoUnreadableError
from devices.face.geometry import interocular
from devices.face.pad import aligned_face

# Outer eye-corner distance, in pixels, below which the chip photo loses detail the embedding needs. Measured with
# SFace in bench/face.py by shrinking portraits (5 people, 12 pairs with their other photos): the median distance is
# 0.261 at 105 px, 0.266 at 52 px and 0.272 at 35 px (no loss: the model's 112-px crop puts about 50 px between
# the eye corners), then grows to 0.312 at 26 px, 0.330 at 20 px, 0.377 at 17 px and 0.418 at 14 px, where the
# first genuine pair fails (1/12). 36 px keeps every size that lost nothing and refuses those that eat into the
# margin to the threshold. An ICAO portrait 480 px wide has about 110 px; a 60×80 thumbnail about 17 px.
MIN_REFERENCE_EYE_SPAN_PX = 36.0


@dataclass(frozen=True)
class ReferenceFace:
    """The chip photo's embedding; repr hides it (a face template is personal data)."""

    embedding: Embedding = field(repr=False)
    box: FaceBox
    width: int
    height: int
    eye_span_px: float = 0.0
    aligned: Image | None = field(default=None, repr=False)  # 64×64 aligned grey face, for the chip-replay cue

    def __repr__(self) -> str:
        return f"ReferenceFace({self.width}x{self.height}, box {self.box.width}px, <template hidden>)"


def decode_photo(data: bytes) -> Image:
    """JPEG / JPEG 2000 / PNG bytes to a BGR image; raises `ReferencePhotoUnreadableError` when undecodable."""
    import cv2

    if not data:
        raise ReferencePhotoUnreadableError("the photo is empty")
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ReferencePhotoUnreadableError("the photo could not be decoded")
    return np.asarray(image, dtype=np.uint8)


def reference_from_image(analyzer: DlibFaceAnalyzer, image: Image,
                         min_eye_span_px: float = MIN_REFERENCE_EYE_SPAN_PX) -> ReferenceFace:
    boxes = analyzer.detect(image)
    if not boxes:
        boxes = _detect_full_size(analyzer, image)
    if not boxes:
        raise ReferencePhotoUnreadableError("no face found in the photo")
    box = boxes[0]  # a portrait holds one face; a larger second one would be an issuing error, take the largest
    points = analyzer.landmarks(image, box)
    span = interocular(points)
    if span < min_eye_span_px:
        raise ReferencePhotoTooSmallError(
            f"the face in the photo is too small to compare ({span:.0f} px between the eyes, at least "
            f"{min_eye_span_px:.0f} needed)")
    return ReferenceFace(embedding=analyzer.embed(image, box, points), box=box,
                         width=int(image.shape[1]), height=int(image.shape[0]), eye_span_px=span,
                         aligned=aligned_face(image, points))


def reference_from_photo(analyzer: DlibFaceAnalyzer, photo: FacePhoto,
                         min_eye_span_px: float = MIN_REFERENCE_EYE_SPAN_PX) -> ReferenceFace:
    return reference_from_image(analyzer, decode_photo(photo.data), min_eye_span_px)


def _detect_full_size(analyzer: DlibFaceAnalyzer, image: Image) -> list[FaceBox]:
    saved = analyzer.detect_width
    try:
        analyzer.detect_width = max(saved, min(int(image.shape[1]), 800))
        return analyzer.detect(image, upsample=2 if image.shape[1] < 400 else 1)
    finally:
        analyzer.detect_width = saved

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
from devices.face.errors import ReferencePhotoUnreadableError


@dataclass(frozen=True)
class ReferenceFace:
    """The chip photo's embedding; repr hides it (a face template is personal data)."""

    embedding: Embedding = field(repr=False)
    box: FaceBox
    width: int
    height: int

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


def reference_from_image(analyzer: DlibFaceAnalyzer, image: Image) -> ReferenceFace:
    boxes = analyzer.detect(image)
    if not boxes:
        boxes = _detect_full_size(analyzer, image)
    if not boxes:
        raise ReferencePhotoUnreadableError("no face found in the photo")
    box = boxes[0]  # a portrait holds one face; a larger second one would be an issuing error, take the largest
    return ReferenceFace(embedding=analyzer.embed(image, box), box=box,
                         width=int(image.shape[1]), height=int(image.shape[0]))


def reference_from_photo(analyzer: DlibFaceAnalyzer, photo: FacePhoto) -> ReferenceFace:
    return reference_from_image(analyzer, decode_photo(photo.data))


def _detect_full_size(analyzer: DlibFaceAnalyzer, image: Image) -> list[FaceBox]:
    saved = analyzer.detect_width
    try:
        analyzer.detect_width = max(saved, min(int(image.shape[1]), 800))
        return analyzer.detect(image, upsample=2 if image.shape[1] < 400 else 1)
    finally:
        analyzer.detect_width = saved

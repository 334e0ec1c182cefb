from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.card.identity import FacePhoto
from devices.face.analysis import DlibFaceAnalyzer, distance
from devices.face.errors import ReferencePhotoUnreadableError
from devices.face.reference import reference_from_photo
from devices.face.settings import FaceSettings
from tests.devices.face.conftest import chip_photo, load


def photo(data: bytes, fmt: str = "jpeg") -> FacePhoto:
    return FacePhoto(format=fmt, width=0, height=0, data=data)  # type: ignore[arg-type]


def test_jpeg_and_jpeg2000_chip_photos_give_the_same_template(face_images: Path, analyzer: DlibFaceAnalyzer) -> None:
    image = load(face_images, "obama3.jpg")
    from_jpeg = reference_from_photo(analyzer, photo(chip_photo(analyzer, image)))
    from_j2k = reference_from_photo(analyzer, photo(chip_photo(analyzer, image, "jpeg2000"), "jpeg2000"))
    assert distance(from_jpeg.embedding, from_j2k.embedding) < 0.1


def test_same_person_is_closer_than_the_threshold_and_another_person_is_not(
        face_images: Path, analyzer: DlibFaceAnalyzer) -> None:
    obama = reference_from_photo(analyzer, photo(chip_photo(analyzer, load(face_images, "obama.jpg"))))
    obama3 = reference_from_photo(analyzer, photo(chip_photo(analyzer, load(face_images, "obama3.jpg"))))
    biden = reference_from_photo(analyzer, photo(chip_photo(analyzer, load(face_images, "biden.jpg"))))
    threshold = FaceSettings().match_threshold
    assert distance(obama.embedding, obama3.embedding) < threshold
    assert distance(obama.embedding, biden.embedding) > threshold


def test_photo_without_a_face_is_refused_with_a_message_key(analyzer: DlibFaceAnalyzer) -> None:
    gradient = np.tile(np.linspace(0, 255, 480, dtype=np.uint8), (600, 1))
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(gradient, cv2.COLOR_GRAY2BGR))
    assert ok
    with pytest.raises(ReferencePhotoUnreadableError) as caught:
        reference_from_photo(analyzer, photo(data.tobytes()))
    assert caught.value.message_key == "face.reference_unreadable"


@pytest.mark.parametrize("data", [b"", b"\xff\xd8\xff\xe0 truncated jpeg", b"\x00\x00\x00\x0cjP  \r\n\x87\n"])
def test_undecodable_chip_photo_is_refused(analyzer: DlibFaceAnalyzer, data: bytes) -> None:
    with pytest.raises(ReferencePhotoUnreadableError):
        reference_from_photo(analyzer, photo(data))


def test_reference_template_never_shows_in_repr(face_images: Path, analyzer: DlibFaceAnalyzer) -> None:
    reference = reference_from_photo(analyzer, photo(chip_photo(analyzer, load(face_images, "obama.jpg"))))
    text = repr(reference)
    assert "template hidden" in text
    assert f"{reference.embedding[0]:.4f}"[:6] not in text


def test_scikit_image_astronaut_is_another_person_to_everyone_packaged(
        face_images: Path, analyzer: DlibFaceAnalyzer) -> None:
    skimage_data = pytest.importorskip("skimage.data", reason="LOUD SKIP: scikit-image (dev dependency) missing")
    astronaut = cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)
    reference = reference_from_photo(analyzer, photo(chip_photo(analyzer, astronaut)))
    for name in ("obama.jpg", "obama3.jpg", "biden.jpg"):
        other = reference_from_photo(analyzer, photo(chip_photo(analyzer, load(face_images, name))))
        assert distance(reference.embedding, other.embedding) > FaceSettings().match_threshold, name


def test_a_missing_replacement_landmark_model_is_reported_not_crashed(tmp_path: Path) -> None:
    from devices.face.analysis import FaceModelFiles
    from devices.face.errors import FaceModelsMissingError

    analyzer = DlibFaceAnalyzer(FaceModelFiles(landmarks68=tmp_path / "licensed_68_points.dat"))
    with pytest.raises(FaceModelsMissingError) as caught:
        analyzer.detect(np.zeros((480, 640, 3), dtype=np.uint8))
    assert caught.value.message_key == "face.check_unavailable"
    assert "licensed_68_points.dat" in str(caught.value)

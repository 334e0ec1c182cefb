"""The quality gate's hints on real photos turned into camera frames."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.face.analysis import DlibFaceAnalyzer
from devices.face.quality import Hint, QualityThresholds, assess
from tests.devices.face.conftest import Poses


def hint_for(analyzer: DlibFaceAnalyzer, frame: np.ndarray) -> Hint | None:
    return assess(frame, analyzer.detect(frame), QualityThresholds()).hint


def test_a_good_frame_passes(analyzer: DlibFaceAnalyzer, obama_poses: Poses) -> None:
    assert hint_for(analyzer, obama_poses.neutral) is None


def test_empty_scene_asks_to_look_at_the_screen(analyzer: DlibFaceAnalyzer) -> None:
    wall = np.full((480, 640, 3), 180, dtype=np.uint8)
    cv2.rectangle(wall, (100, 100), (300, 400), (90, 120, 60), -1)
    assert hint_for(analyzer, wall) is Hint.NO_FACE


def test_two_people_are_asked_to_let_one_stand_in_front(analyzer: DlibFaceAnalyzer, obama_poses: Poses) -> None:
    half = cv2.resize(obama_poses.neutral, (320, 240))
    pair = np.full((480, 640, 3), 128, dtype=np.uint8)
    pair[120:360, 0:320] = half
    pair[120:360, 320:640] = cv2.flip(half, 1)
    assert hint_for(analyzer, pair) is Hint.MANY_FACES


def test_a_far_face_is_asked_to_come_closer(analyzer: DlibFaceAnalyzer, obama_poses: Poses) -> None:
    far = np.full((480, 640, 3), 128, dtype=np.uint8)
    far[160:320, 213:426] = cv2.resize(obama_poses.neutral, (213, 160), interpolation=cv2.INTER_AREA)
    assert hint_for(analyzer, far) is Hint.COME_CLOSER


def test_a_dark_frame_says_it_is_too_dark(analyzer: DlibFaceAnalyzer, obama_poses: Poses) -> None:
    dark = (obama_poses.neutral.astype(np.float32) * 0.3).astype(np.uint8)
    assert hint_for(analyzer, dark) is Hint.TOO_DARK


@pytest.mark.parametrize("kernel", [9, 15])
def test_a_blurred_frame_asks_to_hold_still(analyzer: DlibFaceAnalyzer, obama_poses: Poses, kernel: int) -> None:
    blurred = cv2.GaussianBlur(obama_poses.neutral, (0, 0), kernel / 3)
    boxes = analyzer.detect(blurred)
    if not boxes:
        pytest.fail("the blurred face should still be found, so that the hint can be specific")
    assert assess(blurred, boxes, QualityThresholds()).hint is Hint.HOLD_STILL

"""Pose and eye measurements on landmarks projected from known 3-D poses (no model, no photo)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from devices.face.geometry import (
    GENERIC_FACE_MM,
    MODEL_PITCH_BIAS_DEG,
    POSE_INDEXES,
    eye_aspect_ratio,
    head_pose,
    nose_offset,
)


def landmarks_for(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """68 points whose pose points are the generic face turned so its nose moves `yaw_deg` towards the image's
    right and `pitch_deg` downwards, seen 600 mm away by a 640×480 camera."""
    yaw, pitch = math.radians(yaw_deg), math.radians(pitch_deg)
    rotation = cv2.Rodrigues(np.array([pitch, 0.0, 0.0]))[0] @ cv2.Rodrigues(np.array([0.0, -yaw, 0.0]))[0]
    camera = np.array([[640.0, 0, 320], [0, 640.0, 240], [0, 0, 1]])
    inner_eye_corners = np.array([(-15.0, -33.0, 32.0), (15.0, -33.0, 32.0)])
    model = np.vstack([GENERIC_FACE_MM, inner_eye_corners])
    projected, _ = cv2.projectPoints(model, cv2.Rodrigues(rotation)[0], np.array([0.0, 0, 600]), camera, np.zeros(4))
    points = np.zeros((68, 2))
    points[[*POSE_INDEXES, 39, 42]] = projected.reshape(-1, 2)
    return points


@pytest.mark.parametrize(("yaw", "pitch"), [(0, 0), (20, 0), (-20, 0), (0, 15), (15, -10)])
def test_head_pose_recovers_the_turn_and_its_direction(yaw: float, pitch: float) -> None:
    pose = head_pose(landmarks_for(yaw, pitch), 640, 480)
    assert pose.yaw_deg == pytest.approx(yaw, abs=1.5)
    assert pose.pitch_deg == pytest.approx(pitch - MODEL_PITCH_BIAS_DEG, abs=1.5)


def test_nose_offset_follows_the_turn() -> None:
    assert nose_offset(landmarks_for(25, 0)) > 0.1 > abs(nose_offset(landmarks_for(0, 0)))
    assert nose_offset(landmarks_for(-25, 0)) < -0.1


def test_eye_aspect_ratio_drops_when_the_eyes_close() -> None:
    points = np.zeros((68, 2))
    for start, x0 in ((36, 100.0), (42, 200.0)):
        # corner, two upper-lid points, corner, two lower-lid points (iBUG order)
        points[start:start + 6] = [(x0, 0), (x0 + 10, -6), (x0 + 20, -6), (x0 + 30, 0), (x0 + 20, 6), (x0 + 10, 6)]
    open_ratio = eye_aspect_ratio(points)
    points[[37, 38, 43, 44], 1] = -1
    points[[40, 41, 46, 47], 1] = 1
    assert open_ratio == pytest.approx(0.4)
    assert eye_aspect_ratio(points) < 0.3 * open_ratio


def test_a_camera_tilted_down_sees_a_screen_facing_person_look_up_by_the_tilt() -> None:
    from devices.face.geometry import screen_facing_pitch

    assert screen_facing_pitch(0.0, 0.0) == 0.0
    assert screen_facing_pitch(15.0, 0.0) == pytest.approx(-15.0)
    # Camera 1750 mm up, screen centre 250 mm below it at eye height: the person looks straight ahead.
    assert screen_facing_pitch(10.0, 1750.0) == pytest.approx(-10.0)
    # Camera lower than the eyes: the person looks down at the screen.
    assert screen_facing_pitch(0.0, 1400.0) > 15.0


def test_a_person_facing_the_screen_is_frontal_whatever_the_camera_mounting() -> None:
    from devices.face.quality import is_frontal
    from devices.face.settings import FaceSettings

    mounted = FaceSettings(camera_tilt_deg=35.0, camera_height_mm=1750.0)
    # What the camera reports for someone facing the screen: looking 35° up relative to the tilted camera.
    pose = head_pose(landmarks_for(0.0, -35.0), 640, 480)
    seen_pitch = pose.pitch_deg + MODEL_PITCH_BIAS_DEG  # undo the model bias the estimate adds
    assert is_frontal(pose.yaw_deg, seen_pitch, mounted.quality())
    assert not is_frontal(pose.yaw_deg, seen_pitch, FaceSettings().quality())  # unset mounting: "look straight"
    # Someone looking far down at their papers is still not frontal to the screen.
    down = head_pose(landmarks_for(0.0, 15.0), 640, 480)
    assert not is_frontal(down.yaw_deg, down.pitch_deg + MODEL_PITCH_BIAS_DEG, mounted.quality())

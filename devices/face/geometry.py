"""Measurements on 68-point landmarks (iBUG 300-W numbering) that liveness and pose checks rely on.

- Eye aspect ratio: eye height over eye width from the six points around each eye; it drops towards 0 when the
  eye closes, and is independent of how far the face is.
- Head pose: `cv2.solvePnP` of seven landmarks against a generic 3-D face (millimetres, nose tip at the origin,
  x to the person's left as seen by the camera, y down, z away from the camera), camera focal length ≈ image width.
- Nose offset: the nose tip against the middle of the eyes. A turning head moves it sideways by about a fifth of
  the eye spacing at 30°; a flat picture tilted in front of the camera barely moves it (depth parallax).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from devices.face.analysis import Points

RIGHT_EYE = slice(36, 42)  # the person's right eye: left in an unmirrored image
LEFT_EYE = slice(42, 48)
POSE_INDEXES = (30, 8, 36, 45, 48, 54, 27)  # nose tip, chin, outer eye corners, mouth corners, nose bridge
GENERIC_FACE_MM = np.array([
    (0.0, 0.0, 0.0),        # nose tip
    (0.0, 68.0, 22.0),      # chin
    (-44.0, -33.0, 30.0),   # outer corner of the right eye (image left)
    (44.0, -33.0, 30.0),    # outer corner of the left eye
    (-25.0, 30.0, 22.0),    # right mouth corner
    (25.0, 30.0, 22.0),     # left mouth corner
    (0.0, -38.0, 18.0),     # nose bridge between the eyes
], dtype=np.float64)


# The generic face reads straight-ahead portraits as looking up by about this much: the median over the 40 photos of
# bench/face_eval judged frontal by eye (their spread around it is about ±10°: real people hold their heads
# differently, and the generic face fits each one differently). Subtracting it puts "looking at the camera" near 0.
MODEL_PITCH_BIAS_DEG = -3.0


# Kiosk geometry for the frontal gate: a standing adult's eyes (Vietnamese adults average about 1.60 m tall), how
# far from the screen people stand, and how far below the camera lens the screen's centre is (camera on top).
EYE_HEIGHT_MM = 1500.0
VIEWING_DISTANCE_MM = 550.0
SCREEN_BELOW_CAMERA_MM = 250.0


def screen_facing_pitch(camera_tilt_deg: float, camera_height_mm: float) -> float:
    """The pitch `head_pose` reports for a person looking at the screen's centre, given the camera's mounting.

    The person looks down at the screen by the angle of the screen's centre below their eyes; a camera tilted down
    by `camera_tilt_deg` sees that face turned up by as much. `camera_height_mm` ≤ 0 means unknown: the camera is
    taken to be at eye level, so only the tilt counts.
    """
    if camera_height_mm <= 0:
        gaze_down = 0.0
    else:
        screen_centre = camera_height_mm - SCREEN_BELOW_CAMERA_MM
        gaze_down = math.degrees(math.atan2(EYE_HEIGHT_MM - screen_centre, VIEWING_DISTANCE_MM))
    return gaze_down - camera_tilt_deg


@dataclass(frozen=True)
class HeadPose:
    yaw_deg: float    # positive: the face turned towards the image's right (the person's own left)
    pitch_deg: float  # positive: looking down
    roll_deg: float


def eye_aspect_ratio(points: Points) -> float:
    """Mean of both eyes' (|p2−p6| + |p3−p5|) / (2 |p1−p4|)."""
    return (_one_eye(points[RIGHT_EYE]) + _one_eye(points[LEFT_EYE])) / 2


def _one_eye(eye: Points) -> float:
    width = float(np.linalg.norm(eye[0] - eye[3]))
    if width == 0:
        return 0.0
    return float(np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])) / (2 * width)


def head_pose(points: Points, image_width: int, image_height: int) -> HeadPose:
    import cv2

    image_points = np.ascontiguousarray(points[list(POSE_INDEXES)], dtype=np.float64)
    focal = float(image_width)
    camera = np.array([[focal, 0, image_width / 2], [0, focal, image_height / 2], [0, 0, 1]], dtype=np.float64)
    # Start from "facing the camera at the distance the eye spacing implies" so the solver cannot settle on the
    # mirrored solution behind the camera.
    distance_mm = focal * 88.0 / max(interocular(points), 1.0)
    guess_r = np.zeros((3, 1), dtype=np.float64)
    guess_t = np.array([[0.0], [0.0], [distance_mm]], dtype=np.float64)
    ok, rvec, _tvec = cv2.solvePnP(GENERIC_FACE_MM, image_points, camera, np.zeros(4), guess_r, guess_t,
                                   useExtrinsicGuess=True, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return HeadPose(0.0, 0.0, 0.0)
    rotation = np.asarray(cv2.Rodrigues(rvec)[0], dtype=np.float64)
    # Euler angles of R = Ry(yaw)·Rx(pitch)·Rz(roll) would need care at ±90°; a kiosk user never gets near that.
    yaw = math.degrees(math.atan2(-float(rotation[2, 0]), math.hypot(float(rotation[0, 0]), float(rotation[1, 0]))))
    pitch = math.degrees(math.atan2(float(rotation[2, 1]), float(rotation[2, 2])))
    roll = math.degrees(math.atan2(float(rotation[1, 0]), float(rotation[0, 0])))
    return HeadPose(yaw_deg=-yaw, pitch_deg=_wrap(pitch) - MODEL_PITCH_BIAS_DEG, roll_deg=roll)


def _wrap(angle: float) -> float:
    """Fold a pitch near ±180° (solvePnP's flipped solution) back to near 0."""
    if angle > 90:
        return angle - 180
    if angle < -90:
        return angle + 180
    return angle


def interocular(points: Points) -> float:
    return float(np.linalg.norm(points[36] - points[45]))


def nose_offset(points: Points) -> float:
    """Nose tip's offset from the middle of the eyes along the eye line, in inter-ocular units (+: image right).

    The nose stands out of the face, so turning the head moves it sideways against the eyes; a flat picture
    tilted in front of the camera keeps it nearly where it was.
    """
    axis = points[45] - points[36]
    span = float(np.linalg.norm(axis))
    if span == 0:
        return 0.0
    middle = points[[36, 39, 42, 45]].mean(axis=0)
    return float(np.dot(points[30] - middle, axis)) / span**2

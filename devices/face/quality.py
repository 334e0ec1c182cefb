"""The quality gate: which live frames are good enough to act on, and what to tell the person when one is not.

Checks run cheapest first and stop at the first failure, so the hint is about the most basic problem (nobody
there before too dark before blurred). Each failure is a message key in the kiosk's `face` catalogue, spoken in
plain language. Thresholds follow the spirit of ISO/IEC 29794-5 (face image quality): size, illumination,
sharpness and pose; the values are set for a kiosk camera at arm's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from devices.face.analysis import FaceBox, Image


class Hint(StrEnum):
    """Message keys (kiosk/i18n/face.toml) for what the person should do."""

    NO_FACE = "face.no_face"                    # "Please look at the screen"
    MANY_FACES = "face.many_faces"              # "Only one person in front of the camera"
    COME_CLOSER = "face.come_closer"
    MOVE_TO_CENTRE = "face.move_to_centre"
    TOO_DARK = "face.too_dark"
    TOO_BRIGHT = "face.too_bright"
    HOLD_STILL = "face.hold_still"              # blurred: moving, or the lens is dirty
    LOOK_STRAIGHT = "face.look_straight"
    TRY_AGAIN = "face.try_again"
    GET_READY = "face.get_ready"                # "Look at the screen; the next instruction is coming"


@dataclass(frozen=True)
class QualityThresholds:
    min_face_fraction: float = 0.22   # face box width ÷ frame width (~ arm's length at 640 px)
    min_sharpness: float = 30.0       # variance of the Laplacian on the face scaled to 160 px wide
    min_brightness: float = 50.0      # mean grey level of the face, 0–255
    max_brightness: float = 235.0
    max_frontal_yaw_deg: float = 15.0
    # Photos judged frontal by eye read from −20° to +22° (bench/face.py FTA): ±25° keeps them all in the gate.
    max_frontal_pitch_deg: float = 25.0
    frontal_pitch_deg: float = 0.0     # the pitch the camera sees on a person facing the screen (camera mounting)
    second_face_fraction: float = 0.5  # another face at least this size relative to the main one counts


@dataclass(frozen=True)
class FaceQuality:
    hint: Hint | None          # None: good enough to act on
    brightness: float = 0.0
    sharpness: float = 0.0

    @property
    def ok(self) -> bool:
        return self.hint is None


def assess(frame: Image, boxes: list[FaceBox], limits: QualityThresholds) -> FaceQuality:
    """Presence, size, position, light and sharpness of the largest face (pose is checked after landmarks)."""
    if not boxes:
        return FaceQuality(Hint.NO_FACE)
    main = boxes[0]
    if any(b.width >= limits.second_face_fraction * main.width for b in boxes[1:]):
        return FaceQuality(Hint.MANY_FACES)
    h, w = frame.shape[:2]
    if main.width < limits.min_face_fraction * w:
        return FaceQuality(Hint.COME_CLOSER)
    margin = 0.1 * main.width
    if main.left < -margin or main.top < -margin or main.right > w + margin or main.bottom > h + margin:
        return FaceQuality(Hint.MOVE_TO_CENTRE)
    grey = face_grey(frame, main)
    if grey.size == 0:
        return FaceQuality(Hint.MOVE_TO_CENTRE)
    brightness = float(grey.mean())
    if brightness < limits.min_brightness:
        return FaceQuality(Hint.TOO_DARK, brightness)
    if brightness > limits.max_brightness:
        return FaceQuality(Hint.TOO_BRIGHT, brightness)
    sharpness = sharpness_of(grey)
    if sharpness < limits.min_sharpness:
        return FaceQuality(Hint.HOLD_STILL, brightness, sharpness)
    return FaceQuality(None, brightness, sharpness)


def is_frontal(yaw_deg: float, pitch_deg: float, limits: QualityThresholds) -> bool:
    """Facing the screen: pitch is judged against what this camera's mounting makes a screen-facing person show."""
    return (abs(yaw_deg) <= limits.max_frontal_yaw_deg
            and abs(pitch_deg - limits.frontal_pitch_deg) <= limits.max_frontal_pitch_deg)


def face_grey(frame: Image, box: FaceBox) -> Image:
    import cv2

    h, w = frame.shape[:2]
    crop = frame[max(0, box.top):min(h, box.bottom), max(0, box.left):min(w, box.right)]
    if crop.size == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    return np.asarray(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def sharpness_of(grey: Image) -> float:
    """Variance of the Laplacian, on the face scaled to a fixed width so near and far faces compare."""
    import cv2

    scale = 160 / grey.shape[1]
    resized = cv2.resize(grey, (160, max(1, round(grey.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(resized, cv2.CV_64F).var())

"""Tuning of the face check. Field names equal those of the kiosk's `[face]` settings, so the composition root
builds one with `FaceSettings.from_mapping(dataclasses.asdict(config.face))` (other keys, such as the back-end
choice, are ignored)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.face.geometry import screen_facing_pitch
from devices.face.liveness import LivenessSettings
from devices.face.pad import PadSettings
from devices.face.quality import QualityThresholds
from devices.face.reference import MIN_REFERENCE_EYE_SPAN_PX


@dataclass(frozen=True)
class FaceSettings:
    # SFace distance (1 − cosine similarity) at or below which two faces are taken as one person. From the sweep of
    # bench/face.py on bench/face_eval (74 photos, 62 people, 13 of them East-Asian): 0.575 is the largest step at
    # which no impostor pair matches (0/2675; the closest scores 0.579, the next 0.600; FMR ≤ 0.1 % would allow up
    # to 0.603) and it refuses no genuine pair (0/26, the farthest 0.452). East-Asian impostor pairs: 0/78 (closest
    # 0.674), a 95 % bound of 4.6 %: too few to know the rate for Vietnamese users. The stricter end of the gap was
    # taken because a false match lets a stolen card through while a false non-match costs a staff check.
    match_threshold: float = 0.575
    frames_to_match: int = 3
    liveness_challenges: int = 2
    challenge_timeout_s: float = 12.0
    max_attempts: int = 3
    detect_width: int = 400
    min_face_fraction: float = 0.22
    min_sharpness: float = 30.0
    min_brightness: float = 50.0
    max_frontal_yaw_deg: float = 15.0
    turn_yaw_deg: float = 12.0
    blink_ratio: float = 0.7
    landmark_model: Path | None = None   # a 68-point shape predictor file; None: the packaged one
    # An SFace-compatible ONNX embedding model; None: the packaged, checksum-verified one. Another model needs its
    # own match_threshold and pad_chip_min_distance from bench/face.py.
    embedding_model: Path | None = None
    min_reference_eye_span_px: float = MIN_REFERENCE_EYE_SPAN_PX
    camera_tilt_deg: float = 0.0      # the camera's downward tilt, from the technician's camera test
    camera_height_mm: float = 0.0     # lens height above the floor; 0: unknown (taken as eye level)
    pad_chip_min_distance: float = PadSettings.chip_min_distance
    pad_chip_max_correlation: float = PadSettings.chip_max_correlation
    pad_min_parallax: float = PadSettings.min_parallax
    pad_max_moire: float = PadSettings.max_moire
    prompt_delay_s: float = LivenessSettings.prompt_delay_s
    min_response_s: float = LivenessSettings.min_response_s

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FaceSettings:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    def quality(self) -> QualityThresholds:
        return QualityThresholds(min_face_fraction=self.min_face_fraction, min_sharpness=self.min_sharpness,
                                 min_brightness=self.min_brightness, max_frontal_yaw_deg=self.max_frontal_yaw_deg,
                                 frontal_pitch_deg=screen_facing_pitch(self.camera_tilt_deg, self.camera_height_mm))

    def liveness(self) -> LivenessSettings:
        return LivenessSettings(challenges=self.liveness_challenges, timeout_s=self.challenge_timeout_s,
                                blink_ratio=self.blink_ratio, turn_yaw_deg=self.turn_yaw_deg,
                                min_parallax=self.pad_min_parallax, prompt_delay_s=self.prompt_delay_s,
                                min_response_s=self.min_response_s)

    def pad(self) -> PadSettings:
        return PadSettings(chip_min_distance=self.pad_chip_min_distance,
                           chip_max_correlation=self.pad_chip_max_correlation,
                           min_parallax=self.pad_min_parallax, max_moire=self.pad_max_moire)

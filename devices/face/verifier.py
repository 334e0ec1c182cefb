"""The face check as the kiosk drives it: one `FaceVerifier` per session, fed frame by frame.

The UI calls `set_reference(photo)` with the chip's DG2 portrait, then `process(frame)` for each camera frame
and shows the returned `FaceFeedback` (a hint to speak, the current liveness challenge, progress, the face box
for the oval guide); when `feedback.done` is true, `result()` holds the decision. `wipe()` forgets every image
and template; nothing is ever written to disk. Decision terms follow ISO/IEC 19795-1 (comparison score,
threshold) and ISO/IEC 30107-3 (presentation attack detection).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from devices.card.identity import FacePhoto
from devices.face.analysis import FaceBox, Image
from devices.face.liveness import Challenge
from devices.face.pad import PadEvidence


class FaceDecision(StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"
    LIVENESS_FAILED = "liveness_failed"      # signs of a picture instead of a person
    NEEDS_ASSISTANCE = "needs_assistance"    # could not finish (no face, challenges timed out): staff take over


@dataclass(frozen=True)
class FaceFeedback:
    hint_key: str | None          # message key to show/speak, e.g. "face.come_closer"; None when all is well
    challenge: Challenge | None   # what the person is asked to do now; None while a hint asks for something first
    challenge_key: str | None     # its message key, e.g. "face.challenge_blink"
    progress: float               # 0..1 over the whole check
    face_box: FaceBox | None      # in frame coordinates, for the oval guide
    done: bool
    attempt: int = 1              # 1-based; a new attempt starts after a challenge times out


@dataclass(frozen=True)
class LivenessResult:
    passed: bool
    challenges: tuple[Challenge, ...]        # of the last attempt, in the order asked
    challenges_passed: int
    failed_attempts: int
    static_suspected: bool = False            # no blink and no 3-D motion at all: a still picture
    flat_motion_seen: bool = False            # turned like a flat picture, not a head
    depth_seen: bool = False                  # a head turn showed the parallax of a 3-D face


@dataclass(frozen=True)
class FaceVerificationResult:
    decision: FaceDecision
    score: float | None          # median embedding distance over the frames used; lower is more alike
    threshold: float
    liveness: LivenessResult
    frames_used: int             # live frames embedded and compared
    frames_seen: int
    elapsed_ms: int
    pad: PadEvidence | None = None  # passive presentation-attack cues (numbers only); None before any frame
    # Median head pitch the camera saw, before any mounting correction: the technician's camera test
    # reads it while standing square to the screen, and `face.camera_tilt_deg` is set from it.
    median_pitch_deg: float | None = None

    @property
    def matched(self) -> bool:
        return self.decision is FaceDecision.MATCH

    @property
    def needs_staff(self) -> bool:
        """A volunteer or officer should check the person against the card."""
        return self.decision in (FaceDecision.NEEDS_ASSISTANCE, FaceDecision.LIVENESS_FAILED)


@runtime_checkable
class FaceVerifier(Protocol):
    def set_reference(self, photo: FacePhoto) -> None:
        """Decode and embed the chip photo; raises `ReferencePhotoUnreadableError` when it has no usable face."""

    def process(self, frame: Image, at: float | None = None) -> FaceFeedback:
        """Act on one BGR frame; `at` is its time in seconds (default: the verifier's clock)."""

    def result(self) -> FaceVerificationResult:
        """The outcome so far; final once a feedback said `done`."""

    def wipe(self) -> None:
        """Forget the reference, every live template and landmark, in memory."""

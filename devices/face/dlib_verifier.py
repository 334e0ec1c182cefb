"""`DlibFaceVerifier`: the real face check, one object per session: dlib detection and landmarks, OpenCV Zoo's
SFace embedding (see analysis.py) and OpenCV image measurements.

Per frame: detect (downscaled, every fifth frame; in between the face is tracked by its landmarks) → quality
gate → 68 landmarks → pose and eye openness → liveness challenge → embedding of frontal, sharp, eyes-open frames
(at most a few per session, spaced out) with the passive presentation-attack cues of `pad.py`. When the
challenges are done and enough frames are embedded: no match without a head turn that showed depth and with any
cue at or over its limit (ISO/IEC 30107-3); otherwise the median distance to the chip photo is compared with the
threshold (ISO/IEC 19795-1: a comparison score against a decision threshold). After `max_attempts` failed
attempts the result asks for a member of staff.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from devices.camera.camera import to_bgr
from devices.card.identity import FacePhoto
from devices.face.analysis import DlibFaceAnalyzer, Embedding, FaceBox, Image, Points, distance
from devices.face.errors import ReferenceNotSetError
from devices.face.geometry import eye_aspect_ratio, head_pose, interocular
from devices.face.liveness import Challenge, ChallengeSequence, ChallengeStatus, MotionRecord, Observation
from devices.face.pad import PadEvidence, aligned_face, correlation, fuse, moire_ratio, pulse_snr, skin_green
from devices.face.quality import Hint, assess, is_frontal
from devices.face.reference import ReferenceFace, reference_from_image, reference_from_photo
from devices.face.settings import FaceSettings
from devices.face.verifier import FaceDecision, FaceFeedback, FaceVerificationResult, LivenessResult

log = logging.getLogger(__name__)

EMBED_SPACING_S = 0.4  # frames a little apart in time differ more than consecutive ones: a fairer median
STILL_LIMIT = 0.04     # mean landmark movement between frames, in eye spans, below which the face is still
# Between detections the face is tracked by its own landmarks: detection is the costliest step after the embedding.
# Every fifth frame is detected afresh, so a second person or a lost face is noticed within a third of a second.
TRACK_FRAMES = 4
RPPG_WINDOW_S = 6.0  # a pulse needs a few beats: 3–6 s of skin colour


class DlibFaceVerifier:
    def __init__(self, analyzer: DlibFaceAnalyzer, settings: FaceSettings | None = None,
                 rng: random.Random | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.analyzer = analyzer
        self.settings = settings or FaceSettings()
        # The challenge order must not be guessable from earlier sessions: system randomness unless a test fixes it.
        self._rng = rng or random.SystemRandom()
        self._clock = clock
        self._quality = self.settings.quality()
        self._pad_settings = self.settings.pad()
        self._reference: ReferenceFace | None = None
        self._lock = threading.RLock()  # the UI processes frames on a worker thread and may wipe from another
        self._reset_state()

    @classmethod
    def from_settings(cls, settings: FaceSettings | Any, rng: random.Random | None = None) -> DlibFaceVerifier:
        """Build from `FaceSettings` or from any dataclass with the same field names (the kiosk's `[face]`)."""
        if not isinstance(settings, FaceSettings):
            settings = FaceSettings.from_mapping(dataclasses.asdict(settings))
        return cls(analyzer_for(settings), settings, rng=rng)

    def _reset_state(self) -> None:
        self._distances: list[float] = []
        self._live: list[Embedding] = []
        self._last_embed_at = float("-inf")
        self._sequence = ChallengeSequence(self.settings.liveness(), self._rng)
        self._blink_seen_possible = True  # False once an attempt stalled on the blink: later attempts ask for turns
        self._failed_attempts = 0
        self._motion = MotionRecord(blink_ratio=self.settings.blink_ratio)
        self._flat_motion_seen = False
        self._first_at: float | None = None
        self._last_at = 0.0
        self._frames_seen = 0
        self._final: FaceVerificationResult | None = None
        self._last_feedback: FaceFeedback | None = None
        self._passed_at: float | None = None
        self._previous_points: Points | None = None
        self._track_box: FaceBox | None = None
        self._tracked_for = 0
        self._correlations: list[float] = []
        self._moire: list[float] = []
        self._parallax: float | None = None
        self._responses: list[float] = []   # reaction times of earlier attempts (the current one is in the sequence)
        self._early_moves = 0
        self._pitches: list[float] = []
        self._green: list[tuple[float, float]] = []  # rPPG trace of the last few seconds (a number per frame)

    # -- reference -------------------------------------------------------------------------------------------

    def set_reference(self, photo: FacePhoto) -> None:
        reference = reference_from_photo(self.analyzer, photo, self.settings.min_reference_eye_span_px)
        with self._lock:
            self._reference = reference
            self._reset_state()

    def set_reference_image(self, image: Image) -> None:
        """For the CLI and tests: a decoded BGR image instead of the chip's bytes."""
        reference = reference_from_image(self.analyzer, image, self.settings.min_reference_eye_span_px)
        with self._lock:
            self._reference = reference
            self._reset_state()

    # -- frames ----------------------------------------------------------------------------------------------

    def process(self, frame: Image, at: float | None = None) -> FaceFeedback:
        with self._lock:
            return self._process(to_bgr(frame), at)

    def _process(self, frame: Image, at: float | None) -> FaceFeedback:
        if self._reference is None:
            raise ReferenceNotSetError("set_reference must come before process")
        if self._final is not None and self._last_feedback is not None:
            return self._last_feedback
        now = self._clock() if at is None else at
        if self._first_at is None:
            self._first_at = now
        self._last_at = now
        self._frames_seen += 1

        if self._track_box is not None and self._tracked_for < TRACK_FRAMES:
            boxes = [self._track_box]
            self._tracked_for += 1
        else:
            boxes = self.analyzer.detect(frame)
            self._tracked_for = 0
        quality = assess(frame, boxes, self._quality)
        box = boxes[0] if boxes else None
        if not quality.ok:
            self._track_box = None
            self._previous_points = None
            status = self._sequence.observe(None, now)
            return self._after(status, now, quality.hint, box)

        assert box is not None
        points = self.analyzer.landmarks(frame, box)
        self._track_box = box_around(points)
        green = skin_green(frame, points)
        if green is not None:
            self._green.append((now, green))
            while self._green and now - self._green[0][0] > RPPG_WINDOW_S:
                self._green.pop(0)
        pose = head_pose(points, frame.shape[1], frame.shape[0])
        self._pitches.append(pose.pitch_deg)
        frontal = is_frontal(pose.yaw_deg, pose.pitch_deg, self._quality)
        still = self._previous_points is not None and _movement(self._previous_points, points) < STILL_LIMIT
        self._previous_points = points
        obs = Observation(at=now, ear=eye_aspect_ratio(points), yaw_deg=pose.yaw_deg, frontal=frontal, points=points,
                          still=still)
        self._motion.add(obs)
        status = self._sequence.observe(obs, now)
        self._flat_motion_seen |= self._sequence.flat_motion_seen
        if self._sequence.parallax is not None:
            self._parallax = max(self._parallax or 0.0, self._sequence.parallax)
        if frontal and self._wants_embedding(obs):
            self._embed(frame, box, points, now)
        hint: Hint | None = None
        if status is ChallengeStatus.PASSED and len(self._distances) < self.settings.frames_to_match:
            hint = None if frontal else Hint.LOOK_STRAIGHT
        return self._after(status, now, hint, box)

    def _wants_embedding(self, obs: Observation) -> bool:
        if len(self._distances) >= 2 * self.settings.frames_to_match or obs.at - self._last_embed_at < EMBED_SPACING_S:
            return False
        # Closed eyes make a poorer template; the landmarks already say whether they are open.
        return obs.ear >= self.settings.blink_ratio * statistics.median(self._motion.ears)

    def _embed(self, frame: Image, box: FaceBox, points: Points, now: float) -> None:
        assert self._reference is not None
        embedding = self.analyzer.embed(frame, box, points)  # the landmarks of this frame, found once
        if self._live and distance(embedding, self._live[0]) > self.settings.match_threshold * 1.2:
            # Someone else stepped in front of the camera mid-check: start over with the new face.
            log.info("face changed during the check; restarting")
            self._live.clear()
            self._distances.clear()
            self._correlations.clear()
            self._moire.clear()
            self._parallax = None
            self._blink_seen_possible = True
            self._sequence = ChallengeSequence(self.settings.liveness(), self._rng)
        self._live.append(embedding)
        self._distances.append(distance(embedding, self._reference.embedding))
        if self._reference.aligned is not None:
            self._correlations.append(correlation(aligned_face(frame, points), self._reference.aligned))
        h, w = frame.shape[:2]
        face = frame[max(0, box.top):min(h, box.bottom), max(0, box.left):min(w, box.right)]
        if face.size:
            self._moire.append(moire_ratio(face))
        self._last_embed_at = now

    def _after(self, status: ChallengeStatus, now: float, hint: Hint | None, box: FaceBox | None) -> FaceFeedback:
        s = self.settings
        if status is ChallengeStatus.TIMED_OUT:
            self._failed_attempts += 1
            self._flat_motion_seen |= self._sequence.flat_motion_seen
            if self._failed_attempts >= s.max_attempts:
                decision = (FaceDecision.LIVENESS_FAILED
                            if self._flat_motion_seen or self._looks_static()
                            else FaceDecision.NEEDS_ASSISTANCE)
                return self._finish(decision, box)
            self._responses += self._sequence.response_s
            self._early_moves += self._sequence.early_moves
            if self._sequence.current is Challenge.BLINK:
                self._blink_seen_possible = False
            self._sequence = ChallengeSequence(s.liveness(), self._rng, blink=self._blink_seen_possible)
            hint = Hint.TRY_AGAIN
        elif status is ChallengeStatus.PASSED:
            if self._passed_at is None:
                self._passed_at = now
            enough = len(self._distances) >= s.frames_to_match
            # Alive, but no good straight-ahead frames for a while: decide on what there is, or ask for staff.
            waited_too_long = now - self._passed_at > s.challenge_timeout_s
            if enough or (waited_too_long and self._distances):
                return self._finish(self._decide(), box)
            if waited_too_long:
                return self._finish(FaceDecision.NEEDS_ASSISTANCE, box)
        # A hint is more urgent than the challenge: nobody can blink on request while out of the picture.
        challenge = self._sequence.current if hint is None else None
        if challenge is not None and not self._sequence.prompted(now):
            challenge, hint = None, Hint.GET_READY  # the random wait before the prompt
        feedback = FaceFeedback(
            hint_key=None if hint is None else str(hint),
            challenge=challenge,
            challenge_key=None if challenge is None else challenge.message_key,
            progress=self._progress(),
            face_box=box,
            done=False,
            attempt=self._failed_attempts + 1,
        )
        self._last_feedback = feedback
        return feedback

    def _decide(self) -> FaceDecision:
        """Alive and enough frames: presentation-attack evidence first, then the comparison score."""
        if self._flat_motion_seen or not self._sequence.turned or self._pad().attack_suspected:
            # No match without a head turn that showed depth, and none while any passive cue reports an attack.
            return FaceDecision.LIVENESS_FAILED
        score = statistics.median(self._distances)
        return FaceDecision.MATCH if score <= self.settings.match_threshold else FaceDecision.NO_MATCH

    def _pad(self) -> PadEvidence:
        return fuse(self._pad_settings,
                    chip_distance=min(self._distances) if self._distances else None,
                    chip_correlation=max(self._correlations) if self._correlations else None,
                    parallax=self._parallax,
                    moire=statistics.median(self._moire) if self._moire else None,
                    response_s=tuple(self._responses + self._sequence.response_s),
                    early_moves=self._early_moves + self._sequence.early_moves,
                    pulse=pulse_snr(self._green),
                    turned=self._sequence.turned or self._flat_motion_seen)

    def _looks_static(self) -> bool:
        # A head that turned with depth is not a still picture, even if its blinks went unseen.
        return self._parallax is None and self._motion.looks_static()

    def _progress(self) -> float:
        steps = len(self._sequence.challenges) + 1
        embedded = min(1.0, len(self._distances) / max(1, self.settings.frames_to_match))
        return min(1.0, (self._sequence.passed_count + embedded) / steps)

    def _finish(self, decision: FaceDecision, box: FaceBox | None) -> FaceFeedback:
        self._final = self._result(decision)
        self._last_feedback = FaceFeedback(hint_key=None, challenge=None, challenge_key=None, progress=1.0,
                                           face_box=box, done=True, attempt=self._failed_attempts + 1)
        self._live.clear()  # the decision is made: drop live templates at once
        return self._last_feedback

    # -- outcome ---------------------------------------------------------------------------------------------

    def result(self) -> FaceVerificationResult:
        with self._lock:
            if self._final is not None:
                return self._final
            return self._result(FaceDecision.NEEDS_ASSISTANCE)

    def _result(self, decision: FaceDecision) -> FaceVerificationResult:
        seq = self._sequence
        liveness = LivenessResult(
            passed=seq.current is None,
            challenges=tuple(seq.challenges),
            challenges_passed=seq.passed_count,
            failed_attempts=self._failed_attempts,
            static_suspected=self._looks_static(),
            flat_motion_seen=self._flat_motion_seen,
            depth_seen=self._parallax is not None,
        )
        elapsed = 0 if self._first_at is None else round((self._last_at - self._first_at) * 1000)
        return FaceVerificationResult(
            decision=decision,
            score=statistics.median(self._distances) if self._distances else None,
            threshold=self.settings.match_threshold,
            liveness=liveness,
            frames_used=len(self._distances),
            frames_seen=self._frames_seen,
            elapsed_ms=elapsed,
            pad=self._pad() if self._frames_seen else None,
            median_pitch_deg=statistics.median(self._pitches) if self._pitches else None,
        )

    def wipe(self) -> None:
        with self._lock:
            self._reference = None
            self._reset_state()


def box_around(points: Points) -> FaceBox:
    """The box the detector would give for these landmarks (its usual margins, measured on the packaged photos)."""
    x0, x1 = float(points[:, 0].min()), float(points[:, 0].max())
    y0, y1 = float(points[:, 1].min()), float(points[:, 1].max())
    w = x1 - x0
    left, right = x0 - 0.02 * w, x1 + 0.07 * w
    top, bottom = y0 - 0.16 * w, y1 - 0.08 * w
    return FaceBox(round(left), round(top), round(right - left), round(bottom - top))


def _movement(before: Points, after: Points) -> float:
    """Mean landmark displacement between two frames, in eye spans."""
    steps = np.linalg.norm(after - before, axis=1)
    return float(steps.mean()) / max(interocular(after), 1.0)


def analyzer_for(settings: FaceSettings) -> DlibFaceAnalyzer:
    """The analyzer the settings ask for (detection width, replacement model files). Models load lazily."""
    from devices.face.analysis import FaceModelFiles

    # The HOG detector finds faces of 80 px and more; at 400 px wide a face at the kiosk's minimum size (22 % of the
    # width) is 88 px, so no upsampling is needed, which makes detection about 2.5 times cheaper than 320 px + 1.
    upsample = 0 if settings.detect_width * settings.min_face_fraction >= 85 else 1
    return DlibFaceAnalyzer(FaceModelFiles(embedding=settings.embedding_model, landmarks68=settings.landmark_model),
                            detect_width=settings.detect_width,
                            upsample=upsample)

"""`SimulatedFaceVerifier`: scripted face checks for the demo and UI tests, with the same interface as the real one.

No packaged video shows a live person blinking on request, so the demo cannot run the real check end to end.
Each scenario plays a fixed script, advancing one step every `frames_per_step` frames whatever the frames hold:
genuine (hints, two challenges, match), impostor (challenges pass, no match), photo attack (the challenge times
out on every attempt, liveness failed) and no face (never sees anyone, staff asked to help).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from devices.card.identity import FacePhoto
from devices.face.analysis import FaceBox, Image
from devices.face.errors import ReferenceNotSetError, ReferencePhotoUnreadableError
from devices.face.liveness import Challenge, draw_challenges
from devices.face.quality import Hint
from devices.face.verifier import FaceDecision, FaceFeedback, FaceVerificationResult, LivenessResult


class FaceScenario(StrEnum):
    GENUINE = "genuine"
    IMPOSTOR = "impostor"
    PHOTO_ATTACK = "photo_attack"
    NO_FACE = "no_face"


@dataclass(frozen=True)
class _Step:
    hint: Hint | None
    challenge: Challenge | None
    passed: int      # challenges passed so far
    face: bool


SCORES = {FaceScenario.GENUINE: 0.34, FaceScenario.IMPOSTOR: 0.83, FaceScenario.PHOTO_ATTACK: 0.31}


class SimulatedFaceVerifier:
    def __init__(self, scenario: FaceScenario | str = FaceScenario.GENUINE, *, frames_per_step: int = 8,
                 threshold: float = 0.5, max_attempts: int = 3, rng: random.Random | None = None,
                 fps: float = 15.0) -> None:
        self.scenario = FaceScenario(scenario)
        self.frames_per_step = max(1, frames_per_step)
        self.threshold = threshold
        self.max_attempts = max_attempts
        self.fps = fps
        self._rng = rng or random.Random()
        self._challenges = draw_challenges(2, self._rng)
        self._script = self._build_script()
        self._reference = False
        self._frames = 0
        self._final: FaceVerificationResult | None = None

    def _build_script(self) -> list[_Step]:
        first, second = self._challenges
        if self.scenario is FaceScenario.NO_FACE:
            return [_Step(Hint.NO_FACE, None, 0, False)] * (3 * self.max_attempts)
        if self.scenario is FaceScenario.PHOTO_ATTACK:
            attempt = [_Step(None, first, 0, True)] * 3 + [_Step(Hint.TRY_AGAIN, None, 0, True)]
            return [_Step(Hint.COME_CLOSER, None, 0, True)] + attempt * self.max_attempts
        return [
            _Step(Hint.COME_CLOSER, None, 0, True),
            _Step(None, first, 0, True),
            _Step(None, first, 0, True),
            _Step(None, second, 1, True),
            _Step(None, second, 1, True),
            _Step(None, None, 2, True),
        ]

    def set_reference(self, photo: FacePhoto) -> None:
        if not photo.data:
            raise ReferencePhotoUnreadableError("the photo is empty")
        self._reference = True
        self._frames = 0
        self._final = None

    def process(self, frame: Image, at: float | None = None) -> FaceFeedback:
        del at
        if not self._reference:
            raise ReferenceNotSetError("set_reference must come before process")
        box = _centre_box(frame)
        if self._final is not None:
            return FaceFeedback(None, None, None, 1.0, box, done=True, attempt=self._attempt(len(self._script)))
        index = self._frames // self.frames_per_step
        self._frames += 1
        if index >= len(self._script):
            self._final = self._outcome()
            return FaceFeedback(None, None, None, 1.0, box, done=True, attempt=self._attempt(index))
        step = self._script[index]
        return FaceFeedback(
            hint_key=None if step.hint is None else str(step.hint),
            challenge=step.challenge,
            challenge_key=None if step.challenge is None else step.challenge.message_key,
            progress=index / len(self._script),
            face_box=box if step.face else None,
            done=False,
            attempt=self._attempt(index),
        )

    def _attempt(self, index: int) -> int:
        if self.scenario is FaceScenario.PHOTO_ATTACK:
            return min(self.max_attempts, max(1, (index - 1) // 4 + 1))
        return 1

    def _outcome(self) -> FaceVerificationResult:
        elapsed = round(self._frames / self.fps * 1000)
        genuine_like = self.scenario in (FaceScenario.GENUINE, FaceScenario.IMPOSTOR)
        liveness = LivenessResult(
            passed=genuine_like,
            challenges=tuple(self._challenges),
            challenges_passed=2 if genuine_like else 0,
            failed_attempts=0 if genuine_like else self.max_attempts,
            static_suspected=self.scenario is FaceScenario.PHOTO_ATTACK,
        )
        score = SCORES.get(self.scenario)
        if self.scenario is FaceScenario.NO_FACE:
            decision = FaceDecision.NEEDS_ASSISTANCE
        elif self.scenario is FaceScenario.PHOTO_ATTACK:
            decision = FaceDecision.LIVENESS_FAILED
        else:
            assert score is not None
            decision = FaceDecision.MATCH if score <= self.threshold else FaceDecision.NO_MATCH
        return FaceVerificationResult(decision=decision, score=score, threshold=self.threshold, liveness=liveness,
                                      frames_used=0 if score is None else 3, frames_seen=self._frames,
                                      elapsed_ms=elapsed)

    def result(self) -> FaceVerificationResult:
        if self._final is not None:
            return self._final
        return FaceVerificationResult(FaceDecision.NEEDS_ASSISTANCE, None, self.threshold,
                                      LivenessResult(False, tuple(self._challenges), 0, 0), 0, self._frames, 0)

    def wipe(self) -> None:
        self._reference = False
        self._frames = 0
        self._final = None


def _centre_box(frame: Image) -> FaceBox:
    h, w = frame.shape[:2]
    side = int(min(w, h) * 0.45)
    return FaceBox((w - side) // 2, (h - side) // 2 - h // 20, side, side)

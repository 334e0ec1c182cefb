from __future__ import annotations

import random

import numpy as np
import pytest

from devices.card.identity import FacePhoto
from devices.face.errors import ReferenceNotSetError, ReferencePhotoUnreadableError
from devices.face.simulated import FaceScenario, SimulatedFaceVerifier
from devices.face.verifier import FaceDecision, FaceFeedback, FaceVerificationResult, FaceVerifier
from kiosk.i18n import Translator

FRAME = np.zeros((480, 640, 3), dtype=np.uint8)
PHOTO = FacePhoto("jpeg", 480, 640, b"\xff\xd8 not decoded by the simulator")


def play(scenario: FaceScenario) -> tuple[FaceVerificationResult, list[FaceFeedback]]:
    verifier = SimulatedFaceVerifier(scenario, frames_per_step=2, rng=random.Random(3))
    verifier.set_reference(PHOTO)
    seen = []
    for _ in range(200):
        seen.append(verifier.process(FRAME))
        if seen[-1].done:
            return verifier.result(), seen
    pytest.fail("the scripted scenario never finished")


@pytest.mark.parametrize(("scenario", "decision"), [
    (FaceScenario.GENUINE, FaceDecision.MATCH),
    (FaceScenario.IMPOSTOR, FaceDecision.NO_MATCH),
    (FaceScenario.PHOTO_ATTACK, FaceDecision.LIVENESS_FAILED),
    (FaceScenario.NO_FACE, FaceDecision.NEEDS_ASSISTANCE),
])
def test_each_scenario_ends_in_its_decision(scenario: FaceScenario, decision: FaceDecision) -> None:
    result, seen = play(scenario)
    assert result.decision is decision
    assert all(0.0 <= f.progress <= 1.0 for f in seen)
    assert [f.done for f in seen].count(True) == 1


def test_genuine_scenario_asks_two_challenges_including_a_blink() -> None:
    result, seen = play(FaceScenario.GENUINE)
    asked = list(dict.fromkeys(f.challenge for f in seen if f.challenge))
    assert len(asked) == 2 and "blink" in asked
    assert result.liveness.passed and result.score is not None and result.score <= result.threshold


def test_every_hint_and_challenge_of_the_scripts_is_translated() -> None:
    translator = Translator()
    for scenario in FaceScenario:
        _, seen = play(scenario)
        for key in {f.hint_key for f in seen} | {f.challenge_key for f in seen}:
            if key is not None:
                assert translator.has(key), key


def test_photo_attack_goes_through_three_attempts() -> None:
    result, seen = play(FaceScenario.PHOTO_ATTACK)
    assert max(f.attempt for f in seen) == 3 and result.liveness.failed_attempts == 3
    assert result.needs_staff


def test_frames_before_the_reference_are_refused_and_wipe_resets() -> None:
    verifier = SimulatedFaceVerifier()
    with pytest.raises(ReferenceNotSetError):
        verifier.process(FRAME)
    with pytest.raises(ReferencePhotoUnreadableError):
        verifier.set_reference(FacePhoto("jpeg", 0, 0, b""))
    verifier.set_reference(PHOTO)
    verifier.process(FRAME)
    verifier.wipe()
    with pytest.raises(ReferenceNotSetError):
        verifier.process(FRAME)


def test_the_simulator_implements_the_interface() -> None:
    assert isinstance(SimulatedFaceVerifier(), FaceVerifier)


def test_a_hint_and_a_challenge_never_come_together() -> None:
    for scenario in FaceScenario:
        _, seen = play(scenario)
        assert not any(f.hint_key and f.challenge for f in seen), scenario

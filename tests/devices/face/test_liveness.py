"""Challenge logic on hand-made landmark observations (no camera, no model)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from devices.face.liveness import (
    Challenge,
    ChallengeSequence,
    ChallengeStatus,
    LivenessSettings,
    MotionRecord,
    Observation,
    draw_challenges,
)


def _face_3d() -> np.ndarray:
    """68 points of a made-up face in 3-D (pixels; z towards the camera): eye corners, a nose tip standing out."""
    face = np.column_stack([np.random.default_rng(0).uniform((190, 160, 0), (330, 330, 40), (68, 3))])
    face[36], face[39], face[42], face[45] = (200, 200, 20), (240, 200, 10), (280, 200, 10), (320, 200, 20)
    face[30] = (260, 260, 60)
    return face


FACE_3D = _face_3d()


def points(nose_shift: float = 0.0, head_yaw: float = 0.0) -> np.ndarray:
    """The face turned by `head_yaw` degrees as a head (orthographic view), then its nose tip moved by
    `nose_shift` eye spacings. With head_yaw 0 every point but the nose lies as on a flat picture."""
    theta = np.radians(head_yaw)
    p = np.column_stack([260 + (FACE_3D[:, 0] - 260) * np.cos(theta) + FACE_3D[:, 2] * np.sin(theta),
                         FACE_3D[:, 1]])
    p[30, 0] += nose_shift * 120
    return p


def obs(t: float, ear: float = 0.3, yaw: float = 0.0, nose: float = 0.0, head_yaw: float = 0.0,
        still: bool = True) -> Observation:
    return Observation(at=t, ear=ear, yaw_deg=yaw, frontal=abs(yaw) < 15, points=points(nose, head_yaw),
                       still=still)


def sequence(*challenges: Challenge, timeout: float = 10.0, delay: float = 0.0) -> ChallengeSequence:
    """A sequence whose prompts come at once unless `delay` (the random wait's upper end) is given."""
    settings = LivenessSettings(timeout_s=timeout, prompt_delay_s=delay)
    return ChallengeSequence(settings, random.Random(1), list(challenges))


def feed(seq: ChallengeSequence, observations: list[Observation]) -> ChallengeStatus:
    status = ChallengeStatus.WAITING
    for o in observations:
        status = seq.observe(o, o.at)
    return status


def test_a_blink_passes_the_blink_challenge() -> None:
    seq = sequence(Challenge.BLINK)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.4, ear=0.1), obs(0.5, ear=0.12), obs(0.6)]
    assert feed(seq, frames) is ChallengeStatus.PASSED


def test_eyes_that_never_close_time_out() -> None:
    seq = sequence(Challenge.BLINK, timeout=2.0)
    frames = [obs(i * 0.1, ear=0.3 + 0.01 * (i % 3)) for i in range(25)]
    assert feed(seq, frames) is ChallengeStatus.TIMED_OUT


def test_eyes_kept_shut_too_long_are_not_a_blink() -> None:
    seq = sequence(Challenge.BLINK)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.4 + i * 0.1, ear=0.1) for i in range(30)] + [obs(3.5)]
    assert feed(seq, frames) is ChallengeStatus.WAITING


def test_turning_left_moves_yaw_and_nose_together() -> None:
    seq = sequence(Challenge.TURN_LEFT)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.5, yaw=20, head_yaw=20), obs(0.6, yaw=21, head_yaw=21)]
    assert feed(seq, frames) is ChallengeStatus.PASSED
    assert seq.turned and seq.parallax is not None and seq.parallax >= LivenessSettings().min_parallax


def test_the_baseline_comes_only_from_still_frontal_frames() -> None:
    # A picture tilted back and forth: never still, so no straight-ahead baseline and no turn can be judged.
    seq = sequence(Challenge.TURN_LEFT)
    frames = [obs(i * 0.1, yaw=(-8, 8)[i % 2], still=False) for i in range(8)] + [obs(0.9, yaw=20, head_yaw=20)]
    assert feed(seq, frames) is ChallengeStatus.WAITING
    assert not seq.turned
    # The same move after three still frames counts.
    frames = [obs(1.0 + i * 0.1) for i in range(3)] + [obs(1.4, yaw=20, head_yaw=20), obs(1.5, yaw=21, head_yaw=21)]
    assert feed(seq, frames) is ChallengeStatus.PASSED


def test_turning_the_wrong_way_does_not_count() -> None:
    seq = sequence(Challenge.TURN_LEFT)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.5, yaw=-20, head_yaw=-20)]
    assert feed(seq, frames) is ChallengeStatus.WAITING


def test_yaw_without_the_nose_moving_is_flagged_as_a_flat_picture() -> None:
    seq = sequence(Challenge.TURN_RIGHT)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.5, yaw=-20, nose=-0.01), obs(0.6, yaw=-22, nose=-0.01)]
    assert feed(seq, frames) is ChallengeStatus.WAITING
    assert not seq.turned
    # The move ends (back to straight) without any frame of it showing depth: a flat picture was turned.
    assert feed(seq, [obs(0.7), obs(0.8)]) is ChallengeStatus.WAITING
    assert seq.flat_motion_seen and not seq.turned


def test_one_frame_of_depth_among_flat_ones_does_not_make_a_turn() -> None:
    # A tilted print can pass the depth test on a single frame by landmark noise: the move is judged on its median.
    seq = sequence(Challenge.TURN_LEFT)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.5, yaw=20, nose=0.01), obs(0.6, yaw=22, head_yaw=22),
                                                 obs(0.7, yaw=22, nose=0.01), obs(0.8), obs(0.9)]
    assert feed(seq, frames) is ChallengeStatus.WAITING
    assert not seq.turned and seq.flat_motion_seen


def test_a_flat_move_held_until_the_time_runs_out_is_flagged() -> None:
    seq = sequence(Challenge.TURN_RIGHT, timeout=1.0)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.4 + i * 0.1, yaw=-20, nose=-0.01) for i in range(10)]
    assert feed(seq, frames) is ChallengeStatus.TIMED_OUT
    assert seq.flat_motion_seen


def test_a_gradual_turn_is_judged_by_the_frames_that_show_depth() -> None:
    # People turn over several frames; one early in the move can pass the yaw limit while the nose (and the depth
    # with it) still lags behind, as landmark noise makes it do. The move shows depth a frame later.
    seq = sequence(Challenge.TURN_LEFT)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.5, yaw=8, head_yaw=8), obs(0.6, yaw=13, nose=0.02),
                                                 obs(0.7, yaw=20, head_yaw=20), obs(0.8, yaw=22, head_yaw=22)]
    assert feed(seq, frames) is ChallengeStatus.PASSED
    assert seq.turned and not seq.flat_motion_seen


def test_challenges_run_in_order_each_with_its_own_time_limit() -> None:
    seq = sequence(Challenge.TURN_RIGHT, Challenge.BLINK, timeout=1.0)
    frames = [obs(i * 0.1) for i in range(4)] + [obs(0.5, yaw=-20, head_yaw=-20), obs(0.5, yaw=-21, head_yaw=-21)]
    assert feed(seq, frames) is ChallengeStatus.WAITING
    assert seq.current is Challenge.BLINK
    # the blink gets its own full second from the moment the turn was done
    assert feed(seq, [obs(0.5 + i * 0.1) for i in range(1, 10)]) is ChallengeStatus.WAITING
    assert feed(seq, [obs(1.7)]) is ChallengeStatus.TIMED_OUT


def test_every_draw_includes_a_blink_and_the_order_varies() -> None:
    draws = {tuple(draw_challenges(2, random.Random(seed))) for seed in range(40)}
    assert all(Challenge.BLINK in d and len(set(d)) == 2 for d in draws)
    assert len(draws) >= 3  # blink first or second, with either turn


def test_without_the_blink_both_turns_are_asked_in_either_order() -> None:
    draws = {tuple(draw_challenges(2, random.Random(seed), blink=False)) for seed in range(20)}
    assert draws == {(Challenge.TURN_LEFT, Challenge.TURN_RIGHT), (Challenge.TURN_RIGHT, Challenge.TURN_LEFT)}


def test_every_draw_includes_a_turn_even_when_one_challenge_is_configured() -> None:
    for count in (0, 1, 2, 3):
        for seed in range(20):
            drawn = draw_challenges(count, random.Random(seed))
            assert Challenge.BLINK in drawn
            assert {Challenge.TURN_LEFT, Challenge.TURN_RIGHT} & set(drawn)


def test_a_still_picture_looks_static_and_a_moving_face_does_not() -> None:
    still, moving = MotionRecord(), MotionRecord()
    for i in range(30):
        still.add(obs(i * 0.1, ear=0.30 + 0.005 * (i % 2), yaw=1.0 + 0.5 * (i % 3)))
        moving.add(obs(i * 0.1, ear=0.1 if i == 12 else 0.3, yaw=20.0 if 20 <= i < 23 else 0.0))
    assert still.looks_static()
    assert not moving.looks_static()


def test_the_prompt_comes_after_a_random_wait_and_a_move_before_it_restarts_the_wait() -> None:
    seq = sequence(Challenge.TURN_LEFT, delay=1.0)
    feed(seq, [obs(0.0)])
    first_prompt = seq.prompt_at
    assert first_prompt is not None and 0.5 <= first_prompt <= 1.0 and not seq.prompted(0.0)
    # A turn during the wait is not an answer; the prompt moves to a fresh random time after it.
    status = feed(seq, [obs(0.1), obs(0.2), obs(0.3), obs(0.4, yaw=20, head_yaw=20)])
    assert status is ChallengeStatus.WAITING and not seq.turned
    assert seq.prompt_at is not None and seq.prompt_at >= 0.4 + 0.5


def test_a_move_begun_before_a_person_could_react_is_not_an_answer_and_is_counted() -> None:
    seq = sequence(Challenge.TURN_LEFT, delay=1.0)
    feed(seq, [obs(i * 0.1) for i in range(4)])  # still and straight: the baseline
    prompt = seq.prompt_at
    assert prompt is not None
    # Already turning 0.05 s after the prompt: a recording timed to the session, not a reaction.
    assert feed(seq, [obs(prompt + 0.05, yaw=20, head_yaw=20)]) is ChallengeStatus.WAITING
    assert seq.early_moves == 1 and not seq.response_s
    # Back to straight, then a real reaction half a second later counts, with its reaction time.
    status = feed(seq, [obs(prompt + 0.3), obs(prompt + 0.8, yaw=20, head_yaw=20),
                        obs(prompt + 0.9, yaw=21, head_yaw=21)])
    assert status is ChallengeStatus.PASSED
    assert seq.response_s == [pytest.approx(0.8)]

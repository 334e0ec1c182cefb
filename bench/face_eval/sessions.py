"""Probe sessions for the PAD bench: a genuine actor and the attacks, each run through the real verifier.

Attack types (ISO/IEC 30107-3 presentation attack instruments), all answering the verifier's prompts when they can:
- still_print: the photo printed and held still;
- handheld_print: the print moved and scaled by hand;
- tilted_print_blink: the print tilted about a vertical axis when asked to turn, closed eyes pasted on when asked
  to blink;
- anim_other_screen: a 2.5-D head turn with blinks made from another photo of the person, shown on a display;
- anim_chip_screen: the same made from the chip photo itself (the stolen-card case), shown on a display;
- loop_chip_screen: a fixed recording of the chip photo animated (blink, left, right) looped on a display,
  whatever the prompt.
Display pixel pitches are drawn from 1.1–3.5 camera pixels per session (seeded).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from devices.card.identity import FacePhoto
from devices.face.analysis import DlibFaceAnalyzer
from devices.face.dlib_verifier import DlibFaceVerifier
from devices.face.liveness import Challenge
from devices.face.settings import FaceSettings
from devices.face.verifier import FaceFeedback, FaceVerificationResult
from tests.devices.face.synthetic import close_eyes, frame_from_photo, move_flat, tilt_flat, turn_head

from .media import on_paper, on_screen, sensor

FPS = 10.0
ATTACKS = ("still_print", "handheld_print", "tilted_print_blink", "anim_other_screen", "anim_chip_screen",
           "loop_chip_screen")


TURN_STEPS_DEG = (9.0, 17.0, 25.0)  # a head turn spread over frames: people take 0.3–0.5 s to turn 25°
HOLD_FRAMES = 5                     # frames at the end of a turn, held until the kiosk moves on (0.5 s at most)


@dataclass
class Poses:
    neutral: np.ndarray
    closed: np.ndarray
    left: list[np.ndarray]    # the turn frame by frame, ending at 25°
    right: list[np.ndarray]
    centre: tuple[float, float]


def poses(analyzer: DlibFaceAnalyzer, photo: np.ndarray) -> Poses | None:
    boxes = analyzer.detect(photo)
    if not boxes:
        return None
    box = boxes[0]
    neutral = frame_from_photo(photo, box.centre, box.width)
    found = analyzer.detect(neutral)
    if not found:
        return None
    points = analyzer.landmarks(neutral, found[0])
    return Poses(neutral, close_eyes(neutral, points), [turn_head(neutral, points, d) for d in TURN_STEPS_DEG],
                 [turn_head(neutral, points, -d) for d in TURN_STEPS_DEG], found[0].centre)


def _through(p: Poses, medium: Callable[[np.ndarray], np.ndarray]) -> Poses:
    return Poses(medium(p.neutral), medium(p.closed), [medium(f) for f in p.left], [medium(f) for f in p.right],
                 p.centre)


class Actor:
    """Answers each prompt: a moment straight, the move (a turn held for a moment), back to straight."""

    def __init__(self, p: Poses, turn: Callable[[int, int], np.ndarray] | None = None) -> None:
        self.p = p
        self.turn = turn
        self.queue: list[np.ndarray] = []
        self.answering: Challenge | None = None

    def __call__(self, feedback: FaceFeedback | None) -> np.ndarray:
        challenge = None if feedback is None else feedback.challenge
        if challenge != self.answering:
            self.answering, self.queue = challenge, []
        if not self.queue:
            move: list[np.ndarray] = []
            if challenge is Challenge.BLINK:
                move = [self.p.closed] * 2
            elif challenge is not None:
                sign = 1 if challenge is Challenge.TURN_LEFT else -1
                steps = self.p.left if sign > 0 else self.p.right
                # Turned gradually, then held for a moment while the prompt is still shown (half a second).
                move = ([self.turn(sign, 0), self.turn(sign, 1)] + [self.turn(sign, 2)] * HOLD_FRAMES if self.turn
                        else [*steps] + [steps[-1]] * (HOLD_FRAMES - 1))
            self.queue = [self.p.neutral] * 4 + move + [self.p.neutral] * 2
        return self.queue.pop(0)


def run(verifier: DlibFaceVerifier, frames: Callable[[FaceFeedback | None], np.ndarray],
        rng: np.random.Generator, max_frames: int = 300) -> FaceVerificationResult:
    """Play a session; every frame gets fresh sensor noise, as a camera's frames do."""
    feedback: FaceFeedback | None = None
    for i in range(max_frames):
        feedback = verifier.process(sensor(frames(feedback), rng, 1.5), at=i / FPS)
        if feedback.done:
            break
    return verifier.result()


def new_verifier(analyzer: DlibFaceAnalyzer, settings: FaceSettings, chip: bytes, seed: int) -> DlibFaceVerifier:
    verifier = DlibFaceVerifier(analyzer, settings, rng=random.Random(seed))
    verifier.set_reference(FacePhoto("jpeg", 0, 0, chip))
    return verifier


def genuine(p: Poses) -> Callable[[FaceFeedback | None], np.ndarray]:
    return Actor(p)


def attack(kind: str, chip_poses: Poses, other_poses: Poses, rng: np.random.Generator,
           pitch: float | None = None) -> Callable[[FaceFeedback | None], np.ndarray]:
    """The frames of one attack; `pitch` fixes the display's pixel pitch (camera pixels) instead of drawing it."""
    pitch = float(rng.uniform(1.1, 3.5)) if pitch is None else pitch
    paper = _through(other_poses, lambda f: on_paper(f, rng))
    if kind == "still_print":
        return lambda _f: paper.neutral
    if kind == "handheld_print":
        ticks = iter(range(100_000))

        def handheld(_f: FaceFeedback | None) -> np.ndarray:
            i = next(ticks)
            return move_flat(paper.neutral, 1.0 + 0.08 * np.sin(i / 3), 25 * np.sin(i / 5), 8 * np.cos(i / 4))
        return handheld
    if kind == "tilted_print_blink":
        return Actor(paper, turn=lambda sign, k: tilt_flat(paper.neutral, sign * (15, 30, 35)[k], paper.centre))
    if kind == "anim_other_screen":
        return Actor(_through(other_poses, lambda f: on_screen(f, pitch, rng)))
    screen = _through(chip_poses, lambda f: on_screen(f, pitch, rng))
    if kind == "anim_chip_screen":
        return Actor(screen)
    loop = ([screen.neutral] * 6 + [screen.closed] * 2 + [screen.neutral] * 6 + screen.left + [screen.left[-1]]
            + [screen.neutral] * 6 + screen.right + [screen.right[-1]])
    ticks = iter(range(100_000))
    return lambda _f: loop[next(ticks) % len(loop)]

"""Active liveness: a short random sequence of challenges (a blink and a head turn) checked on landmarks.

Presentation-attack terms follow ISO/IEC 30107-3. A printed photo or a still on a phone cannot blink. A flat picture
slid, scaled or tilted in front of the camera cannot show the parallax of a head: its landmarks in the turned frame
map onto those of the straight-ahead baseline by one homography (`pad.planar_residual`), so a turn is accepted only
with a non-planar residual above `min_parallax`, and only against a baseline taken from still, frontal frames (a
picture tilted back and forth never gives one). Every session has a turn: it is the 3-D evidence a match needs. The
order is random, and each prompt comes after a random wait; a move made before the prompt, or begun sooner after it
than a person can react, is not an answer, so a recording cannot be timed to a session. Time limits are generous: many
users are elderly. Some people's blinks are hard for the landmark model to see (narrow eye openings, drooping lids,
common with age): when an attempt stalls on the blink, the next attempts ask for both head turns instead, which a
still picture cannot fake either and which carry the 3-D evidence besides. A turn is judged over the whole move, as
people turn gradually: the frames past the yaw limit are judged together, on their median depth, and a move that ends
(back to straight, or out of time) without depth is flagged as flat. A 2.5-D animation of a photo, steered by an
attacker in real time, does show parallax and can answer prompts: the passive cues in `pad.py` (chip-photo replay,
screen moiré) are what stand against it, and they have limits stated there.
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass, field
from enum import StrEnum

from devices.face.analysis import Points
from devices.face.geometry import nose_offset
from devices.face.pad import planar_residual


class Challenge(StrEnum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"     # the person's own left: the nose moves towards the image's right
    TURN_RIGHT = "turn_right"

    @property
    def message_key(self) -> str:
        return f"face.challenge_{self.value}"


class ChallengeStatus(StrEnum):
    WAITING = "waiting"        # collecting a baseline or watching for the move
    PASSED = "passed"          # every challenge in the sequence is done
    TIMED_OUT = "timed_out"


@dataclass(frozen=True)
class LivenessSettings:
    challenges: int = 2
    timeout_s: float = 12.0           # per challenge
    blink_ratio: float = 0.7          # closed: eye aspect ratio below this fraction of the open-eye baseline
    max_closed_s: float = 2.0         # a slow, deliberate blink still counts
    turn_yaw_deg: float = 12.0        # yaw change from the person's own straight-ahead pose
    min_nose_shift: float = 0.08      # nose against the eyes, in eye spacings: the depth a flat picture lacks
    min_parallax: float = 0.022       # non-planar landmark residual of a turn (see `pad.planar_residual`)
    # ... and at least this much per radian of yaw change: a print tilted far (40–50°) fakes a turn-sized yaw and
    # nose shift, and the landmark detector's errors on the foreshortened face leave a residual of 0.05 per radian
    # at most; turning heads show 0.10–0.19 per radian (measured on the packaged photos).
    parallax_per_rad: float = 0.08
    baseline_frames: int = 3
    # Unpredictable timing: each prompt comes after a random wait of 50–100 % of this, and a move begun before
    # the prompt restarts the wait, so a recording cannot be timed to it.
    prompt_delay_s: float = 1.2
    # A person cannot react to a prompt faster than this; a move begun sooner was already under way (a recording)
    # and is not taken as the answer.
    min_response_s: float = 0.2


@dataclass(frozen=True)
class Observation:
    at: float          # seconds, on the session's clock
    ear: float
    yaw_deg: float
    frontal: bool
    points: Points = field(repr=False)
    still: bool = True  # the landmarks barely moved since the previous frame: fit for a baseline


@dataclass
class ChallengeSequence:
    """One attempt: the challenges in random order, each with its own time limit."""

    settings: LivenessSettings
    rng: random.Random
    challenges: list[Challenge] = field(default_factory=list)
    blink: bool = True               # False: both turns instead (a blink was not seen in an earlier attempt)
    index: int = 0
    started_at: float | None = None
    flat_motion_seen: bool = False   # a turn-sized yaw change without depth: a tilted or moved picture
    parallax: float | None = None    # largest non-planar residual of an accepted turn: evidence of a 3-D head
    turned: bool = False             # a turn challenge was passed in this attempt
    prompt_at: float | None = None   # when the current challenge is (or was) shown
    response_s: list[float] = field(default_factory=list)  # prompt-to-movement time of each accepted answer
    early_moves: int = 0             # moves begun sooner after a prompt than a person can react
    _onset_at: float | None = None
    _open_ears: list[float] = field(default_factory=list)
    _neutral: list[Observation] = field(default_factory=list)
    _closed_since: float | None = None
    # This move's frames past the yaw limit: (depth over the depth needed at their yaw, depth).
    _move: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.challenges:
            self.challenges = draw_challenges(self.settings.challenges, self.rng, blink=self.blink)

    @property
    def current(self) -> Challenge | None:
        return self.challenges[self.index] if self.index < len(self.challenges) else None

    @property
    def passed_count(self) -> int:
        return self.index

    def prompted(self, now: float) -> bool:
        """Whether the current challenge is to be shown at `now` (after its random wait)."""
        return self.prompt_at is not None and now >= self.prompt_at

    def observe(self, obs: Observation | None, now: float) -> ChallengeStatus:
        """Feed one frame's landmarks (None: no usable face in this frame)."""
        if self.current is None:
            return ChallengeStatus.PASSED
        if self.started_at is None or self.prompt_at is None:
            self.started_at = now
            self.prompt_at = now + self._wait()
        if now - self.prompt_at > self.settings.timeout_s:
            self._settle_flat()
            return ChallengeStatus.TIMED_OUT
        if obs is None:
            return ChallengeStatus.WAITING
        moving = self._moving(self.current, obs)
        if now < self.prompt_at:
            if moving:
                self.prompt_at = now + self._wait()  # moved before being asked: wait again, a fresh random time
            else:
                self._baseline(self.current, obs)
            return ChallengeStatus.WAITING
        if moving and self._onset_at is None:
            self._onset_at = now
            if now - self.prompt_at < self.settings.min_response_s:
                self.early_moves += 1
        if self._step(self.current, obs):
            onset = self._onset_at if self._onset_at is not None else now
            if onset - self.prompt_at < self.settings.min_response_s:
                self._reset_move()  # under way before the prompt could be seen: not an answer, ask again
                return ChallengeStatus.WAITING
            self.response_s.append(onset - self.prompt_at)
            self.index += 1
            self.started_at = now
            self.prompt_at = now + self._wait() if self.current is not None else None
            self._closed_since = None
            self._onset_at = None
            self._neutral.clear()
        elif not moving:
            self._onset_at = None
            self._settle_flat()  # back to straight: the move is over
        return ChallengeStatus.PASSED if self.current is None else ChallengeStatus.WAITING

    def _settle_flat(self) -> None:
        """A move that went past the yaw limit and ended without showing depth was a flat picture turned (one too
        short to judge, whose frames did show depth, is only asked again)."""
        if self._move and statistics.median(r for r, _ in self._move) < 1.0:
            self.flat_motion_seen = True
        self._move.clear()

    def _baseline(self, challenge: Challenge, obs: Observation) -> None:
        """While waiting for the prompt: learn the open eyes or the straight-ahead pose from still, frontal frames."""
        if challenge is Challenge.BLINK:
            if obs.frontal and obs.still:
                self._open_ears.append(obs.ear)
        elif len(self._neutral) < self.settings.baseline_frames:
            if obs.frontal and obs.still:
                self._neutral.append(obs)
            else:
                self._neutral.clear()

    def _wait(self) -> float:
        return self.settings.prompt_delay_s * self.rng.uniform(0.5, 1.0)

    def _reset_move(self) -> None:
        self._closed_since = None
        self._onset_at = None

    def _moving(self, challenge: Challenge, obs: Observation) -> bool:
        """The start of the asked move: eyes closing for a blink, half a turn's yaw for a turn."""
        s = self.settings
        if challenge is Challenge.BLINK:
            if len(self._open_ears) < s.baseline_frames:
                return False
            return obs.ear < s.blink_ratio * statistics.median(self._open_ears[-9:])
        if len(self._neutral) < s.baseline_frames:
            return False
        straight = statistics.median(o.yaw_deg for o in self._neutral)
        return abs(obs.yaw_deg - straight) >= s.turn_yaw_deg / 2

    def _step(self, challenge: Challenge, obs: Observation) -> bool:
        if challenge is Challenge.BLINK:
            return self._blink(obs)
        return self._turn(obs, +1 if challenge is Challenge.TURN_LEFT else -1)

    def _blink(self, obs: Observation) -> bool:
        s = self.settings
        if len(self._open_ears) < s.baseline_frames:
            if obs.frontal and obs.still:
                self._open_ears.append(obs.ear)
            return False
        baseline = statistics.median(self._open_ears[-9:])
        if obs.ear < s.blink_ratio * baseline:
            if self._closed_since is None:
                self._closed_since = obs.at
            return False
        if self._closed_since is not None:
            closed_for = obs.at - self._closed_since
            self._closed_since = None
            if obs.ear >= (1 + s.blink_ratio) / 2 * baseline and closed_for <= s.max_closed_s:
                return True
        elif obs.frontal and obs.still:
            self._open_ears.append(obs.ear)
        return False

    def _turn(self, obs: Observation, sign: int) -> bool:
        s = self.settings
        # The straight-ahead baseline comes only from still, frontal frames: a picture being tilted back and forth
        # would otherwise lend it a mid-tilt pose, and the next tilt would look like a turn.
        if len(self._neutral) < s.baseline_frames:
            if obs.frontal and obs.still:
                self._neutral.append(obs)
            else:
                self._neutral.clear()  # the baseline frames must be consecutive
            return False
        straight = statistics.median(o.yaw_deg for o in self._neutral)
        if sign * (obs.yaw_deg - straight) < s.turn_yaw_deg:
            return False
        nose_straight = statistics.median(nose_offset(o.points) for o in self._neutral)
        if sign * (nose_offset(obs.points) - nose_straight) < s.min_nose_shift:
            depth = 0.0  # the nose did not move against the eyes: no depth at all
        else:
            # However it is tilted, a flat picture's landmarks map onto the baseline's by one homography; a
            # head's don't.
            depth = planar_residual(self._neutral[-1].points, obs.points)
        needed = max(s.min_parallax, s.parallax_per_rad * math.radians(abs(obs.yaw_deg - straight)))
        self._move.append((depth / needed, depth))
        # The move is judged on all its frames past the yaw limit: their median must show depth. Judged frame by
        # frame, one frame lagging behind on a turning head flagged the whole session (11 of the bench's 30
        # cross-sitting bona fide sessions once turns were rendered over several frames), and forgiving such
        # frames let a tilted print through on one frame that passed by landmark noise (2 of 120 tilted-print
        # sessions made with bench/face_eval/sessions.py from the 40 frontal photos; none with the median).
        if statistics.median(r for r, _ in self._move) < 1.0:
            return False
        self.parallax = max(statistics.median(d for _, d in self._move), self.parallax or 0.0)
        self._move.clear()
        self.turned = True
        return True


def draw_challenges(count: int, rng: random.Random, blink: bool = True) -> list[Challenge]:
    """`count` (2 or 3) challenges in random order, always a blink and at least one head turn; without `blink`,
    both turns."""
    turns = [Challenge.TURN_LEFT, Challenge.TURN_RIGHT]
    rng.shuffle(turns)
    if not blink:
        return turns
    # Never fewer than a blink and a turn: the blink is what a still picture cannot do, the turn is the 3-D evidence.
    chosen = [Challenge.BLINK, *turns][:max(2, min(count, 3))]
    rng.shuffle(chosen)
    return chosen


@dataclass
class MotionRecord:
    """What moved over a whole session. A picture never closes its eyes; a still one barely changes at all.

    People blink many times a minute without being asked, so several seconds of a face whose eyes never closed,
    or of eye openness and yaw that hardly vary, are taken as signs of a picture rather than a person.
    """

    blink_ratio: float = 0.7
    min_watch_s: float = 6.0
    ears: list[float] = field(default_factory=list)
    yaws: list[float] = field(default_factory=list)
    first_at: float | None = None
    last_at: float = 0.0

    def add(self, obs: Observation) -> None:
        self.ears.append(obs.ear)
        self.yaws.append(obs.yaw_deg)
        if self.first_at is None:
            self.first_at = obs.at
        self.last_at = obs.at

    def eyes_closed_seen(self) -> bool:
        if not self.ears:
            return False
        typical = statistics.median(self.ears)
        return min(self.ears) < self.blink_ratio * typical

    def looks_static(self) -> bool:
        if len(self.ears) < 5 or self.first_at is None:
            return False
        ear_low, ear_high = _spread(self.ears)
        yaw_low, yaw_high = _spread(self.yaws)
        if (ear_high - ear_low) < 0.25 * statistics.median(self.ears) and (yaw_high - yaw_low) < 6.0:
            return True
        return self.last_at - self.first_at >= self.min_watch_s and not self.eyes_closed_seen()


def _spread(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    k = max(0, len(ordered) // 20)  # ignore the extreme 5 % on each side: single-frame landmark glitches
    return ordered[k], ordered[-1 - k]

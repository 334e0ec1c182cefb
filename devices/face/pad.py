"""Passive presentation-attack cues that back up the active challenge (terms of ISO/IEC 30107-3).

Each cue turns a measurement into an attack score scaled so that 1.0 is its calibrated limit (≥ 1: looks like a
presentation attack); the fused score is the largest of them (a "any cue fires" rule: the cues look at different
attacks, so averaging would let a strong sign of one attack be outvoted by the others being quiet).

- Too similar to the chip photo: a live capture years after the card was issued never reproduces the portrait
  almost pixel for pixel. The chip's DG2 image animated or replayed (anyone holding the card can read it) does.
  Measured as the smallest embedding distance to the chip photo and the largest grey-level correlation of the
  face aligned on its landmarks.
- 3-D consistency of a head turn: the landmarks of a flat picture, however it is tilted or moved, are related
  between two frames by a plane-to-plane homography; those of a head are not (the nose and brows stand out of the
  plane of the eyes and mouth). The residual of the best homography, in inter-ocular units, is the parallax.
- Screen replay: a display seen by a camera shows a regular pixel grid, which aliases into moiré (sharp peaks in
  the spectrum of the face region that natural skin does not have).
- Remote photoplethysmography: blood volume under live skin changes with every heartbeat and tints the cheeks'
  green channel by a fraction of a grey level; over 3–6 s that gives a peak at the pulse rate (0.7–3 Hz). It is
  measured and reported; it is not yet part of the decision because no recording of real skin was available to
  set its limit (a photo, a print and the synthetic faces of the bench all lack a pulse alike).
- Response timing: each prompt comes after a random wait (liveness.py), and a person reacts to it only after a
  human reaction time; moves begun sooner belong to a recording. Two in one session flag an attack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from devices.face.analysis import Image, Points
from devices.face.geometry import interocular

INNER = list(range(17, 68))  # brows, nose, eyes, mouth: points on the face itself (the jaw line is a silhouette)
ALIGNED_SIZE = 64


@dataclass(frozen=True)
class PadSettings:
    # Live-to-chip SFace distance at or below which the chip photo itself is taken as presented. Smallest distance
    # per session in bench/face.py: the chip photo animated with blinks and turns scores 0.001–0.010 where the camera
    # does not resolve the display's pixels (27 sessions) and 0.033–0.067 on the display model at a pitch of 1.5
    # camera pixels, where its grid blurs (12); bona fide sessions against a photo from another sitting score
    # 0.198–0.387 (30). 0.10 lies between. Frames of one sitting score from 0.068 (6 of 108 such sessions flagged:
    # two video frames of one person), but a chip photo never comes from the same sitting as the kiosk's capture.
    # A display whose grid the camera resolves moves the embedding away (0.14–1.0): the moiré cue's case.
    chip_min_distance: float = 0.10
    # Correlation of the aligned 64×64 grey faces above which the capture reproduces the chip photo's pixels.
    chip_max_correlation: float = 0.97
    # Least non-planar landmark residual a head turn must show (inter-ocular units). A flat picture tilted by up to
    # 30° stays below 0.016, a head turned by 15–20° shows 0.03 and more (bench/face.py, tests).
    min_parallax: float = 0.022
    # Largest spectral peak ratio (`moire_ratio`) of a face shown directly to the camera: 13–28 measured on
    # camera-like frames of the packaged photos; the display model gives 60–570 at pixel pitches from 1.1 to 3.5
    # camera pixels except near 1.5, where its grid blurs away (about 14: missed). 40 sits between the two; it
    # wants checking on the kiosk's own camera (bench/face.py sweeps the pitch).
    max_moire: float = 40.0


@dataclass(frozen=True)
class PadEvidence:
    """The passive cues of one session, as numbers only (no image leaves the verifier)."""

    chip_distance: float | None      # smallest live-to-chip embedding distance
    chip_correlation: float | None   # largest correlation of the aligned faces with the chip photo
    parallax: float | None           # largest non-planar landmark residual seen during an accepted turn
    moire: float | None              # median spectral peak ratio over the embedded frames
    response_s: tuple[float, ...]    # reaction time to each challenge prompt
    early_moves: int                 # moves begun sooner after a prompt than a person reacts
    scores: tuple[tuple[str, float], ...]  # attack score per cue, 1.0 = its limit
    fused: float                     # the largest cue score
    attack_suspected: bool
    pulse_snr: float | None = None   # rPPG: pulse peak over the rest of the heart-rate band (reported, not scored)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(name for name, score in self.scores if score >= 1.0)


def planar_residual(before: Points, after: Points) -> float:
    """RMS distance of the face's inner landmarks from the best homography mapping `before` onto `after`."""
    import cv2

    src = np.ascontiguousarray(before[INNER], dtype=np.float64)
    dst = np.ascontiguousarray(after[INNER], dtype=np.float64)
    homography, _ = cv2.findHomography(src, dst, 0)
    if homography is None:
        return 0.0
    mapped = cv2.perspectiveTransform(src.reshape(-1, 1, 2), homography).reshape(-1, 2)
    rms = math.sqrt(float(((mapped - dst) ** 2).sum(axis=1).mean()))
    return rms / max(interocular(after), 1.0)


def aligned_face(image: Image, points: Points) -> Image:
    """The face warped so the eye centres and the mouth centre land on fixed spots: 64×64 grey, equalised."""
    import cv2

    right_eye = points[36:42].mean(axis=0)
    left_eye = points[42:48].mean(axis=0)
    mouth = points[48:68].mean(axis=0)
    src = np.array([right_eye, left_eye, mouth], dtype=np.float32)
    s = ALIGNED_SIZE
    dst = np.array([(0.3 * s, 0.35 * s), (0.7 * s, 0.35 * s), (0.5 * s, 0.78 * s)], dtype=np.float32)
    matrix = cv2.getAffineTransform(src, dst)
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    warped = cv2.warpAffine(grey, matrix, (s, s), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(cv2.equalizeHist(warped), dtype=np.uint8)


def correlation(a: Image, b: Image) -> float:
    """Normalised cross-correlation of two equal-sized grey images (1: identical up to brightness and contrast)."""
    x = a.astype(np.float64).ravel()
    y = b.astype(np.float64).ravel()
    x -= x.mean()
    y -= y.mean()
    norm = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(np.dot(x, y)) / norm if norm else 0.0


def moire_ratio(face: Image) -> float:
    """How far the strongest fine-grained peak stands above the median of the spectrum, in the middle of the face.

    Measured on brightness at the camera's own resolution: resampling would blur the very pattern sought. (Colour
    detail separates displays better on clean frames, but the colour subsampling of JPEG photos and MJPG cameras
    leaves block patterns in it that look like a display, so it is not used.)
    """
    import cv2

    h, w = face.shape[:2]
    half = min(h, w, 128) // 2
    if half < 8:
        return 0.0
    cy, cx = h // 2, w // 2
    crop = face[cy - half:cy + half, cx - half:cx + half].astype(np.float64)
    patch = crop.mean(axis=2) if crop.ndim == 3 else crop
    patch = patch - cv2.GaussianBlur(patch, (0, 0), 3.0)  # keep the fine texture, drop shading
    size = 2 * half
    window = np.outer(np.hanning(size), np.hanning(size))
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(patch * window)))
    yy, xx = np.mgrid[0:size, 0:size]
    radius = np.hypot(yy - size / 2, xx - size / 2)
    band = radius > size * 0.12
    values = spectrum[band]
    median = float(np.median(values))
    return float(values.max()) / median if median > 0 else 0.0


def skin_green(frame: Image, points: Points) -> float | None:
    """Mean green level of the cheeks (below the eyes, beside and above the nose tip): the rPPG sample."""
    if frame.ndim != 3:
        return None
    top = int(max(points[40, 1], points[41, 1], points[46, 1], points[47, 1]))
    bottom = int(points[33, 1])
    left, right = int(points[36, 0]), int(points[45, 0])
    if bottom - top < 3 or right - left < 6:
        return None
    patch = frame[max(0, top):bottom, max(0, left):right, 1]
    return float(patch.mean()) if patch.size else None


def pulse_snr(samples: list[tuple[float, float]], low_hz: float = 0.7, high_hz: float = 3.0) -> float | None:
    """Strength of the strongest heart-rate peak in the green trace (time, level): its power over the mean power of
    the rest of the band. None with less than 3 s of samples."""
    if len(samples) < 24 or samples[-1][0] - samples[0][0] < 3.0:
        return None
    t = np.array([s[0] for s in samples], dtype=np.float64)
    g = np.array([s[1] for s in samples], dtype=np.float64)
    rate = (len(t) - 1) / (t[-1] - t[0])
    even = np.linspace(t[0], t[-1], len(t))
    trace = np.interp(even, t, g)
    trace -= np.polyval(np.polyfit(even - even[0], trace, 2), even - even[0])  # slow light and pose drift
    power = np.abs(np.fft.rfft(trace * np.hanning(len(trace)), n=4 * len(trace))) ** 2
    freqs = np.fft.rfftfreq(4 * len(trace), d=1.0 / rate)
    band = (freqs >= low_hz) & (freqs <= high_hz)
    if band.sum() < 8:
        return None
    in_band = power[band]
    peak = int(np.argmax(in_band))
    near = np.zeros(in_band.shape, dtype=bool)
    near[max(0, peak - 4):peak + 5] = True
    rest = float(in_band[~near].mean()) if (~near).any() else 0.0
    return float(in_band[near].mean()) / rest if rest > 0 else None


def fuse(settings: PadSettings, *, chip_distance: float | None, chip_correlation: float | None,
         parallax: float | None, moire: float | None, response_s: tuple[float, ...],
         turned: bool, early_moves: int = 0, pulse: float | None = None) -> PadEvidence:
    """Scale every cue to its limit and take the largest. A missing measurement scores 0 (no evidence either way),
    except a turn without measured parallax, which cannot have shown depth."""
    scores: list[tuple[str, float]] = []
    if chip_distance is not None:
        scores.append(("chip_replay", settings.chip_min_distance / max(chip_distance, 1e-6)))
    if chip_correlation is not None:
        scores.append(("chip_pixels", max(0.0, chip_correlation) / settings.chip_max_correlation))
    if turned:
        scores.append(("flat_turn", settings.min_parallax / max(parallax or 0.0, 1e-6)))
    if moire is not None:
        scores.append(("screen_moire", moire / settings.max_moire))
    # Once can be chance (a person already turning as the prompt appears); twice in one session is a recording.
    scores.append(("early_response", early_moves / 2))
    rounded = tuple((name, round(min(score, 99.0), 3)) for name, score in scores)
    fused = max((score for _, score in rounded), default=0.0)
    return PadEvidence(chip_distance=chip_distance, chip_correlation=chip_correlation, parallax=parallax,
                       moire=moire, response_s=response_s, early_moves=early_moves, scores=rounded, fused=fused,
                       attack_suspected=fused >= 1.0, pulse_snr=pulse)

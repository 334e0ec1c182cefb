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
- Response timing: a person reacts to a prompt after a human reaction time; a movement already under way when
  the prompt appears belongs to a recording.
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
    # Live-to-chip embedding distance at or below which the chip photo itself is taken as presented. Live captures
    # of the same person score 0.2 and up; the chip photo animated or replayed scores 0.02–0.1 (bench/face.py).
    chip_min_distance: float = 0.15
    # Correlation of the aligned 64×64 grey faces above which the capture reproduces the chip photo's pixels.
    chip_max_correlation: float = 0.97
    # Least non-planar landmark residual a head turn must show (inter-ocular units). A flat picture tilted by up to
    # 30° stays below 0.016, a head turned by 15–20° shows 0.03 and more (bench/face.py, tests).
    min_parallax: float = 0.022
    # Largest spectral peak ratio of the face region seen on live skin (14–23 on camera-like frames); a display at
    # most pixel pitches gives 120–290, but at pitches of 1.5–2 camera pixels only 20–34 (bench/face.py): a limit.
    max_moire: float = 40.0
    # Quickest believable reaction to a prompt, in seconds.
    min_response_s: float = 0.2


@dataclass(frozen=True)
class PadEvidence:
    """The passive cues of one session, as numbers only (no image leaves the verifier)."""

    chip_distance: float | None      # smallest live-to-chip embedding distance
    chip_correlation: float | None   # largest correlation of the aligned faces with the chip photo
    parallax: float | None           # largest non-planar landmark residual seen during an accepted turn
    moire: float | None              # median spectral peak ratio over the embedded frames
    response_s: tuple[float, ...]    # reaction time to each challenge prompt
    scores: tuple[tuple[str, float], ...]  # attack score per cue, 1.0 = its limit
    fused: float                     # the largest cue score
    attack_suspected: bool

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


def moire_ratio(face_grey: Image) -> float:
    """How much the strongest mid/high-frequency peak stands above its ring of the spectrum (median)."""
    import cv2

    size = 128
    patch = cv2.resize(face_grey, (size, size), interpolation=cv2.INTER_LINEAR).astype(np.float64)
    patch -= cv2.GaussianBlur(patch, (0, 0), 3.0)  # keep the fine texture, drop shading
    window = np.outer(np.hanning(size), np.hanning(size))
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(patch * window)))
    yy, xx = np.mgrid[0:size, 0:size]
    radius = np.hypot(yy - size / 2, xx - size / 2)
    band = (radius > size * 0.12) & (radius < size * 0.48)
    values = spectrum[band]
    median = float(np.median(values))
    return float(values.max()) / median if median > 0 else 0.0


def fuse(settings: PadSettings, *, chip_distance: float | None, chip_correlation: float | None,
         parallax: float | None, moire: float | None, response_s: tuple[float, ...],
         turned: bool) -> PadEvidence:
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
    if response_s:
        scores.append(("early_response", settings.min_response_s / max(min(response_s), 1e-3)))
    rounded = tuple((name, round(min(score, 99.0), 3)) for name, score in scores)
    fused = max((score for _, score in rounded), default=0.0)
    return PadEvidence(chip_distance=chip_distance, chip_correlation=chip_correlation, parallax=parallax,
                       moire=moire, response_s=response_s, scores=rounded, fused=fused,
                       attack_suspected=fused >= 1.0)

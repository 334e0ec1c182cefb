"""How an attack medium looks to the kiosk camera: a display (laptop or phone) and a paper print.

These are models, not captures. A display is rendered at 4× the camera's resolution: each display pixel is three
vertical sub-pixel stripes (red, green, blue) with dark gaps between them, the picture is blurred by the lens and
sampled by the sensor; where the display's pixel pitch comes near the sensor's, the grid aliases into moiré, as it
does on real cameras. The display also lifts black and compresses colour (a screen's gamut and glare). A print is
flat, loses contrast and saturation, and is seen through the same lens blur and sensor noise as a person.
"""

from __future__ import annotations

import cv2
import numpy as np

SUPERSAMPLE = 4


def sensor(frame: np.ndarray, rng: np.random.Generator, noise: float = 2.0) -> np.ndarray:
    """Light sensor noise, as every camera frame has."""
    noisy = frame.astype(np.float32) + rng.normal(0.0, noise, frame.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def on_screen(frame: np.ndarray, pitch_px: float, rng: np.random.Generator) -> np.ndarray:
    """`frame` shown on a display whose pixels are `pitch_px` camera pixels apart, as the camera sees it."""
    h, w = frame.shape[:2]
    big_w, big_h = w * SUPERSAMPLE, h * SUPERSAMPLE
    cell = pitch_px * SUPERSAMPLE  # one display pixel, in supersampled pixels
    display_w, display_h = max(1, round(big_w / cell)), max(1, round(big_h / cell))
    shown = cv2.resize(frame, (display_w, display_h), interpolation=cv2.INTER_AREA)
    canvas = cv2.resize(shown, (big_w, big_h), interpolation=cv2.INTER_NEAREST).astype(np.float32)
    xs = np.arange(big_w, dtype=np.float32)
    ys = np.arange(big_h, dtype=np.float32)
    phase_x = (xs % cell) / cell            # 0..1 across one display pixel
    phase_y = (ys % cell) / cell
    mask = np.zeros((big_h, big_w, 3), dtype=np.float32)
    row_on = (phase_y < 0.85).astype(np.float32)[:, None]  # the dark line between pixel rows
    for channel, start in ((2, 0.0), (1, 1 / 3), (0, 2 / 3)):  # BGR order: red stripe first
        on = ((phase_x >= start + 0.03) & (phase_x < start + 1 / 3 - 0.03)).astype(np.float32)
        mask[:, :, channel] = row_on * on[None, :] * 3.0  # × 3: a stripe carries its channel's full light
    lit = canvas * mask
    lit = cv2.GaussianBlur(lit, (0, 0), 0.6 * SUPERSAMPLE)  # the camera lens
    seen = cv2.resize(lit, (w, h), interpolation=cv2.INTER_AREA)
    grey = seen.mean(axis=2, keepdims=True)
    seen = 0.8 * seen + 0.2 * grey              # the display's smaller gamut
    seen = 18.0 + seen * (225.0 / 255.0)        # black lifted by glare
    return sensor(np.clip(seen, 0, 255).astype(np.uint8), rng)


def on_paper(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`frame` printed and held up: less contrast and saturation than the scene, then the camera's noise."""
    f = frame.astype(np.float32)
    grey = f.mean(axis=2, keepdims=True)
    f = 0.85 * f + 0.15 * grey
    f = 25.0 + f * 0.8
    blurred = cv2.GaussianBlur(np.clip(f, 0, 255).astype(np.uint8), (0, 0), 0.7)
    return sensor(blurred, rng)

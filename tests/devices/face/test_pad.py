"""The passive presentation-attack cues on made-up measurements (no camera, no model)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from devices.face.pad import PadSettings, correlation, fuse, moire_ratio, planar_residual, pulse_snr, skin_green


def _face(depth_scale: float, yaw_deg: float) -> np.ndarray:
    """68 points of a made-up face (orthographic view), turned by `yaw_deg`; depth 0 makes it a flat picture."""
    rng = np.random.default_rng(5)
    face = rng.uniform((190, 160, 0), (330, 330, 40), (68, 3))
    face[36], face[45], face[30] = (200, 200, 20), (320, 200, 20), (260, 260, 60)
    theta = math.radians(yaw_deg)
    z = face[:, 2] * depth_scale
    return np.column_stack([260 + (face[:, 0] - 260) * math.cos(theta) + z * math.sin(theta), face[:, 1]])


def test_a_flat_picture_turned_has_no_parallax_and_a_head_has_some() -> None:
    limit = PadSettings().min_parallax
    assert planar_residual(_face(0.0, 0.0), _face(0.0, 25.0)) < 0.001
    assert planar_residual(_face(1.0, 0.0), _face(1.0, 20.0)) > limit


def test_aligned_images_correlate_fully_with_themselves_and_not_with_noise() -> None:
    rng = np.random.default_rng(1)
    a = rng.integers(0, 255, (64, 64), dtype=np.uint8)
    assert correlation(a, a) == pytest.approx(1.0)
    assert correlation(a, (a // 2 + 40).astype(np.uint8)) == pytest.approx(1.0, abs=0.01)  # brightness, contrast
    assert abs(correlation(a, rng.integers(0, 255, (64, 64), dtype=np.uint8))) < 0.1


def test_a_regular_pixel_grid_stands_out_in_the_spectrum() -> None:
    rng = np.random.default_rng(2)
    skin = np.clip(150 + rng.normal(0, 6, (200, 200)), 0, 255).astype(np.uint8)
    grid = skin.astype(np.float64)
    grid[:, ::3] *= 0.6  # dark columns every third pixel: a display's pixel structure
    assert moire_ratio(grid.astype(np.uint8)) > PadSettings().max_moire > moire_ratio(skin)


def test_sub_pixel_colour_stripes_stand_out_where_skin_colour_does_not() -> None:
    rng = np.random.default_rng(4)
    base = np.array([120.0, 140.0, 185.0])  # skin, BGR
    skin = np.clip(base + rng.normal(0, 3, (200, 200, 3)), 0, 255)
    stripes = skin.copy()
    for channel, offset in ((2, 0), (1, 1), (0, 2)):  # red, green, blue columns in turn
        stripes[:, offset::3, [c for c in range(3) if c != channel]] *= 0.7
    assert moire_ratio(stripes.astype(np.uint8)) > PadSettings().max_moire > moire_ratio(skin.astype(np.uint8))


def test_a_pulse_in_the_skin_colour_gives_a_clear_peak_and_a_still_picture_none() -> None:
    rng = np.random.default_rng(3)
    times = np.arange(0, 5.0, 1 / 15)
    pulse = [(t, 120 + 0.6 * math.sin(2 * math.pi * 1.2 * t) + rng.normal(0, 0.15)) for t in times]
    flat = [(t, 120 + rng.normal(0, 0.15)) for t in times]
    with_pulse, without = pulse_snr(pulse), pulse_snr(flat)
    assert with_pulse is not None and without is not None
    assert with_pulse > 5 * without
    assert pulse_snr(pulse[:20]) is None  # too short to judge


def test_skin_green_reads_the_cheeks_between_the_eyes_and_the_nose_tip() -> None:
    frame = np.zeros((480, 640, 3), dtype=np.uint8)
    frame[200:260, 200:320, 1] = 100
    points = np.zeros((68, 2))
    points[[40, 41, 46, 47], 1] = 200
    points[33] = (260, 260)
    points[36, 0], points[45, 0] = 200, 320
    assert skin_green(frame, points) == pytest.approx(100.0)
    assert skin_green(frame[:, :, 0], points) is None  # grey frames carry no colour


def test_every_cue_is_scaled_to_its_limit_and_the_largest_decides() -> None:
    s = PadSettings()
    live = fuse(s, chip_distance=0.35, chip_correlation=0.4, parallax=0.04, moire=8.0, response_s=(0.6, 0.9),
                turned=True)
    assert not live.attack_suspected and live.reasons == () and live.fused < 1.0
    replay = fuse(s, chip_distance=0.06, chip_correlation=0.99, parallax=0.04, moire=8.0, response_s=(),
                  turned=True)
    assert replay.attack_suspected and set(replay.reasons) == {"chip_replay", "chip_pixels"}
    flat = fuse(s, chip_distance=0.35, chip_correlation=0.4, parallax=None, moire=None, response_s=(), turned=True)
    assert flat.reasons == ("flat_turn",)
    timed = fuse(s, chip_distance=None, chip_correlation=None, parallax=None, moire=None, response_s=(),
                 turned=False, early_moves=2)
    assert timed.reasons == ("early_response",)

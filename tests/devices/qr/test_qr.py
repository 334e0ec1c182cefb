from __future__ import annotations

import cv2
import numpy as np
import pytest
import zxingcpp

from devices.qr.scanner import QrScanner
from devices.qr.simulated import SimulatedQrScanner
from devices.qr.zxing import ZxingQrScanner

# The layout of a CCCD front QR (fields separated by "|"); the values are invented.
CCCD_TEXT = "001099012345|123456789|Nguyễn Văn An|01021990|Nam|Số 1 Phố Huế, Hà Nội|15062021"


def qr_image(text: str, scale: int = 5) -> np.ndarray:
    symbol = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=scale))
    return cv2.cvtColor(symbol, cv2.COLOR_GRAY2BGR)


def camera_frame(symbol: np.ndarray, at: tuple[int, int] = (200, 120), angle: float = 0.0) -> np.ndarray:
    """The symbol on a grey desk in a 640×480 frame, rotated by `angle` degrees, slightly blurred and noisy."""
    frame = np.full((480, 640, 3), 150, dtype=np.uint8)
    h, w = symbol.shape[:2]
    frame[at[1]:at[1] + h, at[0]:at[0] + w] = symbol
    if angle:
        matrix = cv2.getRotationMatrix2D((at[0] + w / 2, at[1] + h / 2), angle, 1.0)
        frame = cv2.warpAffine(frame, matrix, (640, 480), borderValue=(150, 150, 150))
    frame = cv2.GaussianBlur(frame, (3, 3), 0)
    noise = np.random.default_rng(1).integers(-12, 13, frame.shape)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("angle", [0.0, 17.0, 90.0])
def test_a_cccd_front_qr_in_a_camera_frame_decodes_to_its_text(angle: float) -> None:
    codes = ZxingQrScanner().decode(camera_frame(qr_image(CCCD_TEXT), angle=angle))
    assert [c.text for c in codes] == [CCCD_TEXT]
    xs = [x for x, _ in codes[0].corners]
    assert len(codes[0].corners) == 4 and min(xs) >= 150 and max(xs) <= 520


def test_two_codes_in_one_frame_are_both_read() -> None:
    frame = np.full((480, 640, 3), 255, dtype=np.uint8)
    left, right = qr_image("RECEIPT:H26.99-260302-0001", 4), qr_image("RECEIPT:H26.99-260302-0002", 4)
    frame[100:100 + left.shape[0], 40:40 + left.shape[1]] = left
    frame[100:100 + right.shape[0], 360:360 + right.shape[1]] = right
    texts = sorted(c.text for c in ZxingQrScanner().decode(frame))
    assert texts == ["RECEIPT:H26.99-260302-0001", "RECEIPT:H26.99-260302-0002"]


def test_a_frame_without_a_code_gives_nothing() -> None:
    assert ZxingQrScanner().decode(np.full((480, 640, 3), 90, dtype=np.uint8)) == []


def test_a_code_too_blurred_to_read_gives_nothing_rather_than_garbage() -> None:
    frame = cv2.GaussianBlur(camera_frame(qr_image(CCCD_TEXT, 2)), (0, 0), 6)
    assert ZxingQrScanner().decode(frame) == []


def test_decoded_text_never_shows_in_repr() -> None:
    (code,) = ZxingQrScanner().decode(camera_frame(qr_image(CCCD_TEXT)))
    assert "001099012345" not in repr(code) and "Nguyễn" not in str(code)


def test_simulator_returns_scripted_texts_after_empty_frames() -> None:
    scanner = SimulatedQrScanner(["A", "B"], frames_before_code=2)
    frame = np.zeros((4, 4, 3), dtype=np.uint8)
    seen = [[c.text for c in scanner.decode(frame)] for _ in range(6)]
    assert seen == [[], [], ["A"], [], [], ["B"]]


def test_both_scanners_implement_the_interface() -> None:
    assert isinstance(ZxingQrScanner(), QrScanner)
    assert isinstance(SimulatedQrScanner([]), QrScanner)

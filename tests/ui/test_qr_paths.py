"""The camera paths: the card's front QR code opens the chip; a receipt's QR code finds the file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from devices.camera.simulated import SimulatedCamera
from kiosk.session_events import SessionState
from ui.demo import citizen_journey


def qr_frame(text: str) -> np.ndarray:
    import cv2
    import zxingcpp

    code = np.array(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=6))
    frame = np.full((480, 640), 255, dtype=np.uint8)
    h, w = code.shape
    frame[(480 - h) // 2:(480 - h) // 2 + h, (640 - w) // 2:(640 - w) // 2 + w] = code
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def test_card_qr_shown_to_the_camera_opens_the_chip(make_kiosk: Any) -> None:
    driver = make_kiosk()
    # The CCCD front QR: id|old id|name|birth ddmmyyyy|sex|address|issue ddmmyyyy (the demo card's own data).
    text = "001190012345|012345678|Nguyễn Thị Thanh Hương|14031990|Nữ|Số 12 Ngõ 34 Phố Đội Cấn, Hà Nội|20062021"
    driver.kiosk.camera = SimulatedCamera(None, frames=[qr_frame(text)], fps=30)
    driver.tap("start")
    driver.tap("lang_vi")
    driver.insert_card()
    driver.wait(lambda: driver.has("key_qr"), what="key choice")
    driver.tap("key_qr")
    driver.wait_state(SessionState.VERIFY_FACE, 30)
    assert driver.kiosk.session.identity is not None


CARD_TEXT = "001190012345|012345678|Nguyễn Thị Thanh Hương|14031990|Nữ|Số 12 Ngõ 34 Phố Đội Cấn, Hà Nội|20062021"


@pytest.mark.parametrize("text", [
    "https://example.invalid/not-a-card",
    CARD_TEXT.replace("001190012345", "00119001234²"),                     # a superscript "digit"
    CARD_TEXT.replace("14031990", "14039990").replace("20062021", "20069990"),  # renewal ages past year 9999
])
def test_a_qr_code_that_is_not_a_cccd_is_ignored_and_the_camera_keeps_looking(make_kiosk: Any, text: str) -> None:
    driver = make_kiosk()
    driver.kiosk.camera = SimulatedCamera(None, frames=[qr_frame(text)], fps=30)
    driver.tap("start")
    driver.tap("lang_vi")
    driver.insert_card()
    driver.wait(lambda: driver.has("key_qr"), what="key choice")
    driver.tap("key_qr")
    driver.wait(lambda: driver.window.current.preview is not None and driver.window.current.preview.frames_shown > 5,
                10, "frames")
    seen = driver.window.current.preview.frames_shown
    driver.wait(lambda: driver.window.current.preview.frames_shown > seen + 5, 10, "more frames")
    assert driver.kiosk.session.state is SessionState.IDENTIFY
    assert driver.window.current.mode == "qr"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_receipt_qr_shown_to_the_camera_finds_the_file(make_kiosk: Any, tmp_path: Path) -> None:
    import cv2

    driver = make_kiosk()
    receipt = citizen_journey(driver, "id_confirmation", {"purpose": "bank", "applicant.phone": "0912345678"})
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(receipt), str(tmp_path / "r")], check=True)
    page = cv2.imread(str(tmp_path / "r.png"))
    driver.kiosk.camera = SimulatedCamera(None, frames=[page], width=page.shape[1], height=page.shape[0], fps=30)
    driver.tap("status_lookup")
    driver.tap("status_scan")
    driver.wait(lambda: driver.window.findChild(QLabel, "status_message") is not None, 15, "status shown")
    code = driver.kiosk.portal_simulator.applications()[0]["dossier_code"]
    assert code in driver.window.findChild(QLabel, "status_code").text()

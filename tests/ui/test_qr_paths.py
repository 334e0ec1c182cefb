"""The camera paths: the card's front QR code opens the chip with nothing typed; a receipt's QR code held up to
the camera finds the file."""

from __future__ import annotations

import shutil
from typing import Any

import numpy as np
import pytest

from tests.ui.helpers import PHONE, label, page_image, play, printed
from ui.demo import qr_frame

# The CCCD front QR: id|old id|name|birth ddmmyyyy|sex|address|issue ddmmyyyy (the demo card's own data).
CARD_TEXT = "001190012345|012345678|Nguyễn Thị Thanh Hương|14031990|Nữ|Số 12 Ngõ 34 Phố Đội Cấn, Hà Nội|20062021"


def test_card_qr_shown_to_the_camera_opens_the_chip_without_typing(make_kiosk: Any) -> None:
    driver = make_kiosk()
    with driver.held_to_camera(qr_frame(CARD_TEXT)):
        driver.insert_card()
        assert driver.view.screen == "face"
    assert driver.visit.identity is not None
    assert driver.view.input is None  # nothing was typed, nothing is to be typed


@pytest.mark.parametrize("text", [
    "https://example.invalid/not-a-card",
    CARD_TEXT.replace("001190012345", "00119001234²"),                     # a superscript "digit"
    CARD_TEXT.replace("14031990", "14039990").replace("20062021", "20069990"),  # renewal ages past year 9999
])
def test_a_qr_code_that_is_not_a_cccd_is_ignored_and_typing_is_offered(make_kiosk: Any, text: str) -> None:
    driver = make_kiosk()
    with driver.held_to_camera(qr_frame(text)):
        driver.insert_card()
        assert driver.view.screen == "card_key_id"
    assert label(driver, "error") == driver.kiosk.translate("journey.card_qr_not_seen", "vi")
    assert driver.view.input is not None and driver.view.input.kind == "digits"
    assert driver.keyboard().mode == "numeric"
    assert driver.visit.identity is None


def test_a_card_qr_held_up_after_typing_was_offered_still_opens_the_chip(make_kiosk: Any) -> None:
    driver = make_kiosk()
    blank = np.full((480, 640, 3), 255, dtype=np.uint8)
    with driver.held_to_camera(blank):
        driver.insert_card()
    assert driver.view.screen == "card_key_id"
    with driver.held_to_camera(qr_frame(CARD_TEXT)):
        driver.choose("card_qr_again")
    assert driver.view.screen == "face" and driver.visit.identity is not None


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_receipt_qr_shown_to_the_camera_finds_the_file(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    (receipt,) = printed(driver)
    driver.choose("status")
    assert driver.view.screen == "status_find" and driver.view.camera
    with driver.held_to_camera(page_image(receipt)):
        driver.tick_until(lambda: driver.view.screen == "status", "the status of the file on the receipt")
    code = driver.kiosk.portal_simulator.applications()[0]["dossier_code"]
    assert code in label(driver, "line_value_0")

"""The identify screen names what went wrong with the chip: a broken secure-messaging link is not "the card left the
reader", and a chip that fails its side of PACE is "could not be verified", not "check your details"."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from devices.card.emulator.chip import ChipBehaviour
from kiosk.session_events import SessionState
from tests.ui.test_recovery import reach_key_choice, type_key


@pytest.mark.parametrize(
    ("behaviour", "extended", "message"),
    [
        (ChipBehaviour(bad_mac_after=2), False, "card.secure_messaging"),
        (ChipBehaviour(pace_fault="wrong_token"), True, "card.not_authentic"),
    ],
)
def test_a_chip_failure_is_told_as_what_it_is(make_kiosk: Any, behaviour: ChipBehaviour, extended: bool,
                                              message: str) -> None:
    driver = make_kiosk()
    image = driver.kiosk.extras["card_image"]
    driver.kiosk.extras["card_image"] = dataclasses.replace(image, behaviour=behaviour, extended_length=extended)
    reach_key_choice(driver)
    type_key(driver, date(1990, 3, 14))
    driver.wait(lambda: driver.has("try_again"), 20, "the card error page")
    shown = driver.window.findChild(QLabel, "card_error").text()
    assert shown == driver.kiosk.translate(message, "vi")
    assert shown != driver.kiosk.translate("card.card_removed", "vi")
    assert driver.has("error_call_staff")
    assert driver.kiosk.session.identity is None
    assert driver.kiosk.session.state is SessionState.IDENTIFY

"""The card screen names what went wrong with the chip: a broken secure-messaging link is not "the card left the
reader", and a chip that fails its side of PACE is "could not be verified", not "check your details"."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from devices.card.emulator.chip import ChipBehaviour
from kiosk.session.events import SessionState
from tests.ui.helpers import label, set_card


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
    image = driver.kiosk.card_image
    set_card(driver, dataclasses.replace(image, behaviour=behaviour, extended_length=extended))
    driver.insert_card()
    driver.wait_page("card_error")
    shown = label(driver, "error")
    assert shown == driver.kiosk.translate(message, "vi")
    assert shown != driver.kiosk.translate("card.card_removed", "vi")
    assert driver.has("choice_try_again") and driver.window.footer.call_staff.isVisible()
    assert driver.visit.identity is None
    assert driver.kiosk.session.state is SessionState.IDENTIFY

"""A chip that gets through PACE without proving it holds the shared secret is not genuine (ICAO 9303-11 §4.4.3.4):
a wrong authentication token of its own, or a point off the curve, is an authenticity failure, not a wrong key."""

from __future__ import annotations

import dataclasses

import pytest

from devices.card.access_keys import from_details
from devices.card.emulator.chip import ChipBehaviour
from devices.card.emulator.inprocess import inprocess_transport
from devices.card.emulator.personalise import CardImage
from devices.card.errors import AccessDeniedError, AuthenticityError, CardProtocolError
from devices.card.reader import read_card

DEMO_KEY = from_details("001190012345", "900314", "300314")
WRONG_KEY = from_details("001190012345", "900314", "310314")


@pytest.mark.parametrize("fault", ["wrong_token", "off_curve_point"])
def test_pace_fault_is_an_authenticity_failure(demo_image: CardImage, fault: str) -> None:
    image = dataclasses.replace(demo_image, behaviour=ChipBehaviour(pace_fault=fault))  # type: ignore[arg-type]
    with pytest.raises(AuthenticityError) as raised:
        read_card(inprocess_transport(image), [DEMO_KEY], None)
    assert not isinstance(raised.value, AccessDeniedError)
    assert raised.value.message_key == "card.not_authentic"


def test_a_wrong_key_is_still_access_denied(demo_image: CardImage) -> None:
    image = dataclasses.replace(demo_image, behaviour=ChipBehaviour(pace_fault="wrong_token"))
    with pytest.raises(AccessDeniedError):
        read_card(inprocess_transport(image), [WRONG_KEY], None)


def test_a_malformed_point_is_a_protocol_error_not_authenticity() -> None:
    from devices.card.protocol.ec_point import CURVES_BY_PARAMETER_ID
    from devices.card.protocol.pace import _point

    curve = CURVES_BY_PARAMETER_ID[13]
    with pytest.raises(CardProtocolError):
        _point(curve, b"\x04\x01\x02")
    good = curve.encode(curve.generator)
    with pytest.raises(AuthenticityError):
        _point(curve, good[:-1] + bytes([good[-1] ^ 1]))

"""PACE-ECDH-GM end to end against the emulated chip, for each curve and cipher the reader supports."""

from __future__ import annotations

import dataclasses

import pytest

from devices.card.access_keys import from_details
from devices.card.emulator.inprocess import inprocess_transport
from devices.card.emulator.personalise import CardImage
from devices.card.errors import AccessDeniedError
from devices.card.identity import AccessProtocol
from devices.card.lds.security_infos import build_card_access
from devices.card.reader import establish_access, read_card

KEY = from_details("001190012345", "900314", "300314")


@pytest.mark.parametrize("curve", ["brainpoolP256r1", "secp256r1"])
@pytest.mark.parametrize("cipher", ["3DES-CBC-CBC", "AES-CBC-CMAC-128", "AES-CBC-CMAC-192", "AES-CBC-CMAC-256"])
def test_pace_variants_establish_a_working_session(demo_image: CardImage, curve: str, cipher: str) -> None:
    files = dict(demo_image.files)
    files[0x011C] = build_card_access(curve, cipher=cipher)
    image = dataclasses.replace(demo_image, files=files, pace_curve=curve, pace_cipher=cipher,
                                extended_length=False)
    identity = read_card(inprocess_transport(image), [KEY], None)
    assert identity.security is not None
    assert identity.security.access is AccessProtocol.PACE
    assert identity.id_number == "001190012345"


def test_pace_with_a_wrong_password_is_denied(demo_image: CardImage) -> None:
    wrong = from_details("001190012345", "900314", "300315")
    with pytest.raises(AccessDeniedError):
        establish_access(inprocess_transport(demo_image), [wrong])


def test_bac_is_used_when_pace_is_not_preferred(demo_image: CardImage) -> None:
    access = establish_access(inprocess_transport(demo_image), [KEY], prefer_pace=False)
    assert access.protocol is AccessProtocol.BAC

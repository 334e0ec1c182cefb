"""Whole reads through the protocol stack against the in-process emulated chip."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from devices.card.access_keys import AccessKey, from_details
from devices.card.emulator.chip import EmulatedChip
from devices.card.emulator.inprocess import InProcessChannel, inprocess_transport
from devices.card.emulator.personalise import CardImage, tamper
from devices.card.errors import AccessDeniedError, AuthenticityError, CardRemovedError
from devices.card.identity import AccessProtocol, ChipCheckStatus, PassiveAuthStatus
from devices.card.protocol.apdu import CommandApdu
from devices.card.protocol.transport import ApduTransport
from devices.card.reader import read_card, require_trustworthy
from devices.card.trust.trust_store import TrustStore

DEMO_KEY = from_details("001190012345", "900314", "300314")


def test_pace_read_yields_verified_identity(demo_image: CardImage, trust_dir: Path) -> None:
    transport = inprocess_transport(demo_image)
    identity = read_card(transport, [DEMO_KEY], TrustStore.from_folder(trust_dir))
    assert identity.id_number == "001190012345"
    assert identity.full_name == "Nguyễn Thị Thanh Hương"
    assert identity.date_of_birth == date(1990, 3, 14)
    assert identity.photo is not None and identity.photo.data[:2] == b"\xff\xd8"
    assert identity.security is not None
    assert identity.security.access is AccessProtocol.PACE
    assert identity.security.passive_auth is PassiveAuthStatus.GENUINE
    assert identity.security.chip_auth is ChipCheckStatus.PASSED
    assert identity.security.active_auth is ChipCheckStatus.PASSED


def test_bac_only_card_is_read_with_bac(bac_image: CardImage) -> None:
    transport = inprocess_transport(bac_image)
    key = AccessKey(bac_image.mrz_info[:9].rstrip("<"), bac_image.mrz_info[10:16], bac_image.mrz_info[17:23])
    identity = read_card(transport, [key], None)
    assert identity.security is not None
    assert identity.security.access is AccessProtocol.BAC
    assert identity.security.passive_auth is PassiveAuthStatus.UNCHECKED


def test_second_candidate_key_is_tried_after_a_wrong_one(demo_image: CardImage) -> None:
    wrong = from_details("001190012345", "900314", "400314")
    identity = read_card(inprocess_transport(demo_image), [wrong, DEMO_KEY], None)
    assert identity.id_number == "001190012345"


@pytest.mark.parametrize("fixture", ["demo_image", "bac_image"])
def test_wrong_access_key_reads_nothing_else(fixture: str, request: pytest.FixtureRequest) -> None:
    image: CardImage = request.getfixturevalue(fixture)
    chip = EmulatedChip(image)
    channel = InProcessChannel(chip)
    wrong = from_details("001190012345", "900314", "250101")
    with pytest.raises(AccessDeniedError):
        read_card(ApduTransport(channel), [wrong], None)
    assert not chip.authenticated
    # The chip refuses the data groups to anyone who has not authenticated.
    chip.process(CommandApdu(0x00, 0xA4, 0x04, 0x0C, bytes.fromhex("A0000002471001")).to_bytes())
    refused = chip.process(CommandApdu(0x00, 0xB0, 0x81, 0x00, b"", 4).to_bytes())
    assert refused[-2:] == b"\x69\x82"


def test_card_removed_mid_read_raises_removed(demo_image: CardImage) -> None:
    with pytest.raises(CardRemovedError):
        read_card(inprocess_transport(demo_image, remove_after=12), [DEMO_KEY], None)


def test_edited_dg13_is_reported_as_tampered(demo_image: CardImage, trust_dir: Path) -> None:
    identity = read_card(inprocess_transport(tamper(demo_image, 13)), [DEMO_KEY], TrustStore.from_folder(trust_dir))
    assert identity.security is not None
    assert identity.security.passive_auth is PassiveAuthStatus.TAMPERED
    assert identity.security.tampered_groups == (13,)
    with pytest.raises(AuthenticityError) as raised:
        require_trustworthy(identity)
    assert raised.value.groups == (13,)


def test_short_length_chip_needs_more_apdus_than_extended(demo_image: CardImage, short_image: CardImage) -> None:
    long_t = inprocess_transport(demo_image)
    read_card(long_t, [DEMO_KEY], None)
    short_t = inprocess_transport(short_image)
    read_card(short_t, [DEMO_KEY], None)
    dg2 = len(demo_image.files[0x0102])
    assert short_t.apdu_count >= long_t.apdu_count + dg2 // 223 - 1


def test_cloned_chip_without_the_aa_key_fails_active_auth(demo_image: CardImage) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    clone = dataclasses.replace(demo_image, aa_private_key=rsa.generate_private_key(65537, 1024))
    identity = read_card(inprocess_transport(clone), [DEMO_KEY], None)
    assert identity.security is not None
    assert identity.security.active_auth is ChipCheckStatus.FAILED
    assert not identity.security.trustworthy


def test_cloned_chip_without_the_ca_key_fails(demo_image: CardImage) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    clone = dataclasses.replace(demo_image, ca_private_key=ec.generate_private_key(ec.BrainpoolP256R1()))
    with pytest.raises(AuthenticityError):
        read_card(inprocess_transport(clone), [DEMO_KEY], None)


@pytest.mark.parametrize("fixture", ["demo_image", "short_image", "bac_image"])
def test_extended_length_is_found_by_trying_when_the_atr_is_silent(fixture: str,
                                                                   request: pytest.FixtureRequest) -> None:
    image: CardImage = request.getfixturevalue(fixture)
    silent = bytes.fromhex("3B8180018080")  # contactless ATR whose historical bytes hold no card capabilities
    transport = ApduTransport(InProcessChannel(EmulatedChip(image, atr=silent)))
    assert not transport.extended_length and not transport.extended_length_known
    identity = read_card(transport, [DEMO_KEY] if fixture != "bac_image" else [_bac_key(image)], None)
    assert identity.photo is not None
    assert transport.extended_length is image.extended_length


def _bac_key(image: CardImage) -> AccessKey:
    return AccessKey(image.mrz_info[:9].rstrip("<"), image.mrz_info[10:16], image.mrz_info[17:23])


def test_chip_without_short_ef_ids_is_read_with_select(demo_image: CardImage, trust_dir: Path) -> None:
    chip = EmulatedChip(demo_image)
    chip.short_ef_ids = False
    transport = ApduTransport(InProcessChannel(chip))
    identity = read_card(transport, [DEMO_KEY], TrustStore.from_folder(trust_dir))
    assert identity.security is not None and identity.security.trustworthy
    assert identity.full_name == "Nguyễn Thị Thanh Hương"


def test_clone_hiding_dg15_to_dodge_active_auth_fails(demo_image: CardImage) -> None:
    files = {fid: data for fid, data in demo_image.files.items() if fid != 0x010F}
    files[0x011E] = demo_image.files[0x011E]  # COM still lists DG15; the signed SOD still covers it
    clone = dataclasses.replace(demo_image, files=files, aa_private_key=None)
    identity = read_card(inprocess_transport(clone), [DEMO_KEY], None)
    assert identity.security is not None
    assert identity.security.active_auth is ChipCheckStatus.FAILED
    assert not identity.security.trustworthy

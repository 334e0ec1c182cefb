"""Extended length is used only when the card says so or a probe brought data back; a card that fails it mid-read
gets access re-established and the read continues with short APDUs (ICAO 9303-10, ISO/IEC 7816-4 §5.1)."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from devices.card.access_keys import AccessKey, from_details
from devices.card.emulator.chip import FID_ATR_INFO, ChipBehaviour, EmulatedChip
from devices.card.emulator.inprocess import InProcessChannel
from devices.card.emulator.personalise import CardImage, atr_info
from devices.card.errors import SecureMessagingError
from devices.card.identity import AccessProtocol, ChipCheckStatus, Identity, PassiveAuthStatus
from devices.card.protocol.transport import ApduTransport
from devices.card.reader import read_card
from devices.card.trust.trust_store import TrustStore

DEMO_KEY = from_details("001190012345", "900314", "300314")


class RecordingChannel(InProcessChannel):
    """The in-process reader, remembering every command APDU sent and every status word answered."""

    def __init__(self, chip: EmulatedChip) -> None:
        super().__init__(chip)
        self.sent: list[bytes] = []
        self.answers: list[int] = []

    def exchange(self, command: bytes) -> bytes:
        self.sent.append(command)
        answer = super().exchange(command)
        self.answers.append(int.from_bytes(answer[-2:], "big"))
        return answer

    def extended_sent(self) -> list[bytes]:
        return [c for c in self.sent if len(c) >= 7 and c[4] == 0]


def _with(image: CardImage, **behaviour: object) -> CardImage:
    chosen = ChipBehaviour(**behaviour)  # type: ignore[arg-type]
    files = dict(image.files)
    if chosen.length_info == "ef_atr_info":
        files[FID_ATR_INFO] = atr_info(image.extended_length if chosen.length_claim is None else chosen.length_claim)
    return dataclasses.replace(image, files=files, behaviour=chosen)


def _bac_key(image: CardImage) -> AccessKey:
    return AccessKey(image.mrz_info[:9].rstrip("<"), image.mrz_info[10:16], image.mrz_info[17:23])


def _read(image: CardImage, trust: TrustStore | None = None) -> tuple[RecordingChannel, ApduTransport, Identity]:
    channel = RecordingChannel(EmulatedChip(image))
    transport = ApduTransport(channel)
    key = DEMO_KEY if image.pace_curve else _bac_key(image)
    identity = read_card(transport, [key], trust)
    return channel, transport, identity


@pytest.mark.parametrize("order", ["after_access", "first"])
@pytest.mark.parametrize("fixture", ["bac_image", "short_image"])
def test_a_short_only_card_is_read_in_either_order_of_checks(fixture: str, order: str,
                                                             request: pytest.FixtureRequest) -> None:
    image = _with(request.getfixturevalue(fixture), length_info="none", length_check=order)
    channel, transport, identity = _read(image)
    assert identity.photo is not None
    assert not transport.extended_length
    # Only the probe went out in extended form; its refusal (6A82/6700 or data) decided nothing in favour.
    assert len(channel.extended_sent()) == 1
    assert channel.sent.index(channel.extended_sent()[0]) <= 2


def test_a_probe_refused_with_6a82_is_not_taken_for_extended_length(bac_image: CardImage) -> None:
    image = _with(bac_image, length_info="none", length_check="after_access")
    channel, transport, _ = _read(image)
    probe = channel.sent.index(channel.extended_sent()[0])
    assert channel.answers[probe] == 0x6A82
    assert transport.extended_length_source == "unproven"


def test_a_probe_that_brings_data_back_proves_extended_length(demo_image: CardImage) -> None:
    image = _with(demo_image, length_info="none")
    channel, transport, _ = _read(image)
    assert transport.extended_length and transport.extended_length_source == "probe"
    assert 0x6700 not in channel.answers


@pytest.mark.parametrize("fixture", ["demo_image", "short_image", "bac_image"])
def test_ef_atr_info_decides_without_a_probe(fixture: str, request: pytest.FixtureRequest) -> None:
    original: CardImage = request.getfixturevalue(fixture)
    image = _with(original, length_info="ef_atr_info", length_check="after_access")
    channel, transport, identity = _read(image)
    assert identity.photo is not None
    assert transport.extended_length is original.extended_length
    assert transport.extended_length_source == "ef_atr_info"
    assert 0x6700 not in channel.answers
    if not original.extended_length:
        assert channel.extended_sent() == []


@pytest.mark.parametrize("refusal", ["wrong_length", "session_lost"])
def test_a_card_that_claims_extended_length_and_fails_it_is_read_short_after_one_retry(
        short_image: CardImage, trust_dir: Path, refusal: str, caplog: pytest.LogCaptureFixture) -> None:
    image = _with(short_image, length_claim=True, extended_refusal=refusal)
    with caplog.at_level(logging.WARNING, logger="devices.card.reader"):
        channel, transport, identity = _read(image, TrustStore.from_folder(trust_dir))
    security = identity.security
    assert security is not None
    assert security.access is AccessProtocol.PACE
    assert security.passive_auth is PassiveAuthStatus.GENUINE
    assert security.chip_auth is ChipCheckStatus.PASSED and security.active_auth is ChipCheckStatus.PASSED
    assert not transport.extended_length and transport.extended_length_source == "fallback"
    assert len(channel.extended_sent()) == 1
    retries = [r for r in caplog.records if "short APDUs" in r.getMessage()]
    assert len(retries) == 1


def test_a_secure_messaging_failure_after_an_extended_command_is_retried_short(demo_image: CardImage) -> None:
    image = _with(demo_image, bad_mac_after=2)  # the first extended read gets a spoiled MAC
    _, transport, identity = _read(image)
    assert identity.photo is not None
    assert transport.extended_length_source == "fallback"


def test_a_secure_messaging_failure_on_short_apdus_is_not_retried(short_image: CardImage) -> None:
    image = _with(short_image, bad_mac_after=2)
    channel = RecordingChannel(EmulatedChip(image))
    with pytest.raises(SecureMessagingError) as raised:
        read_card(ApduTransport(channel), [DEMO_KEY], None)
    assert raised.value.message_key == "card.secure_messaging"
    assert sum(1 for c in channel.sent if c[1] == 0x22 and c[2:4] == b"\xc1\xa4") == 1  # PACE ran once

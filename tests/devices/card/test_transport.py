"""ApduTransport: GET RESPONSE and Le re-send chaining (7816-4 §5.3), extended length from the ATR."""

from __future__ import annotations

import pytest

from devices.card.errors import CardProtocolError
from devices.card.protocol.apdu import CommandApdu, ResponseApdu
from devices.card.protocol.transport import (
    ApduTransport,
    contactless_atr,
    extended_length_from_atr,
    historical_bytes,
    supports_extended_length,
)


class ScriptedCard:
    """A card that answers from a script and records what it was sent."""

    def __init__(self, answers: list[str], atr: bytes = contactless_atr(False)) -> None:
        self.answers = [bytes.fromhex(a) for a in answers]
        self.sent: list[bytes] = []
        self.atr = atr

    def exchange(self, command: bytes) -> bytes:
        self.sent.append(command)
        return self.answers.pop(0)


def test_61xx_is_followed_by_get_response_and_data_joined() -> None:
    card = ScriptedCard(["0102036104", "040506079000"])
    answer = ApduTransport(card).transmit(CommandApdu(0x00, 0x88, 0, 0, b"\x00" * 8, 256))
    assert answer == ResponseApdu(bytes(range(1, 8)), 0x9000)
    assert card.sent[1].hex() == "00c0000004"


def test_6cxx_resends_with_the_length_the_card_names() -> None:
    card = ScriptedCard(["6C02", "AABB9000"])
    transport = ApduTransport(card)
    answer = transport.transmit(CommandApdu(0x00, 0xB0, 0, 0, b"", 16))
    assert answer.data == b"\xaa\xbb"
    assert card.sent[1].hex() == "00b0000002"
    assert transport.apdu_count == 2


def test_an_endless_chain_is_cut() -> None:
    card = ScriptedCard(["6101"] * 400)
    with pytest.raises(CardProtocolError):
        ApduTransport(card).transmit(CommandApdu(0x00, 0xB0, 0, 0, b"", 16))


def test_extended_length_is_read_from_the_card_capabilities() -> None:
    assert supports_extended_length(contactless_atr(True))
    assert not supports_extended_length(contactless_atr(False))
    assert historical_bytes(contactless_atr(True)) == bytes.fromhex("8073000040")
    # A contact ATR (T=1) from a Java Card: 3B F8 13 00 00 81 31 FE 45 + "JCOP41V2" historical bytes.
    assert not supports_extended_length(bytes.fromhex("3BF81300008131FE454A434F5034315632"))
    assert not supports_extended_length(b"")
    assert extended_length_from_atr(contactless_atr(False)) is False
    assert extended_length_from_atr(bytes.fromhex("3B8180018080")) is None  # no card capabilities: silent
    assert ApduTransport(ScriptedCard([], contactless_atr(True))).extended_length


@pytest.mark.parametrize("refusal", ["6A82", "6982", "6985"])
def test_a_probe_refused_for_access_or_file_does_not_prove_extended_length(refusal: str) -> None:
    card = ScriptedCard([refusal], bytes.fromhex("3B8180018080"))
    transport = ApduTransport(card)
    answer = transport.probe_extended_length(CommandApdu(0x00, 0xB0, 0x9C, 0x00, b"", 65536))
    assert answer.sw == int(refusal, 16)
    assert transport.extended_length_known and not transport.extended_length
    assert transport.extended_length_source == "unproven"


def test_a_probe_that_returns_data_proves_extended_length() -> None:
    card = ScriptedCard(["31009000"], bytes.fromhex("3B8180018080"))
    transport = ApduTransport(card)
    transport.probe_extended_length(CommandApdu(0x00, 0xB0, 0x9C, 0x00, b"", 65536))
    assert transport.extended_length and transport.extended_length_source == "probe"
    assert card.sent[0].hex() == "00b09c00000000"
    assert transport.last_extended


def test_a_probe_answered_6700_is_sent_again_short() -> None:
    card = ScriptedCard(["6700", "31009000"], bytes.fromhex("3B8180018080"))
    transport = ApduTransport(card)
    answer = transport.probe_extended_length(CommandApdu(0x00, 0xB0, 0x9C, 0x00, b"", 65536))
    assert answer.data == b"\x31\x00" and not transport.extended_length
    assert card.sent[1].hex() == "00b09c0000" and not transport.last_extended


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("4703000040", True),                # card capabilities, third software function table byte, b7
        ("4703000000", False),
        ("7F660802020F0002020F00", True),   # extended length information: max Nc, max Ne
        ("7F6608020200FF02020100", False),
        ("4F0780250000010FFF", None),        # no capabilities at all
        ("", None),
        ("47", None),                        # malformed
    ],
)
def test_ef_atr_info_tells_extended_length(info: str, expected: bool | None) -> None:
    from devices.card.protocol.transport import extended_length_from_atr_info

    assert extended_length_from_atr_info(bytes.fromhex(info)) is expected


def test_silent_contactless_atr_has_no_card_capabilities() -> None:
    assert extended_length_from_atr(contactless_atr(None)) is None
    assert contactless_atr(None) == bytes.fromhex("3B8180018080")


def test_an_extended_command_answered_through_get_response_still_counts_as_extended() -> None:
    card = ScriptedCard(["01026102", "03046988"], contactless_atr(True))
    transport = ApduTransport(card)
    answer = transport.transmit(CommandApdu(0x0C, 0xB0, 0, 0, b"", 65536))
    assert answer.sw == 0x6988
    assert card.sent[1].hex() == "00c0000002"
    assert transport.last_extended

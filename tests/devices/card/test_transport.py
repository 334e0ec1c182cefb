"""ApduTransport: GET RESPONSE and Le re-send chaining (7816-4 §5.3), extended length from the ATR."""

from __future__ import annotations

import pytest

from devices.card.apdu import CommandApdu, ResponseApdu
from devices.card.errors import CardProtocolError
from devices.card.transport import (
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

"""ISO/IEC 7816-4 APDU encoding: the seven cases round-trip, and any bytes either parse or raise ApduFormatError."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.card.errors import ApduFormatError, CardError
from devices.card.protocol.apdu import CommandApdu, ResponseApdu
from devices.card.tlv import TlvError, parse_all


@pytest.mark.parametrize(
    ("apdu", "encoded"),
    [
        (CommandApdu(0x00, 0x84, 0, 0, b"", 8), "0084000008"),
        (CommandApdu(0x00, 0xB0, 0x81, 0, b"", 256), "00B0810000"),
        (CommandApdu(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1e"), "00A4020C02011E"),
        (CommandApdu(0x00, 0xB0, 0x81, 0, b"", 65536), "00B08100000000"),
        (CommandApdu(0x00, 0xB0, 0x81, 0, b"", 1000), "00B081000003E8"),
        (CommandApdu(0x0C, 0xB0, 0, 0, b"\xaa" * 300, 65536), "0CB00000" + "00012C" + "AA" * 300 + "0000"),
    ],
)
def test_known_encodings(apdu: CommandApdu, encoded: str) -> None:
    assert apdu.to_bytes().hex().upper() == encoded.upper()
    assert CommandApdu.from_bytes(bytes.fromhex(encoded)) == apdu


commands = st.builds(
    CommandApdu,
    cla=st.integers(0, 255), ins=st.integers(0, 255), p1=st.integers(0, 255), p2=st.integers(0, 255),
    data=st.binary(max_size=600), ne=st.none() | st.integers(1, 65536),
)


@given(commands)
def test_every_command_round_trips(apdu: CommandApdu) -> None:
    assert CommandApdu.from_bytes(apdu.to_bytes()) == apdu


@given(commands)
def test_forced_extended_encoding_round_trips(apdu: CommandApdu) -> None:
    if apdu.data or apdu.ne is not None:
        assert CommandApdu.from_bytes(apdu.to_bytes(extended=True)) == apdu


@given(st.binary(max_size=700))
def test_parsing_arbitrary_bytes_never_crashes(raw: bytes) -> None:
    """Fuzz target: a hostile card or reader can send anything; only ApduFormatError may come out."""
    try:
        parsed = CommandApdu.from_bytes(raw)
    except ApduFormatError as exc:
        assert isinstance(exc, CardError)
    else:
        assert parsed.to_bytes(extended=len(raw) >= 7 and raw[4] == 0) == raw
    try:
        response = ResponseApdu.from_bytes(raw)
    except ApduFormatError:
        assert len(raw) < 2
    else:
        assert response.to_bytes() == raw
    with contextlib.suppress(TlvError):
        parse_all(raw)


def test_short_and_bad_inputs_are_refused() -> None:
    for raw in (b"", b"\x00\xa4\x04", bytes.fromhex("00A4040C05A000"), bytes.fromhex("00B000000000")):
        with pytest.raises(ApduFormatError):
            CommandApdu.from_bytes(raw)
    with pytest.raises(ApduFormatError):
        CommandApdu(0x100, 0, 0, 0)
    with pytest.raises(ApduFormatError):
        CommandApdu(0, 0, 0, 0, b"", 0)

"""Secure messaging both ways (ICAO 9303-11 §9.8): terminal and chip halves agree; any change is caught."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card.errors import SecureMessagingError
from devices.card.protocol.apdu import CommandApdu, ResponseApdu
from devices.card.protocol.cipher import AES128, AES192, AES256, DES3, CipherSuite
from devices.card.protocol.secure_messaging import (
    SmSession,
    max_plain_le,
    unwrap_command,
    unwrap_response,
    wrap_command,
    wrap_response,
)

SUITES = [DES3, AES128, AES192, AES256]


def _pair(suite: CipherSuite) -> tuple[SmSession, SmSession]:
    terminal = SmSession(suite, bytes(range(suite.key_length)), bytes(range(1, suite.key_length + 1)), 41)
    return terminal, dataclasses.replace(terminal)


@settings(max_examples=40, deadline=None)
@given(suite=st.sampled_from(SUITES), ins=st.sampled_from([0xA4, 0xB0, 0xB1, 0x88]),
       data=st.binary(max_size=300), ne=st.none() | st.integers(1, 65536), reply=st.binary(max_size=300),
       sw=st.sampled_from([0x9000, 0x6282, 0x6A82]))
def test_terminal_and_chip_halves_agree(suite: CipherSuite, ins: int, data: bytes, ne: int | None,
                                        reply: bytes, sw: int) -> None:
    terminal, chip = _pair(suite)
    plain = CommandApdu(0x00, ins, 0x01, 0x02, data, ne)
    protected = wrap_command(terminal, plain)
    assert len(data) < 8 or data not in protected.data  # short strings may occur in ciphertext by chance
    assert unwrap_command(chip, CommandApdu.from_bytes(protected.to_bytes())) == plain
    answer = ResponseApdu(reply, sw)
    assert unwrap_response(terminal, wrap_response(chip, answer)) == answer
    assert terminal.ssc == chip.ssc


@pytest.mark.parametrize("suite", SUITES)
def test_a_flipped_bit_in_a_response_is_refused(suite: CipherSuite) -> None:
    terminal, chip = _pair(suite)
    wrap_command(terminal, CommandApdu(0, 0xB0, 0, 0, b"", 16))
    chip.ssc += 1
    wrapped = wrap_response(chip, ResponseApdu(b"secret data here", 0x9000))
    broken = bytearray(wrapped.data)
    broken[5] ^= 0x01
    with pytest.raises(SecureMessagingError):
        unwrap_response(terminal, ResponseApdu(bytes(broken), 0x9000))


@pytest.mark.parametrize("suite", SUITES)
def test_a_replayed_command_is_refused_by_the_chip(suite: CipherSuite) -> None:
    terminal, chip = _pair(suite)
    protected = wrap_command(terminal, CommandApdu(0, 0xB0, 0, 0, b"", 16))
    unwrap_command(chip, protected)
    chip.ssc += 1  # the chip's response
    with pytest.raises(SecureMessagingError) as raised:
        unwrap_command(chip, protected)
    assert raised.value.sw == 0x6988


def test_missing_status_object_or_sm_error_status_is_refused() -> None:
    terminal, _ = _pair(AES128)
    with pytest.raises(SecureMessagingError):
        unwrap_response(terminal, ResponseApdu(b"", 0x6988))
    with pytest.raises(SecureMessagingError):
        unwrap_response(terminal, ResponseApdu(bytes.fromhex("8E080102030405060708"), 0x9000))
    with pytest.raises(SecureMessagingError):
        unwrap_response(terminal, ResponseApdu(b"", 0x9000))


def test_largest_short_reads_fit_the_envelope() -> None:
    assert max_plain_le(8) == 0xE7
    assert max_plain_le(16) == 0xDF
    for block in (8, 16):
        _terminal, chip = _pair(DES3 if block == 8 else AES128)
        chip.ssc += 1
        wrapped = wrap_response(chip, ResponseApdu(bytes(max_plain_le(block)), 0x9000))
        assert len(wrapped.data) <= 256
        too_big = wrap_response(chip, ResponseApdu(bytes(max_plain_le(block) + block), 0x9000))
        assert len(too_big.data) > 256

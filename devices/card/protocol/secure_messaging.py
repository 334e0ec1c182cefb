"""Secure messaging, ICAO 9303-11 §9.8 (ISO/IEC 7816-4 §10): protect command APDUs and check protected responses.

After BAC, PACE or Chip Authentication every APDU travels protected: data encrypted in DO'87' (DO'85' for odd
INS), the expected length in DO'97', the response status in DO'99', and a MAC in DO'8E' over the send sequence
counter (SSC) and everything before it. The SSC grows by one per command and per response, so a replayed or
dropped message breaks the MAC. `SecureMessagingTransport` wraps a transport the way pyscard's connection
decorators do, so code above it sends plain APDUs. The chip-side half (`unwrap_command`, `wrap_response`) serves
the emulator.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from devices.card.errors import SecureMessagingError
from devices.card.protocol import cipher
from devices.card.protocol.apdu import (
    EXTENDED_MAX_NE,
    SHORT_MAX_NE,
    SW_SM_OBJECTS_INCORRECT,
    SW_SM_OBJECTS_MISSING,
    CommandApdu,
    ResponseApdu,
)
from devices.card.protocol.cipher import CipherKind, CipherSuite
from devices.card.protocol.transport import CardTransport
from devices.card.tlv import TlvError, encode_tlv, parse_all


@dataclass
class SmSession:
    """Session keys and the send sequence counter; mutable because the SSC advances with every message."""

    suite: CipherSuite
    k_enc: bytes
    k_mac: bytes
    ssc: int = 0

    def __repr__(self) -> str:  # keys never appear in logs
        return f"SmSession({self.suite.kind}, ssc=…)"

    def next_ssc(self) -> bytes:
        self.ssc = (self.ssc + 1) % (1 << (8 * self.suite.block_size))
        return self.ssc.to_bytes(self.suite.block_size, "big")

    def _iv(self, ssc: bytes) -> bytes:
        if self.suite.kind is CipherKind.AES:  # 9303-11 §9.8.6.1: IV = E(KSenc, SSC)
            return cipher.ecb_encrypt_block(self.suite, self.k_enc, ssc)
        return bytes(8)

    def encrypt(self, ssc: bytes, data: bytes) -> bytes:
        return cipher.encrypt(self.suite, self.k_enc, cipher.pad(data, self.suite.block_size), self._iv(ssc))

    def decrypt(self, ssc: bytes, data: bytes) -> bytes:
        try:
            return cipher.unpad(cipher.decrypt(self.suite, self.k_enc, data, self._iv(ssc)))
        except ValueError as exc:
            raise SecureMessagingError("encrypted data object does not decrypt") from exc

    def mac(self, ssc: bytes, data: bytes) -> bytes:
        return cipher.mac(self.suite, self.k_mac, cipher.pad(ssc + data, self.suite.block_size), padded=True)


def max_plain_le(block_size: int, response_budget: int = SHORT_MAX_NE) -> int:
    """The largest READ BINARY Le whose protected response still fits `response_budget` bytes (DO87+DO99+DO8E)."""
    n = response_budget - 16
    while n > 0:
        padded = (n // block_size + 1) * block_size
        if len(encode_tlv(0x87, bytes(padded + 1))) + 4 + 10 <= response_budget:
            return n
        n -= 1
    return 0


def _encode_le(ne: int, extended: bool) -> bytes:
    if extended:
        return (0 if ne == EXTENDED_MAX_NE else ne).to_bytes(2, "big")
    return bytes([0 if ne == SHORT_MAX_NE else ne])


def wrap_command(session: SmSession, command: CommandApdu) -> CommandApdu:
    """Protect a plain command (terminal side)."""
    ssc = session.next_ssc()
    cla = command.cla | 0x0C
    header = cipher.pad(bytes([cla, command.ins, command.p1, command.p2]), session.suite.block_size)
    extended = command.needs_extended
    body = b""
    if command.data:
        encrypted = session.encrypt(ssc, command.data)
        body += encode_tlv(0x85, encrypted) if command.ins & 1 else encode_tlv(0x87, b"\x01" + encrypted)
    if command.ne is not None:
        body += encode_tlv(0x97, _encode_le(command.ne, extended))
    body += encode_tlv(0x8E, session.mac(ssc, header + body))
    outer_ne = EXTENDED_MAX_NE if extended or len(body) > 255 else SHORT_MAX_NE
    return CommandApdu(cla, command.ins, command.p1, command.p2, body, outer_ne)


def _objects(data: bytes) -> dict[int, bytes]:
    try:
        found = {obj.tag: obj.encode() for obj in parse_all(data)}
    except TlvError as exc:
        raise SecureMessagingError(f"malformed protected data: {exc}") from exc
    return found


def unwrap_response(session: SmSession, response: ResponseApdu) -> ResponseApdu:
    """Check and open a protected response (terminal side). Raises SecureMessagingError on any doubt."""
    ssc = session.next_ssc()
    if response.sw in (SW_SM_OBJECTS_MISSING, SW_SM_OBJECTS_INCORRECT):
        raise SecureMessagingError("the chip rejected our secure messaging", response.sw)
    if not response.data:
        # A bare error status (6A82 file not found …) carries no data to protect; it still ends nothing secret.
        if response.ok:
            raise SecureMessagingError("unprotected success response", response.sw)
        return response
    objects = _objects(response.data)
    if 0x8E not in objects or 0x99 not in objects:
        raise SecureMessagingError("protected response lacks DO'99' or DO'8E'", response.sw)
    covered = objects.get(0x87, b"") + objects.get(0x85, b"") + objects[0x99]
    if not hmac.compare_digest(session.mac(ssc, covered), objects[0x8E][2:]):
        raise SecureMessagingError("response MAC is wrong", response.sw)
    status = objects[0x99][2:]
    if len(status) != 2:
        raise SecureMessagingError("DO'99' is not a status word", response.sw)
    data = b""
    if 0x87 in objects:
        value = parse_all(objects[0x87])[0].value
        if not value or value[0] != 0x01:
            raise SecureMessagingError("unknown padding indicator in DO'87'", response.sw)
        data = session.decrypt(ssc, value[1:])
    elif 0x85 in objects:
        data = session.decrypt(ssc, parse_all(objects[0x85])[0].value)
    return ResponseApdu(data, int.from_bytes(status, "big"))


def unwrap_command(session: SmSession, command: CommandApdu) -> CommandApdu:
    """Check and open a protected command (chip side). Raises SecureMessagingError (→ 6987/6988)."""
    ssc = session.next_ssc()
    if command.cla & 0x0C != 0x0C:
        raise SecureMessagingError("command is not protected", SW_SM_OBJECTS_MISSING)
    objects = _objects(command.data)
    if 0x8E not in objects:
        raise SecureMessagingError("no MAC object", SW_SM_OBJECTS_MISSING)
    header = cipher.pad(command.header, session.suite.block_size)
    covered = objects.get(0x87, b"") + objects.get(0x85, b"") + objects.get(0x97, b"")
    if not hmac.compare_digest(session.mac(ssc, header + covered), objects[0x8E][2:]):
        raise SecureMessagingError("command MAC is wrong", SW_SM_OBJECTS_INCORRECT)
    data = b""
    if 0x87 in objects:
        value = parse_all(objects[0x87])[0].value
        if not value or value[0] != 0x01:
            raise SecureMessagingError("unknown padding indicator", SW_SM_OBJECTS_INCORRECT)
        data = session.decrypt(ssc, value[1:])
    elif 0x85 in objects:
        data = session.decrypt(ssc, parse_all(objects[0x85])[0].value)
    ne: int | None = None
    if 0x97 in objects:
        le = parse_all(objects[0x97])[0].value
        if len(le) == 1:
            ne = le[0] or SHORT_MAX_NE
        elif len(le) == 2:
            ne = int.from_bytes(le, "big") or EXTENDED_MAX_NE
        else:
            raise SecureMessagingError("DO'97' is not a length", SW_SM_OBJECTS_INCORRECT)
    return CommandApdu(command.cla & ~0x0C & 0xFF, command.ins, command.p1, command.p2, data, ne)


def wrap_response(session: SmSession, response: ResponseApdu) -> ResponseApdu:
    """Protect a plain response (chip side)."""
    ssc = session.next_ssc()
    body = b""
    if response.data:
        body += encode_tlv(0x87, b"\x01" + session.encrypt(ssc, response.data))
    body += encode_tlv(0x99, response.sw.to_bytes(2, "big"))
    body += encode_tlv(0x8E, session.mac(ssc, body))
    return ResponseApdu(body, 0x9000)


class SecureMessagingTransport:
    """A `CardTransport` that protects every command and verifies every response with `session`."""

    def __init__(self, inner: CardTransport, session: SmSession) -> None:
        self.inner = inner
        self.session = session

    @property
    def extended_length(self) -> bool:
        return self.inner.extended_length

    @property
    def apdu_count(self) -> int:
        return self.inner.apdu_count

    def transmit(self, command: CommandApdu) -> ResponseApdu:
        return unwrap_response(self.session, self.inner.transmit(wrap_command(self.session, command)))

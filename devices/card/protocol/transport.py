"""Moving APDUs to a card: the `CardTransport` port every protocol layer talks to, ISO/IEC 7816-3/-4.

`ApduTransport` sits on a byte-level `RawChannel` (PC/SC, the in-process emulator) and does what 7816-4 §5.3 leaves
to the terminal: it follows `61xx` with GET RESPONSE, re-sends after `6Cxx` with the right Le, counts the APDUs on
the wire (for the benchmark) and keeps what is known about extended length fields. ICAO 9303-10 asks a chip that
takes extended Lc/Le to say so in its ATR/ATS or in EF.ATR/INFO: the card capabilities (ISO/IEC 7816-4, third
software function table byte, bit b7) or the extended length information DO'7F66'. When both are silent only a
probe that actually brought data back counts as proof; a refusal for any other reason (file not found, security
status, conditions of use) proves nothing, because cards check those before or after the length in either order.
"""

from __future__ import annotations

import logging
from typing import Protocol

from devices.card.errors import CardProtocolError
from devices.card.protocol.apdu import (
    SHORT_MAX_NC,
    SHORT_MAX_NE,
    SW_END_OF_FILE,
    SW_OK,
    SW_WRONG_LENGTH,
    CommandApdu,
    ResponseApdu,
)
from devices.card.tlv import TlvError, parse_all

log = logging.getLogger(__name__)

_MAX_CHAINED = 256  # GET RESPONSE rounds before we call the card broken


class RawChannel(Protocol):
    """A byte pipe to one inserted card."""

    @property
    def atr(self) -> bytes: ...

    def exchange(self, command: bytes) -> bytes:
        """Send one command APDU, return the response APDU; raise CardRemovedError when the card is gone."""
        ...


class CardTransport(Protocol):
    """What every protocol layer above the wire needs."""

    @property
    def extended_length(self) -> bool: ...

    @property
    def apdu_count(self) -> int: ...

    def transmit(self, command: CommandApdu) -> ResponseApdu: ...


def historical_bytes(atr: bytes) -> bytes:
    """The historical bytes of an ATR (7816-3 §8.2): T0's low nibble counts them, after the interface bytes."""
    if len(atr) < 2:
        return b""
    count = atr[1] & 0x0F
    y = atr[1] >> 4
    offset = 2
    while True:
        offset += bin(y).count("1")
        if not y & 0x8 or offset > len(atr):
            break
        y = atr[offset - 1] >> 4
    return bytes(atr[offset : offset + count])


def extended_length_from_atr(atr: bytes) -> bool | None:
    """What the card capabilities (compact-TLV tag 7, third byte, bit 7) say about extended Lc/Le; None: silent."""
    hist = historical_bytes(atr)
    if not hist or hist[0] not in (0x00, 0x80):
        return None
    body = hist[1:-3] if hist[0] == 0x00 else hist[1:]
    i = 0
    while i < len(body):
        tag, length = body[i] >> 4, body[i] & 0x0F
        value = body[i + 1 : i + 1 + length]
        if tag == 0x7 and len(value) >= 3:
            return bool(value[2] & 0x40)
        i += 1 + length
    return None


def extended_length_from_atr_info(data: bytes) -> bool | None:
    """What EF.ATR/INFO says about extended Lc/Le: DO'47' (card capabilities, third byte, bit b7) first, then
    DO'7F66' (extended length information: maximum Nc and Ne as INTEGERs); None when it says neither."""
    try:
        objects = parse_all(data)
    except TlvError:
        return None
    for obj in objects:
        if obj.tag == 0x47 and len(obj.value) >= 3:
            return bool(obj.value[2] & 0x40)
    for obj in objects:
        if obj.tag == 0x7F66:
            try:
                limits = [int.from_bytes(o.value, "big") for o in parse_all(obj.value) if o.tag == 0x02]
            except TlvError:
                return None
            if len(limits) >= 2:
                return limits[0] > SHORT_MAX_NC or limits[1] > SHORT_MAX_NE
    return None


def supports_extended_length(atr: bytes) -> bool:
    return extended_length_from_atr(atr) is True


def contactless_atr(extended_length: bool | None) -> bytes:
    """The ATR a PC/SC reader builds for a 14443-4 card (PC/SC part 3 §3.1.3.2.3) with these card capabilities;
    None: historical bytes that say nothing about them."""
    capabilities = b"" if extended_length is None else bytes([0x73, 0x00, 0x00, 0x40 if extended_length else 0x00])
    hist = b"\x80" + capabilities
    body = bytes([0x80 | len(hist), 0x80, 0x01]) + hist
    tck = 0
    for byte in body:
        tck ^= byte
    return b"\x3b" + body + bytes([tck])


class ApduTransport:
    """A `CardTransport` over a `RawChannel`, with response chaining and an APDU counter."""

    def __init__(self, channel: RawChannel, extended_length: bool | None = None) -> None:
        self._channel = channel
        announced = extended_length_from_atr(channel.atr) if extended_length is None else extended_length
        self._extended = bool(announced)
        self.extended_length_known = announced is not None
        # Where the current belief comes from: atr, given, ef_atr_info, probe, unproven, fallback (or "" unknown).
        self.extended_length_source = "" if announced is None else "atr" if extended_length is None else "given"
        self.last_extended = False  # whether the last command sent used extended length fields
        self._count = 0

    @property
    def extended_length(self) -> bool:
        return self._extended

    @property
    def apdu_count(self) -> int:
        return self._count

    def set_extended_length(self, value: bool, source: str) -> None:
        """Record what the card showed (EF.ATR/INFO, a probe) or what a failure taught (fallback)."""
        self._extended = value
        self.extended_length_known = True
        self.extended_length_source = source

    def probe_extended_length(self, command: CommandApdu) -> ResponseApdu:
        """Send `command` in extended form to learn whether the card takes it (for cards whose ATR is silent).

        Use a harmless unprotected command. Only an answer with data proves extended length; 6700 gets the command
        again in short form; any other refusal leaves the card on short APDUs, which every card takes.
        """
        response = self._exchange(command, extended=True)
        if response.sw == SW_WRONG_LENGTH:
            self.set_extended_length(False, "probe")
            short_ne = None if command.ne is None else min(command.ne, SHORT_MAX_NE)
            return self.transmit(CommandApdu(command.cla, command.ins, command.p1, command.p2, command.data, short_ne))
        proven = response.sw in (SW_OK, SW_END_OF_FILE) and bool(response.data)
        self.set_extended_length(proven, "probe" if proven else "unproven")
        if not proven:
            log.info("extended length probe answered %04X: not proven, using short APDUs", response.sw)
        return response

    def _exchange(self, command: CommandApdu, extended: bool | None = None) -> ResponseApdu:
        self._count += 1
        raw = command.to_bytes(extended)
        self.last_extended = len(raw) >= 7 and raw[4] == 0
        return ResponseApdu.from_bytes(self._channel.exchange(raw))

    def transmit(self, command: CommandApdu) -> ResponseApdu:
        response = self._exchange(command)
        sent_extended = self.last_extended  # what a failure is judged by, whatever GET RESPONSE followed
        if response.sw1 == 0x6C:  # wrong Le: the card tells the right one
            fixed = CommandApdu(command.cla, command.ins, command.p1, command.p2, command.data,
                                response.sw2 or SHORT_MAX_NE)
            response = self._exchange(fixed)
        data = bytearray(response.data)
        rounds = 0
        while response.sw1 == 0x61:
            rounds += 1
            if rounds > _MAX_CHAINED:
                raise CardProtocolError("endless GET RESPONSE chain", response.sw)
            response = self._exchange(CommandApdu(command.cla & 0x03, 0xC0, 0, 0, b"", response.sw2 or SHORT_MAX_NE))
            data += response.data
        self.last_extended = sent_extended
        return ResponseApdu(bytes(data), response.sw)

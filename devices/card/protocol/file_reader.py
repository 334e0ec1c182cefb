"""Reading elementary files whole, in as few APDUs as the card allows (ISO/IEC 7816-4 §11.2, ICAO 9303-10 §3.6).

The first READ BINARY names the file by its short EF identifier (P1 = 0x80 | SFI), so no SELECT is spent (chips
that refuse short EF identifiers get a SELECT by FID instead), and
asks for the largest response the link can carry: an extended Le when the card accepts extended length, else
the biggest short Le whose secure-messaging envelope still fits 256 bytes. The BER-TLV header in those first
bytes gives the file size (`tlv.total_length`); the rest follows in maximal chunks, with the odd-INS READ BINARY
(offset in DO'54') beyond offset 32767.
"""

from __future__ import annotations

from devices.card.errors import CardProtocolError
from devices.card.protocol.apdu import (
    EXTENDED_MAX_NE,
    SHORT_MAX_NE,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_FUNC_NOT_SUPPORTED,
    SW_INCORRECT_P1P2,
    SW_OK,
    SW_SECURITY_NOT_SATISFIED,
    CommandApdu,
    ResponseApdu,
)
from devices.card.protocol.secure_messaging import SecureMessagingTransport, max_plain_le
from devices.card.protocol.transport import CardTransport
from devices.card.tlv import TlvError, parse_one, total_length

_MAX_EVEN_OFFSET = 0x7FFF
SW_WRONG_PARAMETERS = 0x6B00  # some chips answer a short EF identifier they do not support with 6B00
_MAX_FILE = 1 << 20  # no LDS file is near 1 MiB; a header claiming more is corrupt


def chunk_size(transport: CardTransport) -> int:
    """The most plain bytes one READ BINARY can return over `transport`."""
    budget = EXTENDED_MAX_NE if transport.extended_length else SHORT_MAX_NE
    if isinstance(transport, SecureMessagingTransport):
        return max_plain_le(transport.session.suite.block_size, budget)
    return budget


class FileReader:
    def __init__(self, transport: CardTransport) -> None:
        self.transport = transport

    def _check(self, response: ResponseApdu, what: str) -> bytes:
        if response.sw in (SW_OK, SW_END_OF_FILE):
            return response.data
        raise CardProtocolError(f"READ BINARY of {what} failed", response.sw)

    def read(self, fid: int) -> bytes | None:
        """The whole file `fid` (an 01xx FID with its SFI in the low byte); None when the card has no such file."""
        sfi = fid & 0x1F
        chunk = chunk_size(self.transport)
        first = self.transport.transmit(CommandApdu(0x00, 0xB0, 0x80 | sfi, 0x00, b"", chunk))
        if first.sw in (SW_INCORRECT_P1P2, SW_FUNC_NOT_SUPPORTED, SW_WRONG_PARAMETERS):
            # A chip that does not take short EF identifiers in READ BINARY: SELECT the file by FID first.
            selected = self.transport.transmit(CommandApdu(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")))
            if selected.sw == SW_FILE_NOT_FOUND:
                return None
            if selected.sw != SW_OK:
                raise CardProtocolError(f"SELECT of {fid:04X} failed", selected.sw)
            first = self.transport.transmit(CommandApdu(0x00, 0xB0, 0x00, 0x00, b"", chunk))
        if first.sw == SW_FILE_NOT_FOUND:
            return None
        if first.sw == SW_SECURITY_NOT_SATISFIED:
            raise CardProtocolError(f"file {fid:04X} is not readable now", first.sw)
        data = bytearray(self._check(first, f"{fid:04X}"))
        try:
            size = total_length(bytes(data[:8]))
        except TlvError as exc:
            raise CardProtocolError(f"file {fid:04X} does not start with a TLV header") from exc
        if size > _MAX_FILE:
            raise CardProtocolError(f"file {fid:04X} claims {size} bytes")
        while len(data) < size:
            offset = len(data)
            want = min(chunk, size - offset)
            if offset <= _MAX_EVEN_OFFSET:
                response = self.transport.transmit(
                    CommandApdu(0x00, 0xB0, offset >> 8, offset & 0xFF, b"", want))
                part = self._check(response, f"{fid:04X}")
            else:
                part = self._read_odd(offset, want, fid)
            if not part:
                raise CardProtocolError(f"file {fid:04X} ended before its declared size")
            data += part
        return bytes(data[:size])

    def _read_odd(self, offset: int, want: int, fid: int) -> bytes:
        """READ BINARY B1: the offset travels in DO'54', the data comes back in DO'53' (7816-4 §11.2.3)."""
        offset_bytes = offset.to_bytes(3, "big").lstrip(b"\x00") or b"\x00"
        command = CommandApdu(0x00, 0xB1, 0x00, 0x00, b"\x54" + bytes([len(offset_bytes)]) + offset_bytes,
                              min(want + 4, chunk_size(self.transport)))
        raw = self._check(self.transport.transmit(command), f"{fid:04X}")
        try:
            obj, _ = parse_one(raw)
        except TlvError as exc:
            raise CardProtocolError("odd READ BINARY answer is not DO'53'") from exc
        if obj.tag != 0x53:
            raise CardProtocolError("odd READ BINARY answer is not DO'53'")
        return obj.value

"""Command and response APDUs, ISO/IEC 7816-4 §5.1: short and extended length encodings, status words.

`CommandApdu.ne` is the maximum number of response bytes expected (Ne): None means no Le field, 256 is the short
`Le=00`, 65536 the extended `Le=0000`. Parsing is total: malformed bytes raise `ApduFormatError`, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.card.errors import ApduFormatError

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282          # fewer bytes than Ne were available
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_METHOD_BLOCKED = 0x6983
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_SM_OBJECTS_MISSING = 0x6987
SW_SM_OBJECTS_INCORRECT = 0x6988
SW_WRONG_DATA = 0x6A80
SW_FUNC_NOT_SUPPORTED = 0x6A81
SW_FILE_NOT_FOUND = 0x6A82
SW_INCORRECT_P1P2 = 0x6A86
SW_WRONG_OFFSET = 0x6B00
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00
SW_UNKNOWN = 0x6F00

SHORT_MAX_NC = 255
SHORT_MAX_NE = 256
EXTENDED_MAX_NC = 65535
EXTENDED_MAX_NE = 65536


@dataclass(frozen=True)
class CommandApdu:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    ne: int | None = None

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise ApduFormatError(f"{name} out of range")
        if len(self.data) > EXTENDED_MAX_NC:
            raise ApduFormatError("command data longer than 65535 bytes")
        if self.ne is not None and not 1 <= self.ne <= EXTENDED_MAX_NE:
            raise ApduFormatError("Ne out of range")

    @property
    def needs_extended(self) -> bool:
        return len(self.data) > SHORT_MAX_NC or (self.ne is not None and self.ne > SHORT_MAX_NE)

    @property
    def header(self) -> bytes:
        return bytes([self.cla, self.ins, self.p1, self.p2])

    def to_bytes(self, extended: bool | None = None) -> bytes:
        """Encode; extended form only when the sizes need it (or when `extended` forces it)."""
        ext = self.needs_extended if extended is None else extended or self.needs_extended
        out = bytearray(self.header)
        nc = len(self.data)
        if ext:
            if nc:
                out += b"\x00" + nc.to_bytes(2, "big") + self.data
            if self.ne is not None:
                le = 0 if self.ne == EXTENDED_MAX_NE else self.ne
                out += (b"\x00" if not nc else b"") + le.to_bytes(2, "big")
        else:
            if nc:
                out += bytes([nc]) + self.data
            if self.ne is not None:
                out.append(0 if self.ne == SHORT_MAX_NE else self.ne)
        return bytes(out)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandApdu:
        """Decode any of the seven cases of ISO/IEC 7816-4 §5.1."""
        if len(raw) < 4:
            raise ApduFormatError("command APDU shorter than its header")
        cla, ins, p1, p2 = raw[0], raw[1], raw[2], raw[3]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, b"", body[0] or SHORT_MAX_NE)
        if body[0] != 0:  # short forms
            nc = body[0]
            if len(body) == 1 + nc:
                return cls(cla, ins, p1, p2, bytes(body[1:]))
            if len(body) == 2 + nc:
                return cls(cla, ins, p1, p2, bytes(body[1 : 1 + nc]), body[-1] or SHORT_MAX_NE)
            raise ApduFormatError("short Lc does not match the command length")
        if len(body) == 3:  # extended Le only
            le = int.from_bytes(body[1:3], "big")
            return cls(cla, ins, p1, p2, b"", le or EXTENDED_MAX_NE)
        if len(body) < 3:
            raise ApduFormatError("truncated extended length")
        nc = int.from_bytes(body[1:3], "big")
        if nc == 0:
            raise ApduFormatError("extended Lc of zero")
        if len(body) == 3 + nc:
            return cls(cla, ins, p1, p2, bytes(body[3:]))
        if len(body) == 5 + nc:
            le = int.from_bytes(body[-2:], "big")
            return cls(cla, ins, p1, p2, bytes(body[3 : 3 + nc]), le or EXTENDED_MAX_NE)
        raise ApduFormatError("extended Lc does not match the command length")


@dataclass(frozen=True)
class ResponseApdu:
    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ApduFormatError("response APDU shorter than its status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    @classmethod
    def status(cls, sw: int) -> ResponseApdu:
        return cls(b"", sw)

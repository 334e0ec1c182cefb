"""BER-TLV as ISO/IEC 7816-4 §5.2 and ICAO 9303-10 §4.4 use it: parse and build tag-length-value objects.

Every chip file and every secure-messaging data object is BER-TLV. The parser is total: whatever bytes it is
given, it returns objects or raises `TlvError` (never IndexError, never a hang), because a chip, a cloned card
or a corrupted file can send anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


class TlvError(ValueError):
    """Bytes that are not well-formed BER-TLV."""


# Deepest nesting we follow; real LDS files nest 4-5 levels, so a deeper file is malformed or hostile.
MAX_DEPTH = 32


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        return _first_tag_byte(self.tag) & 0x20 != 0

    def children(self) -> list[Tlv]:
        """The objects inside a constructed object."""
        if not self.constructed:
            raise TlvError(f"tag {self.tag:X} is primitive, it has no children")
        return parse_all(self.value)

    def find(self, tag: int) -> Tlv | None:
        """The first direct child with `tag`, or None."""
        for child in self.children():
            if child.tag == tag:
                return child
        return None

    def require(self, tag: int) -> Tlv:
        found = self.find(tag)
        if found is None:
            raise TlvError(f"tag {tag:X} missing inside {self.tag:X}")
        return found

    def encode(self) -> bytes:
        return encode_tlv(self.tag, self.value)


def _first_tag_byte(tag: int) -> int:
    size = max(1, (tag.bit_length() + 7) // 8)
    return (tag >> (8 * (size - 1))) & 0xFF


def read_tag(data: bytes, offset: int) -> tuple[int, int]:
    """Tag at `offset`: (tag, offset after it)."""
    if offset >= len(data):
        raise TlvError("truncated: tag expected")
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:  # high-tag-number form: following bytes until bit 8 is clear
        for count in range(4):
            if offset >= len(data):
                raise TlvError("truncated inside a multi-byte tag")
            byte = data[offset]
            tag = (tag << 8) | byte
            offset += 1
            if byte & 0x80 == 0:
                break
            if count == 3:
                raise TlvError("tag longer than 4 bytes")
    return tag, offset


def read_length(data: bytes, offset: int) -> tuple[int, int]:
    """Definite length at `offset`: (length, offset after it). ICAO files never use the indefinite form."""
    if offset >= len(data):
        raise TlvError("truncated: length expected")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    count = first & 0x7F
    if count == 0:
        raise TlvError("indefinite length is not allowed here")
    if count > 4:
        raise TlvError(f"length field of {count} bytes is too long")
    if offset + count > len(data):
        raise TlvError("truncated inside a length field")
    return int.from_bytes(data[offset : offset + count], "big"), offset + count


def parse_one(data: bytes, offset: int = 0) -> tuple[Tlv, int]:
    """One object at `offset`: (object, offset after it)."""
    tag, offset = read_tag(data, offset)
    length, offset = read_length(data, offset)
    end = offset + length
    if end > len(data):
        raise TlvError(f"tag {tag:X} claims {length} bytes but only {len(data) - offset} remain")
    return Tlv(tag, bytes(data[offset:end])), end


def parse_all(data: bytes) -> list[Tlv]:
    """All consecutive objects in `data`; padding bytes 00 and FF between objects are skipped (7816-4 §5.2)."""
    out: list[Tlv] = []
    offset = 0
    while offset < len(data):
        if data[offset] in (0x00, 0xFF):
            offset += 1
            continue
        obj, offset = parse_one(data, offset)
        out.append(obj)
    return out


def parse_single(data: bytes) -> Tlv:
    """Exactly one object filling `data` (trailing padding allowed): what a whole LDS file is."""
    obj, end = parse_one(data)
    if any(b not in (0x00, 0xFF) for b in data[end:]):
        raise TlvError(f"{len(data) - end} unexpected bytes after tag {obj.tag:X}")
    return obj


def walk(obj: Tlv, depth: int = 0) -> Iterator[tuple[int, Tlv]]:
    """Every object below and including `obj`, depth first, with its depth."""
    if depth > MAX_DEPTH:
        raise TlvError("objects nested too deeply")
    yield depth, obj
    if obj.constructed:
        for child in obj.children():
            yield from walk(child, depth + 1)


def total_length(header: bytes) -> int:
    """Full size of the object whose first bytes are `header` (tag, length and value), for reading a file whole."""
    _, offset = read_tag(header, 0)
    length, offset = read_length(header, offset)
    return offset + length


def encode_tag(tag: int) -> bytes:
    if tag < 0:
        raise TlvError("negative tag")
    size = max(1, (tag.bit_length() + 7) // 8)
    return tag.to_bytes(size, "big")


def encode_length(length: int) -> bytes:
    if length < 0:
        raise TlvError("negative length")
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    if len(body) > 4:
        raise TlvError("value too long for BER-TLV")
    return bytes([0x80 | len(body)]) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    return encode_tag(tag) + encode_length(len(value)) + bytes(value)


def encode_constructed(tag: int, *children: bytes) -> bytes:
    return encode_tlv(tag, b"".join(children))

"""DG1: the MRZ as stored on the chip, tag 61 wrapping 5F1F (ICAO 9303-10 §4.7.1)."""

from __future__ import annotations

from collections.abc import Sequence

from devices.card.lds.errors import LdsError
from devices.card.lds.mrz import Mrz, parse_mrz
from devices.card.tlv import TlvError, encode_constructed, encode_tlv, parse_single

TAG_DG1 = 0x61
TAG_MRZ = 0x5F1F


def parse_dg1(data: bytes) -> Mrz:
    try:
        outer = parse_single(data)
        if outer.tag != TAG_DG1:
            raise LdsError(f"outer tag {outer.tag:X} is not 61", file="DG1")
        raw = outer.require(TAG_MRZ).value
    except TlvError as exc:
        raise LdsError(str(exc), file="DG1") from exc
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise LdsError("MRZ is not ASCII", file="DG1") from exc
    return parse_mrz(text)


def build_dg1(lines: Sequence[str]) -> bytes:
    """DG1 for MRZ `lines` (stored concatenated, without line breaks)."""
    return encode_constructed(TAG_DG1, encode_tlv(TAG_MRZ, "".join(lines).encode("ascii")))

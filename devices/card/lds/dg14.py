"""DG14: SecurityInfos for Chip Authentication (and PACE/AA info) behind tag 6E (ICAO 9303-10 §4.7.14,
9303-11 §9.2)."""

from __future__ import annotations

from collections.abc import Iterable

from devices.card.lds.errors import LdsError
from devices.card.lds.security_infos import SecurityInfo, build_security_infos, parse_security_infos
from devices.card.tlv import TlvError, encode_tlv, parse_single

TAG_DG14 = 0x6E


def parse_dg14(data: bytes) -> list[SecurityInfo]:
    try:
        outer = parse_single(data)
    except TlvError as exc:
        raise LdsError(str(exc), file="DG14") from exc
    if outer.tag != TAG_DG14:
        raise LdsError(f"outer tag {outer.tag:X} is not 6E", file="DG14")
    return parse_security_infos(outer.value)


def build_dg14(infos: Iterable[SecurityInfo]) -> bytes:
    return encode_tlv(TAG_DG14, build_security_infos(infos))

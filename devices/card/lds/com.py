"""EF.COM: LDS version, Unicode version and the list of data groups present (ICAO 9303-10 §4.6.1).

The list is advisory (SOD is what is signed), but readers use it to skip files the chip does not have.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from devices.card.lds.errors import LdsError
from devices.card.lds.files import DG_TAGS, TAG_COM, TAG_TO_DG
from devices.card.tlv import TlvError, encode_constructed, encode_tlv, parse_single

TAG_LDS_VERSION = 0x5F01
TAG_UNICODE_VERSION = 0x5F36
TAG_TAG_LIST = 0x5C


@dataclass(frozen=True)
class Com:
    lds_version: str         # "0107" → LDS 1.7
    unicode_version: str     # "040000" → Unicode 4.0.0
    data_groups: tuple[int, ...]


def parse_com(data: bytes) -> Com:
    try:
        outer = parse_single(data)
        if outer.tag != TAG_COM:
            raise LdsError(f"outer tag {outer.tag:X} is not 60", file="EF.COM")
        lds = outer.find(TAG_LDS_VERSION)
        uni = outer.find(TAG_UNICODE_VERSION)
        tags = outer.require(TAG_TAG_LIST).value
    except TlvError as exc:
        raise LdsError(str(exc), file="EF.COM") from exc
    groups = []
    for tag in tags:
        if tag not in TAG_TO_DG:
            raise LdsError(f"tag {tag:02X} in the list is no data group", file="EF.COM")
        groups.append(TAG_TO_DG[tag])
    return Com(
        lds_version=lds.value.decode("ascii", "replace") if lds else "",
        unicode_version=uni.value.decode("ascii", "replace") if uni else "",
        data_groups=tuple(groups),
    )


def build_com(data_groups: Iterable[int], lds_version: str = "0107", unicode_version: str = "040000") -> bytes:
    tags = bytes(DG_TAGS[number] for number in sorted(set(data_groups)))
    return encode_constructed(
        TAG_COM,
        encode_tlv(TAG_LDS_VERSION, lds_version.encode("ascii")),
        encode_tlv(TAG_UNICODE_VERSION, unicode_version.encode("ascii")),
        encode_tlv(TAG_TAG_LIST, tags),
    )

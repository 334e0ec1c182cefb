"""File identifiers and outer tags of the eMRTD application (ICAO 9303-10 §4.6, Table 42 and §4.7 tags).

One table so the reader, the emulator and the parsers agree on which FID holds which data group.
"""

from __future__ import annotations

AID_EMRTD = bytes.fromhex("A0000002471001")

FID_CARD_ACCESS = 0x011C
FID_ATR_INFO = 0x2F01  # EF.ATR/INFO in the master file (ISO/IEC 7816-4, ICAO 9303-10)
FID_COM = 0x011E
FID_SOD = 0x011D

TAG_COM = 0x60
TAG_SOD = 0x77

# Data group number → outer tag (9303-10 Table 34).
DG_TAGS: dict[int, int] = {
    1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
    9: 0x69, 10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70,
}
TAG_TO_DG: dict[int, int] = {tag: number for number, tag in DG_TAGS.items()}


def dg_fid(number: int) -> int:
    """FID of data group `number` (DG1 → 0x0101 … DG16 → 0x0110)."""
    if number not in DG_TAGS:
        raise ValueError(f"there is no data group {number}")
    return 0x0100 + number


def dg_short_id(number: int) -> int:
    """Short EF identifier of data group `number`, for READ BINARY with P1 = 0x80 | SFI."""
    if number not in DG_TAGS:
        raise ValueError(f"there is no data group {number}")
    return number


def dg_from_fid(fid: int) -> int | None:
    number = fid - 0x0100
    return number if number in DG_TAGS else None

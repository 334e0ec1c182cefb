"""DG2: the face portrait inside a biometric information template (ICAO 9303-10 §4.7.2, ISO/IEC 7816-11).

75 → 7F61 (group template, 02 = count) → 7F60 (one template) → A1 (biometric header) + 5F2E or 7F2E (data block).
5F2E holds an ISO/IEC 19794-5:2005 record ("FAC\\0" "010\\0" …); 7F2E holds an ISO/IEC 39794-5 record (tagged
encoding). We extract the first portrait's JPEG or JPEG 2000 bytes and its size; the size comes from the image's own
header (SOF / ihdr / SIZ) since that is what a decoder will honour, falling back to the record's fields.
"""

from __future__ import annotations

from typing import Literal

from devices.card.identity import FacePhoto
from devices.card.lds.errors import LdsError
from devices.card.tlv import Tlv, TlvError, encode_constructed, encode_tlv, parse_single, walk

TAG_DG2 = 0x75
TAG_GROUP = 0x7F61
TAG_TEMPLATE = 0x7F60
TAG_HEADER = 0xA1
TAG_DATA_19794 = 0x5F2E
TAG_DATA_39794 = 0x7F2E

_JPEG_MAGIC = b"\xff\xd8\xff"
_JP2_MAGIC = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_J2K_MAGIC = b"\xff\x4f\xff\x51"
_FAC_HEADER = 14
_FACE_INFO = 20
_FEATURE_POINT = 8
_IMAGE_INFO = 12

Container = Literal["19794", "39794"]


def parse_dg2(data: bytes) -> FacePhoto:
    """The first portrait in DG2."""
    try:
        outer = parse_single(data)
        if outer.tag != TAG_DG2:
            raise LdsError(f"outer tag {outer.tag:X} is not 75", file="DG2")
        block = _first_data_block(outer)
        if block.tag == TAG_DATA_19794:
            image, width, height = _from_19794(block.value)
        else:
            image, width, height = _from_39794(block)
    except TlvError as exc:
        raise LdsError(str(exc), file="DG2") from exc
    fmt = image_format(image)
    size = image_size(image)
    if size is not None:
        width, height = size
    return FacePhoto(format=fmt, width=width, height=height, data=image)


def _first_data_block(outer: Tlv) -> Tlv:
    for _, obj in walk(outer):
        if obj.tag in (TAG_DATA_19794, TAG_DATA_39794):
            return obj
    raise LdsError("no biometric data block (5F2E / 7F2E)", file="DG2")


def _from_19794(record: bytes) -> tuple[bytes, int, int]:
    if record[:4] != b"FAC\x00":
        return _scan_for_image(record), 0, 0
    if record[4:8] != b"010\x00":
        # Later editions lay the record out differently; the image still sits in it whole.
        return _scan_for_image(record), 0, 0
    if len(record) < _FAC_HEADER + _FACE_INFO + _IMAGE_INFO:
        raise LdsError("face record shorter than its headers", file="DG2")
    start = _FAC_HEADER
    block_length = int.from_bytes(record[start : start + 4], "big")
    points = int.from_bytes(record[start + 4 : start + 6], "big")
    info = start + _FACE_INFO + points * _FEATURE_POINT
    image_start = info + _IMAGE_INFO
    end = start + block_length
    if block_length < _FACE_INFO + _IMAGE_INFO or end > len(record) or image_start >= end:
        raise LdsError("face record lengths do not add up", file="DG2")
    width = int.from_bytes(record[info + 2 : info + 4], "big")
    height = int.from_bytes(record[info + 4 : info + 6], "big")
    return record[image_start:end], width, height


def _from_39794(block: Tlv) -> tuple[bytes, int, int]:
    for _, obj in walk(block):
        if not obj.constructed and obj.value.startswith((_JPEG_MAGIC, _JP2_MAGIC, _J2K_MAGIC)):
            return obj.value, 0, 0
    raise LdsError("no JPEG or JPEG 2000 image in the 39794-5 record", file="DG2")


def _scan_for_image(record: bytes) -> bytes:
    for magic in (_JPEG_MAGIC, _JP2_MAGIC, _J2K_MAGIC):
        at = record.find(magic)
        if at >= 0:
            return record[at:]
    raise LdsError("no JPEG or JPEG 2000 image in the face record", file="DG2")


def image_format(image: bytes) -> Literal["jpeg", "jpeg2000"]:
    if image.startswith(_JPEG_MAGIC):
        return "jpeg"
    if image.startswith((_JP2_MAGIC, _J2K_MAGIC)):
        return "jpeg2000"
    raise LdsError("the portrait is neither JPEG nor JPEG 2000", file="DG2")


def image_size(image: bytes) -> tuple[int, int] | None:
    """(width, height) from the image header, or None when the header cannot be found."""
    if image.startswith(_JPEG_MAGIC):
        return _jpeg_size(image)
    if image.startswith(_JP2_MAGIC):
        at = image.find(b"ihdr")
        if at < 0 or at + 12 > len(image):
            return None
        height = int.from_bytes(image[at + 4 : at + 8], "big")
        width = int.from_bytes(image[at + 8 : at + 12], "big")
        return width, height
    at = image.find(_J2K_MAGIC)
    if at >= 0 and at + 24 <= len(image):
        siz = image[at + 4 :]
        x, y = int.from_bytes(siz[4:8], "big"), int.from_bytes(siz[8:12], "big")
        x0, y0 = int.from_bytes(siz[12:16], "big"), int.from_bytes(siz[16:20], "big")
        return max(0, x - x0), max(0, y - y0)
    return None


def _jpeg_size(image: bytes) -> tuple[int, int] | None:
    offset = 2
    while offset + 4 <= len(image):
        if image[offset] != 0xFF:
            return None
        marker = image[offset + 1]
        if marker == 0xFF:
            offset += 1
            continue
        length = int.from_bytes(image[offset + 2 : offset + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if offset + 9 > len(image):
                return None
            height = int.from_bytes(image[offset + 5 : offset + 7], "big")
            width = int.from_bytes(image[offset + 7 : offset + 9], "big")
            return width, height
        if length < 2:
            return None
        offset += 2 + length
    return None


def _record_19794(photo: FacePhoto) -> bytes:
    image_type = 0 if photo.format == "jpeg" else 1
    info = (
        bytes([1, image_type]) + photo.width.to_bytes(2, "big") + photo.height.to_bytes(2, "big")
        + bytes([1, 2]) + (0).to_bytes(2, "big") + (0).to_bytes(2, "big")
    )
    # gender, eye colour, hair colour unspecified; no feature mask, neutral expression, no pose.
    face = bytes(2 + 1 + 1 + 1 + 3 + 2 + 3 + 3)
    block_length = 4 + len(face) + len(info) + len(photo.data)
    face_block = block_length.to_bytes(4, "big") + face + info + photo.data
    record_length = _FAC_HEADER + len(face_block)
    return b"FAC\x00010\x00" + record_length.to_bytes(4, "big") + (1).to_bytes(2, "big") + face_block


def _record_39794(photo: FacePhoto) -> bytes:
    # Tagged-encoding shape of a 39794-5 FaceImageDataBlock: version block, then one representation holding the
    # 2D image with its format code (0 JPEG, 1 JPEG 2000) and size. Readers locate the image by its signature.
    image_format_code = 0 if photo.format == "jpeg" else 1
    version = encode_constructed(0xA0, encode_tlv(0x80, b"\x03"), encode_tlv(0x81, b"\x00"))
    representation = encode_constructed(
        0x30,
        encode_constructed(
            0xA0,
            encode_tlv(0x80, photo.data),
            encode_constructed(0xA1, encode_tlv(0x80, bytes([image_format_code]))),
            encode_constructed(
                0xA2,
                encode_tlv(0x80, photo.width.to_bytes(2, "big")),
                encode_tlv(0x81, photo.height.to_bytes(2, "big")),
            ),
        ),
    )
    return version + encode_constructed(0xA1, representation)


def build_dg2(photo: FacePhoto, container: Container = "19794") -> bytes:
    """DG2 with one portrait, in an ISO 19794-5 (5F2E) or ISO 39794-5 (7F2E) record."""
    header = encode_constructed(
        TAG_HEADER,
        encode_tlv(0x80, b"\x01\x01"),   # patron header version 1.1
        encode_tlv(0x81, b"\x02"),       # biometric type: facial features
        encode_tlv(0x87, b"\x01\x01"),   # format owner: ISO/IEC JTC 1/SC 37
        encode_tlv(0x88, b"\x00\x08" if container == "19794" else b"\x00\x40"),  # format type
    )
    if container == "19794":
        data = encode_tlv(TAG_DATA_19794, _record_19794(photo))
    else:
        data = encode_constructed(TAG_DATA_39794, _record_39794(photo))
    template = encode_constructed(TAG_TEMPLATE, header, data)
    group = encode_constructed(TAG_GROUP, encode_tlv(0x02, b"\x01"), template)
    return encode_constructed(TAG_DG2, group)

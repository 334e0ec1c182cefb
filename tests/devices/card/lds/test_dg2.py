from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.card.identity import FacePhoto
from devices.card.lds.dg2 import build_dg2, image_size, parse_dg2
from devices.card.lds.errors import LdsError
from devices.card.tlv import encode_constructed, encode_tlv

PORTRAIT = Path(__file__).parents[4] / "devices/card/emulator/profiles/portrait.jpg"


def _jpeg() -> bytes:
    return PORTRAIT.read_bytes()


def _jp2() -> bytes:
    image = cv2.imdecode(np.frombuffer(_jpeg(), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    ok, data = cv2.imencode(".jp2", cv2.resize(image, (120, 160)))
    assert ok
    return bytes(data.tobytes())


@pytest.mark.parametrize("container", ["19794", "39794"])
def test_jpeg_portrait_round_trips(container: str) -> None:
    photo = FacePhoto("jpeg", 360, 480, _jpeg())
    parsed = parse_dg2(build_dg2(photo, container))  # type: ignore[arg-type]
    assert parsed == photo


@pytest.mark.parametrize("container", ["19794", "39794"])
def test_jpeg2000_portrait_round_trips_and_decodes(container: str) -> None:
    photo = FacePhoto("jpeg2000", 120, 160, _jp2())
    parsed = parse_dg2(build_dg2(photo, container))  # type: ignore[arg-type]
    assert (parsed.format, parsed.width, parsed.height) == ("jpeg2000", 120, 160)
    decoded = cv2.imdecode(np.frombuffer(parsed.data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None
    assert decoded.shape[:2] == (160, 120)


def test_size_comes_from_the_image_header_not_the_record() -> None:
    photo = FacePhoto("jpeg", 1, 1, _jpeg())  # record claims 1x1
    parsed = parse_dg2(build_dg2(photo))
    assert (parsed.width, parsed.height) == (360, 480)
    assert image_size(_jpeg()) == (360, 480)


def test_later_19794_editions_are_scanned_for_the_image() -> None:
    record = b"FAC\x00030\x00" + bytes(30) + _jpeg()
    dg2 = encode_constructed(0x75, encode_constructed(0x7F61, encode_constructed(0x7F60, encode_tlv(0x5F2E, record))))
    assert parse_dg2(dg2).data == _jpeg()


@pytest.mark.parametrize(
    "data",
    [
        b"\x75\x00",
        encode_constructed(0x75, encode_constructed(0x7F61, encode_tlv(0x02, b"\x01"))),
        encode_constructed(0x75, encode_tlv(0x5F2E, b"FAC\x00010\x00" + bytes(40))),
        encode_constructed(0x75, encode_tlv(0x5F2E, b"no image here")),
        encode_constructed(0x75, encode_tlv(0x5F2E, b"\xff\xd8\xff" + bytes(4)))[:-1],
    ],
)
def test_broken_dg2_raises_lds_error(data: bytes) -> None:
    with pytest.raises(LdsError):
        parse_dg2(data)

import pytest

from devices.card.lds.com import build_com, parse_com
from devices.card.lds.dg1 import build_dg1, parse_dg1
from devices.card.lds.errors import LdsError
from devices.card.lds.files import dg_fid, dg_from_fid

TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")


def test_dg1_round_trip() -> None:
    data = build_dg1(TD1)
    assert data[:5] == bytes.fromhex("615D5F1F5A")
    assert parse_dg1(data).lines == TD1


def test_dg1_with_wrong_outer_tag_or_non_ascii_is_refused() -> None:
    with pytest.raises(LdsError, match="not 61"):
        parse_dg1(b"\x62\x00")
    with pytest.raises(LdsError, match="ASCII"):
        parse_dg1(bytes.fromhex("61045F1F01FF"))


def test_com_lists_groups_in_order() -> None:
    com = parse_com(build_com([15, 1, 13, 2, 14]))
    assert com.data_groups == (1, 2, 13, 14, 15)
    assert (com.lds_version, com.unicode_version) == ("0107", "040000")


def test_com_with_an_unknown_tag_is_refused() -> None:
    with pytest.raises(LdsError, match="no data group"):
        parse_com(bytes.fromhex("60045C026199"))


def test_fids() -> None:
    assert dg_fid(13) == 0x010D
    assert dg_from_fid(0x010F) == 15
    assert dg_from_fid(0x011D) is None

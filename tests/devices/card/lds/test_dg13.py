from datetime import date

import pytest

from devices.card.lds.dg13 import NO_EXPIRY_TEXT, build_dg13, parse_date, parse_dg13
from devices.card.lds.errors import LdsError
from devices.card.tlv import encode_constructed, encode_tlv

FIELDS = {
    1: ["001190012345"], 2: ["Nguyễn Thị Thanh Hương"], 3: ["14/03/1990"], 4: ["Nữ"], 5: ["Việt Nam"],
    6: ["Kinh"], 7: ["Không"], 8: ["Xã Đông Ngạc, Hà Nội"], 9: ["Phường Ngọc Hà, Ba Đình, Hà Nội"],
    10: ["Nốt ruồi C:1cm"], 11: ["20/06/2021"], 12: ["14/03/2030"], 13: ["Nguyễn Văn Đức", "Trần Thị Lụa"],
    14: ["Lê Minh Quân"], 16: ["012345678"],
}


@pytest.mark.parametrize("nested", [True, False])
def test_every_field_round_trips_in_both_parent_layouts(nested: bool) -> None:
    dg13 = parse_dg13(build_dg13(FIELDS, nested_parents=nested))
    assert dg13.id_number == "001190012345"
    assert dg13.full_name == "Nguyễn Thị Thanh Hương"
    assert dg13.date_of_birth == date(1990, 3, 14)
    assert dg13.sex == "F"
    assert dg13.date_of_issue == date(2021, 6, 20)
    assert dg13.date_of_expiry == date(2030, 3, 14)
    assert not dg13.has_no_expiry
    assert (dg13.father_name, dg13.mother_name) == ("Nguyễn Văn Đức", "Trần Thị Lụa")
    assert dg13.spouse_name == "Lê Minh Quân"
    assert dg13.old_id_number == "012345678"
    assert dg13.text(9) == "Phường Ngọc Hà, Ba Đình, Hà Nội"


def test_no_expiry_text_means_no_date_and_a_flag() -> None:
    dg13 = parse_dg13(build_dg13({**FIELDS, 12: [NO_EXPIRY_TEXT]}))
    assert dg13.date_of_expiry is None
    assert dg13.has_no_expiry


def test_old_id_in_field_15_is_accepted() -> None:
    fields = {k: v for k, v in FIELDS.items() if k != 16}
    assert parse_dg13(build_dg13({**fields, 15: ["098765432"]})).old_id_number == "098765432"


def test_unknown_field_numbers_and_stray_objects_are_kept() -> None:
    stray = encode_tlv(0x04, b"\x01\x02")
    dg13 = parse_dg13(build_dg13({**FIELDS, 42: ["chip-serial-7"]}, extra_raw=[stray]))
    assert dg13.fields[42] == ("chip-serial-7",)
    assert dg13.unknown_raw == (stray,)


def test_printable_strings_and_entries_directly_inside_6d() -> None:
    entry = encode_constructed(0x30, encode_tlv(0x02, b"\x01"), encode_tlv(0x13, b"079092004321"))
    sex = encode_constructed(0x30, encode_tlv(0x02, b"\x04"), encode_tlv(0x0C, b"Nam"))
    dg13 = parse_dg13(encode_constructed(0x6D, entry, sex))
    assert dg13.id_number == "079092004321"
    assert dg13.sex == "M"


def test_a_leading_version_integer_is_not_an_entry() -> None:
    version = encode_tlv(0x02, b"\x01")
    entry = encode_constructed(0x30, encode_tlv(0x02, b"\x02"), encode_tlv(0x0C, "Lò Văn Pá".encode()))
    dg13 = parse_dg13(encode_constructed(0x6D, encode_constructed(0x30, version, entry)))
    assert dg13.full_name == "Lò Văn Pá"
    assert dg13.unknown_raw == (version,)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x6d", b"\x6d\x05\x30\x03", b"\x61\x00", bytes.fromhex("6d0730050200") + b"\x0c\x00",
     bytes.fromhex("6d05300302 00".replace(" ", "")), b"\x6d\x02\x30\x80"],
)
def test_malformed_input_raises_only_lds_error(data: bytes) -> None:
    with pytest.raises(LdsError):
        parse_dg13(data)


def test_bad_dates_become_none_rather_than_refusing_the_card() -> None:
    dg13 = parse_dg13(build_dg13({3: ["31/02/1990"], 11: ["hôm qua"]}))
    assert dg13.date_of_birth is None
    assert dg13.date_of_issue is None
    assert parse_date("01-02-2003") == date(2003, 2, 1)


def test_repr_hides_personal_data() -> None:
    dg13 = parse_dg13(build_dg13(FIELDS))
    assert "Hương" not in repr(dg13)
    assert "001190012345" not in str(dg13)


def test_decomposed_diacritics_are_normalised() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nữ")
    dg13 = parse_dg13(build_dg13({4: [decomposed], 12: [unicodedata.normalize("NFD", NO_EXPIRY_TEXT)]}))
    assert dg13.sex == "F"
    assert dg13.has_no_expiry

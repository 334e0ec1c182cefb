from datetime import date

import pytest

from devices.card.lds.errors import LdsError
from devices.card.lds.mrz import (
    NO_EXPIRY_MRZ_DATE,
    birth_date,
    build_td1,
    build_td3,
    expiry_date,
    mrz_information,
    parse_mrz,
    transliterate,
)

# ICAO 9303-5 Appendix A (TD1) and 9303-4 Appendix A (TD3) specimens.
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


def test_icao_td1_specimen_parses_with_every_field() -> None:
    mrz = parse_mrz("\n".join(TD1))
    assert mrz.format == "TD1"
    assert (mrz.document_code, mrz.issuing_state, mrz.document_number) == ("I", "UTO", "D23145890")
    assert (mrz.date_of_birth, mrz.sex, mrz.date_of_expiry, mrz.nationality) == ("740812", "F", "120415", "UTO")
    assert (mrz.primary_identifier, mrz.secondary_identifier) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.access_key_text == "D23145890774081221204159"


def test_icao_td3_specimen_parses_with_every_field() -> None:
    mrz = parse_mrz("".join(TD3))
    assert mrz.format == "TD3"
    assert (mrz.document_code, mrz.document_number, mrz.optional_data_1) == ("P", "L898902C3", "ZE184226B")
    assert (mrz.date_of_birth, mrz.date_of_expiry, mrz.sex) == ("740812", "120415", "F")
    assert mrz.secondary_identifier == "ANNA MARIA"


@pytest.mark.parametrize(("line", "position"), [(0, 14), (1, 6), (1, 14), (1, 29)])
def test_any_wrong_td1_check_digit_is_refused(line: int, position: int) -> None:
    lines = list(TD1)
    digit = lines[line][position]
    lines[line] = lines[line][:position] + str((int(digit) + 1) % 10) + lines[line][position + 1 :]
    with pytest.raises(LdsError, match="check digit"):
        parse_mrz("\n".join(lines))


@pytest.mark.parametrize("position", [9, 19, 27, 42, 43])
def test_any_wrong_td3_check_digit_is_refused(position: int) -> None:
    two = TD3[1]
    two = two[:position] + str((int(two[position]) + 1) % 10) + two[position + 1 :]
    with pytest.raises(LdsError, match="check digit"):
        parse_mrz(TD3[0] + two)


def test_wrong_length_and_bad_characters_are_refused() -> None:
    with pytest.raises(LdsError, match="neither TD1"):
        parse_mrz(TD1[0])
    with pytest.raises(LdsError, match="alphabet"):
        parse_mrz(TD1[0].replace("UTO", "uto") + TD1[1] + TD1[2])


def test_builders_reproduce_the_specimens() -> None:
    td1 = build_td1(
        document_code="I", issuing_state="UTO", document_number="D23145890", date_of_birth="740812", sex="F",
        date_of_expiry="120415", nationality="UTO", primary="Eriksson", secondary="Anna Maria",
    )
    assert td1 == TD1
    td3 = build_td3(
        issuing_state="UTO", document_number="L898902C3", date_of_birth="740812", sex="F", date_of_expiry="120415",
        nationality="UTO", personal_number="ZE184226B", primary="ERIKSSON", secondary="ANNA MARIA",
    )
    assert td3 == TD3


def test_long_document_number_continues_in_optional_data() -> None:
    lines = build_td1(
        document_number="D23145890123", date_of_birth="740812", sex="F", date_of_expiry="120415",
        primary="A", secondary="B", optional_data_1="XYZ",
    )
    assert lines[0][14] == "<"
    mrz = parse_mrz("".join(lines))
    assert mrz.document_number == "D23145890123"
    assert mrz.optional_data_1 == "XYZ"


def test_vietnamese_td1_carries_the_full_id_in_optional_data() -> None:
    lines = build_td1(
        document_number="190012345", optional_data_1="001190012345", date_of_birth="900314", sex="F",
        date_of_expiry="300314", primary="Nguyễn", secondary="Thị Thanh Hương",
    )
    assert lines[0].startswith("IDVNM190012345")
    assert lines[2].startswith("NGUYEN<<THI<THANH<HUONG<")
    mrz = parse_mrz("\n".join(lines))
    assert mrz.vietnamese_id_number == "001190012345"
    assert mrz.document_number == "190012345"


def test_without_optional_data_the_id_falls_back_to_the_document_number() -> None:
    mrz = parse_mrz("\n".join(TD1))
    assert mrz.vietnamese_id_number == "D23145890"


def test_transliteration_drops_vietnamese_diacritics() -> None:
    assert transliterate("Đỗ Thị Ngọc Ánh") == "DO<THI<NGOC<ANH"
    assert transliterate("Nguyễn-Trần") == "NGUYEN<TRAN"


def test_mrz_information_pads_short_numbers() -> None:
    assert mrz_information("L898902C", "690806", "940623") == "L898902C<369080619406236"


def test_dates_pick_the_right_century_and_no_expiry() -> None:
    today = date(2026, 1, 1)
    assert birth_date("580520", today) == date(1958, 5, 20)
    assert birth_date("150101", today) == date(2015, 1, 1)
    assert birth_date("991399", today) is None
    assert expiry_date("300314") == date(2030, 3, 14)
    assert expiry_date(NO_EXPIRY_MRZ_DATE) is None


def test_repr_hides_personal_data() -> None:
    mrz = parse_mrz("\n".join(TD1))
    assert "ERIKSSON" not in repr(mrz)
    assert "D2314" not in str(mrz)


def test_unknown_dates_filled_with_fillers_are_accepted() -> None:
    two = "<<<<<<<F<<<<<<<UTO<<<<<<<<<<<"
    composite = TD1[0][5:30] + "<<<<<<<" + "<<<<<<<" + "<<<<<<<<<<<"
    from devices.card.lds.check_digit import check_digit

    mrz = parse_mrz(TD1[0] + two + check_digit(composite) + TD1[2])
    assert mrz.date_of_birth == "<<<<<<" and expiry_date(mrz.date_of_expiry) is None

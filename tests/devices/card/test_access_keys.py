"""Access keys from MRZ, typed details and the CCCD QR code, with expiry candidates by the renewal-age rules."""

from __future__ import annotations

from datetime import date

import pytest

from devices.card.access_keys import (
    MAX_CANDIDATES,
    InvalidAccessKeyError,
    expiry_candidates,
    from_details,
    from_mrz,
    from_qr,
)
from devices.card.protocol.bac import derive_bac_keys

ICAO_TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<"


def test_mrz_key_matches_the_icao_sample() -> None:
    key = from_mrz(ICAO_TD1)
    assert key.mrz_info == "D23145890774081221204159"
    assert "2314" not in repr(key)


def test_typed_details_take_the_last_nine_digits() -> None:
    key = from_details("001190012345", "900314", "300314")
    assert key.document_number == "190012345"
    assert key.mrz_info.startswith("190012345")


def test_the_icao_bac_sample_derives_from_typed_fields() -> None:
    from devices.card.access_keys import AccessKey

    key = AccessKey("L898902C", "690806", "940623")
    assert derive_bac_keys(key.mrz_info).k_seed.hex().upper() == "239AB9CB282DAF66231DC5A4DF6BFBAE"


@pytest.mark.parametrize(
    ("born", "issued", "expected"),
    [
        (date(1990, 3, 14), date(2021, 6, 20), ["300314"]),           # 31 at issue: next renewal at 40
        (date(1998, 1, 10), date(2021, 5, 1), ["380110"]),            # 23: within two years of 25 → 40
        (date(2001, 8, 1), date(2021, 1, 15), ["260801"]),            # 19: renew at 25
        (date(2015, 5, 5), date(2024, 8, 1), ["290505", "400505"]),   # 2023 law renews a child at 14
        (date(2012, 2, 2), date(2024, 9, 1), ["370202"]),             # 12: within two years of 14 → 25
        (date(1958, 5, 20), date(2021, 9, 10), ["991231"]),           # 63: never expires
        (date(1964, 3, 1), date(2021, 6, 1), ["240301", "991231"]),   # 57: renew at 60; no-expiry as fallback
        (date(1966, 3, 1), date(2021, 6, 1), ["260301"]),             # 55: renew at 60
        (date(2000, 2, 29), date(2021, 6, 1), ["250301"]),            # leap-day birthday
    ],
)
def test_expiry_candidates_follow_the_renewal_ages(born: date, issued: date, expected: list[str]) -> None:
    candidates = expiry_candidates(born, issued)
    assert candidates == expected
    assert len(candidates) <= MAX_CANDIDATES


def test_qr_gives_keys_for_each_candidate() -> None:
    qr = "001190012345|012345678|Nguyễn Thị Thanh Hương|14031990|Nữ|Hà Nội|20062021"
    keys = from_qr(qr)
    assert [k.date_of_expiry for k in keys] == ["300314"]
    assert keys[0].document_number == "190012345"
    assert keys[0].date_of_birth == "900314"


@pytest.mark.parametrize(
    "bad",
    ["", "001190012345|x|y", "00119001234|0|n|14031990|Nữ|a|20062021", "001190012345|0|n|31021990|Nữ|a|20062021",
     "001190012345|0|n|14031990|Nữ|a|20062080x", "001190012345|0|n|14031990|Nữ|a|01011980"],
)
def test_malformed_qr_text_is_refused(bad: str) -> None:
    with pytest.raises(InvalidAccessKeyError):
        from_qr(bad)


def test_malformed_mrz_and_details_are_refused() -> None:
    with pytest.raises(InvalidAccessKeyError):
        from_mrz(ICAO_TD1.replace("7408122", "7408123"))
    with pytest.raises(InvalidAccessKeyError):
        from_details("001190012345", "1990-03-14", "300314")
    with pytest.raises(InvalidAccessKeyError):
        from_details("12345", "900314", "300314")


# ---- strict grammar: only InvalidAccessKeyError, only ASCII digits, only real dates -------------------------------

QR = "001190012345|012345678|Nguyễn Thị Thanh Hương|14031990|Nữ|Hà Nội|20062021"


@pytest.mark.parametrize("bad", [
    QR.replace("001190012345", "00119001234²"),        # str.isdigit() says yes, int() says no
    QR.replace("001190012345", "００1190012345"),       # full-width digits
    QR.replace("14031990", "١٤031990"),                # Arabic-Indic digits int() would quietly accept
    QR.replace("20062021", "2006202³"),
    QR.replace("001190012345", "0011900123456"), QR.replace("001190012345", "190012345"),  # QR holds 12 digits
    QR.replace("14031990", "1403199"), QR.replace("20062021", " 20062021"),
])
def test_qr_ids_and_dates_are_exact_ascii_digits(bad: str) -> None:
    with pytest.raises(InvalidAccessKeyError):
        from_qr(bad)


@pytest.mark.parametrize(("birth", "issued"), [
    ("14039990", "20069990"), ("31129999", "31129999"), ("01011899", "20062021"), ("14031990", "01012100"),
    ("01010001", "01010001"),
])
def test_qr_dates_outside_the_card_era_are_refused_not_overflowed(birth: str, issued: str) -> None:
    with pytest.raises(InvalidAccessKeyError):
        from_qr(QR.replace("14031990", birth).replace("20062021", issued))


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x9b", "\ud800"])
def test_qr_text_with_control_characters_or_surrogates_is_refused(char: str) -> None:
    with pytest.raises(InvalidAccessKeyError):
        from_qr(QR.replace("Hà Nội", f"Hà{char}Nội"))


def test_absurdly_long_qr_text_is_refused() -> None:
    with pytest.raises(InvalidAccessKeyError):
        from_qr(QR.replace("Hà Nội", "Hà Nội" * 400))


def test_expiry_candidates_refuse_dates_whose_renewal_ages_leave_the_calendar() -> None:
    with pytest.raises(InvalidAccessKeyError):
        expiry_candidates(date(9990, 3, 14), date(9990, 6, 20))


@pytest.mark.parametrize(("number", "birth", "expiry"), [
    ("00119001234²", "900314", "300314"), ("001190012345", "9003¹4", "300314"), ("001190012345", "900314", "3٠0314"),
    ("001190012345", "901314", "300314"), ("001190012345", "900230", "300314"), ("001190012345", "900314", "300231"),
    ("001190012345", "900314\x00", "300314"), ("001190012345", "90-314", "300314"),
])
def test_typed_details_are_ascii_digits_and_real_dates(number: str, birth: str, expiry: str) -> None:
    with pytest.raises(InvalidAccessKeyError):
        from_details(number, birth, expiry)


def test_a_typed_leap_day_and_the_no_expiry_marker_are_accepted() -> None:
    key = from_details("001200012345", "000229", "991231")
    assert (key.document_number, key.date_of_birth, key.date_of_expiry) == ("200012345", "000229", "991231")
    assert key.mrz_info[10:16] == "000229" and key.mrz_info[17:23] == "991231"


@pytest.mark.parametrize("number", ["D2314589²", "d23145890", "D2314 5890", "", "D" * 23, "L898902C\ud800"])
def test_an_access_key_refuses_document_numbers_outside_the_mrz_alphabet_at_once(number: str) -> None:
    from devices.card.access_keys import AccessKey

    with pytest.raises(InvalidAccessKeyError):
        AccessKey(number, "740812", "120415")

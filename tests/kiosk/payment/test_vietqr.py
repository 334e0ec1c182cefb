"""The VietQR encoder against the published EMVCo / NAPAS layout, read back by an independent decoder."""

from __future__ import annotations

import binascii

import pytest

from kiosk.payment.vietqr import AgencyAccount, VietQrError, crc16_ccitt_false, vietqr_payload
from tests.kiosk.payment.emv import EmvFormatError, crc_ok, decode, split

ACCOUNT = AgencyAccount(bank_bin="970403", account_number="0011001234567", account_name="UBND PHUONG BEN THANH")


def test_crc_matches_the_catalogued_check_value() -> None:
    # CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR): check value of "123456789".
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1
    for sample in (b"", b"A", b"000201010212", bytes(range(256))):
        assert crc16_ccitt_false(sample) == binascii.crc_hqx(sample, 0xFFFF)


def test_payload_has_the_napas_field_layout() -> None:
    payload = vietqr_payload(ACCOUNT, 7000, "000.00.01.H26-261202-0007")
    fields = decode(payload)
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "59", "62", "63"]  # ascending, CRC last
    assert fields["00"] == "01"            # payload format indicator
    assert fields["01"] == "12"            # dynamic: this amount, this file, once
    assert fields["38"] == {"00": "A000000727", "01": {"00": "970403", "01": "0011001234567"}, "02": "QRIBFTTA"}
    assert fields["53"] == "704"           # ISO 4217 VND
    assert fields["54"] == "7000"          # whole đồng, no decimals
    assert fields["58"] == "VN"
    assert fields["59"] == "UBND PHUONG BEN THANH"
    assert fields["62"] == {"05": "000.00.01.H26-261202-0007", "08": "000.00.01.H26-261202-0007"}


def test_payload_is_exactly_the_hand_assembled_string() -> None:
    def obj(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    account = obj("00", "A000000727") + obj("01", obj("00", "970436") + obj("01", "1234567890")) + obj("02", "QRIBFTTA")
    body = (obj("00", "01") + obj("01", "12") + obj("38", account) + obj("53", "704") + obj("54", "200000")
            + obj("58", "VN") + obj("62", obj("05", "H26-261202-0001") + obj("08", "H26-261202-0001")) + "6304")
    expected = body + f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
    got = vietqr_payload(AgencyAccount("970436", "1234567890"), 200000, "H26-261202-0001")
    assert got == expected


def test_changing_any_character_breaks_the_crc() -> None:
    payload = vietqr_payload(ACCOUNT, 15000, "H26-261202-0002")
    assert crc_ok(payload)
    for i in range(len(payload) - 4):
        spoiled = payload[:i] + ("1" if payload[i] != "1" else "2") + payload[i + 1:]
        assert not crc_ok(spoiled), i
    with pytest.raises(EmvFormatError):
        decode(payload[:-1] + ("0" if payload[-1] != "0" else "1"))


def test_lengths_count_the_value_exactly() -> None:
    payload = vietqr_payload(AgencyAccount("970422", "1"), 1, "A")
    assert "".join(f"{t}{len(v):02d}{v}" for t, v in split(payload).items()) == payload


@pytest.mark.parametrize("amount", [0, -5, 10**13, True, 1.5])
def test_amount_must_be_a_positive_whole_number_of_dong(amount: object) -> None:
    with pytest.raises(VietQrError):
        vietqr_payload(ACCOUNT, amount, "H26-261202-0001")  # type: ignore[arg-type]


@pytest.mark.parametrize("reference", ["", "x" * 26, "mã hồ sơ", "A B", "A\nB"])
def test_reference_must_fit_the_additional_data_fields(reference: str) -> None:
    with pytest.raises(VietQrError):
        vietqr_payload(ACCOUNT, 7000, reference)


@pytest.mark.parametrize(("bank_bin", "account", "name"), [
    ("97040", "123", ""), ("9704031", "123", ""), ("97040a", "123", ""), ("970403", "", ""),
    ("970403", "1" * 20, ""), ("970403", "12 34", ""), ("970403", "123", "Phường Bến Thành"),
    ("970403", "123", "X" * 26),
])
def test_agency_account_is_validated(bank_bin: str, account: str, name: str) -> None:
    with pytest.raises(VietQrError):
        AgencyAccount(bank_bin, account, name)

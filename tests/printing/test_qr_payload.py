from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.qr_payload import QrPayloadError, ReceiptQrPayload, decode, encode

SAMPLE = ReceiptQrPayload(kind="receipt", file_code="000.00.01.H26-260930-0012", procedure_code="1.004227",
                          masked_id="********7890", issued_at=datetime(2026, 9, 30, 8, 15),
                          appointment=date(2026, 10, 3), issuer="KIOSK-DEMO-01")


def test_payload_round_trips() -> None:
    text = encode(SAMPLE)
    assert text.startswith("VNK1|R|000.00.01.H26-260930-0012|1.004227|********7890|202609300815|20261003|")
    assert decode(text) == SAMPLE


def test_payload_without_appointment_round_trips() -> None:
    ticket = dataclasses.replace(SAMPLE, kind="ticket", appointment=None)
    assert decode(encode(ticket)) == ticket


@pytest.mark.parametrize("garbage", [
    "", "hello", "https://dichvucong.gov.vn/p/home", "VNK1|R|x", "VNK2|R|a|b|c|202601010000||k|00000000",
])
def test_foreign_text_is_refused_with_a_reason(garbage: str) -> None:
    with pytest.raises(QrPayloadError) as info:
        decode(garbage)
    assert info.value.message_key == "printer.qr_unreadable"
    assert str(info.value)


def test_one_changed_character_is_caught_by_the_check_value() -> None:
    text = encode(SAMPLE).replace("20261003", "20261013")
    with pytest.raises(QrPayloadError, match="damaged"):
        decode(text)


def test_unmasked_id_is_never_encoded() -> None:
    with pytest.raises(QrPayloadError, match="masked"):
        encode(dataclasses.replace(SAMPLE, masked_id="001234567890"))


def test_separator_inside_a_field_is_refused() -> None:
    with pytest.raises(QrPayloadError):
        encode(dataclasses.replace(SAMPLE, procedure_code="1.00|4227"))


def test_malformed_date_with_valid_check_is_refused() -> None:
    import zlib
    body = "VNK1|R|F-1|P|****1234|2026133108xx||K"
    text = f"{body}|{zlib.crc32(body.encode()) & 0xFFFFFFFF:08X}"
    with pytest.raises(QrPayloadError, match="date"):
        decode(text)


_FIELD = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="|"), max_size=40)


@given(
    kind=st.sampled_from(["receipt", "ticket", "help"]),
    file_code=_FIELD.filter(lambda t: t.strip() == t and t != ""),
    procedure_code=_FIELD,
    last4=st.text(alphabet="0123456789", min_size=0, max_size=4),
    issued=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    appointment=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    issuer=_FIELD.filter(lambda t: t.strip() == t),
)
def test_any_valid_payload_round_trips(kind: str, file_code: str, procedure_code: str, last4: str,
                                       issued: datetime, appointment: date | None, issuer: str) -> None:
    payload = ReceiptQrPayload(kind=kind, file_code=file_code, procedure_code=procedure_code,  # type: ignore[arg-type]
                               masked_id="*" * 8 + last4, issued_at=issued.replace(second=0, microsecond=0),
                               appointment=appointment, issuer=issuer)
    assert decode(encode(payload)) == payload

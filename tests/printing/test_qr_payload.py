from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from hypothesis import given, settings
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


_FIELD = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Zl", "Zp"),
                                        exclude_characters="|"), max_size=64)


@given(
    kind=st.sampled_from(["receipt", "ticket", "help"]),
    file_code=_FIELD.filter(lambda t: t.strip() == t and t != ""),
    procedure_code=_FIELD,
    last4=st.text(alphabet="0123456789", min_size=0, max_size=4),
    issued=st.datetimes(),
    appointment=st.none() | st.dates(),
    issuer=_FIELD.filter(lambda t: t.strip() == t),
)
def test_any_valid_payload_round_trips(kind: str, file_code: str, procedure_code: str, last4: str,
                                       issued: datetime, appointment: date | None, issuer: str) -> None:
    payload = ReceiptQrPayload(kind=kind, file_code=file_code, procedure_code=procedure_code,  # type: ignore[arg-type]
                               masked_id="*" * 8 + last4, issued_at=issued.replace(second=0, microsecond=0),
                               appointment=appointment, issuer=issuer)
    assert decode(encode(payload)) == payload


# ---- strict grammar: what a camera may hand the decoder ------------------------------------------------------------

def _signed(body: str) -> str:
    """`body` with a correct check value, so only the field grammar can refuse it."""
    import zlib

    return f"{body}|{zlib.crc32(body.encode('utf-8', 'surrogatepass')) & 0xFFFFFFFF:08X}"


def test_a_lone_surrogate_is_refused_as_unreadable_not_a_crash() -> None:
    for text in ("VNK1|R|a\ud800|b", encode(SAMPLE).replace("KIOSK", "KI\udfffOSK"), "\udc80"):
        with pytest.raises(QrPayloadError):
            decode(text)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff"])
def test_control_and_invisible_characters_in_a_field_are_refused(char: str) -> None:
    with pytest.raises(QrPayloadError, match="control"):
        decode(_signed(f"VNK1|R|F{char}-1|P|****1234|202601010800||K"))
    with pytest.raises(QrPayloadError, match="control"):
        encode(dataclasses.replace(SAMPLE, issuer=f"KIOSK{char}01"))


@pytest.mark.parametrize("issued", ["99999999", "2026010108", "20260101080", "2026010108000", "202601010860",
                                    "２０２６01010800", "٢٠٢٦01010800", "2026²1010800", "+02601010800", " 2026010108 "])
def test_issue_time_is_exactly_twelve_ascii_digits_of_a_real_minute(issued: str) -> None:
    with pytest.raises(QrPayloadError, match="issue time"):
        decode(_signed(f"VNK1|R|F-1|P|****1234|{issued}||K"))


@pytest.mark.parametrize("appointment", ["2026103", "202610031", "20261332", "20260230", "2026１003", "0"])
def test_appointment_is_empty_or_exactly_eight_ascii_digits_of_a_real_day(appointment: str) -> None:
    with pytest.raises(QrPayloadError, match="appointment"):
        decode(_signed(f"VNK1|R|F-1|P|****1234|202601010800|{appointment}|K"))


@pytest.mark.parametrize("masked", ["001234567890", "****١٢٣٤5", "****12345", "****12²4", "**-*1234", "*" * 30])
def test_masked_id_shows_at_most_four_ascii_characters_after_stars(masked: str) -> None:
    with pytest.raises(QrPayloadError, match="ID"):
        decode(_signed(f"VNK1|R|F-1|P|{masked}|202601010800||K"))


def test_check_value_is_exactly_eight_upper_case_hex_digits() -> None:
    text = encode(SAMPLE)
    body, check = text[:-9], text[-8:]
    for bad in (check.lower() if check.lower() != check else None, check + "0", "0" + check, check[:7]):
        if bad is not None:
            with pytest.raises(QrPayloadError):
                decode(f"{body}|{bad}")


def test_overlong_fields_and_texts_are_refused_on_both_sides() -> None:
    with pytest.raises(QrPayloadError, match="long"):
        encode(dataclasses.replace(SAMPLE, file_code="F" * 65))
    with pytest.raises(QrPayloadError, match="long"):
        decode(_signed(f"VNK1|R|{'F' * 65}|P|****1234|202601010800||K"))
    with pytest.raises(QrPayloadError, match="long"):
        decode("VNK1|" + "x" * 5000)


def test_a_trailing_newline_from_a_scanner_is_tolerated() -> None:
    assert decode(encode(SAMPLE) + "\r\n") == SAMPLE


def test_an_issue_year_before_1000_is_written_with_four_digits_and_reads_back() -> None:
    early = dataclasses.replace(SAMPLE, issued_at=datetime(999, 1, 2, 3, 4), appointment=date(5, 6, 7))
    assert "|09990102" in encode(early)
    assert decode(encode(early)) == early


# ---- fuzz: any text, and mutations of real codes, give a payload or QrPayloadError and nothing else ---------------

_ANY_CHAR = st.characters(exclude_categories=())  # surrogates and control characters included on purpose


def _decode_or_refuse(text: str) -> None:
    try:
        payload = decode(text)
    except QrPayloadError:
        return
    # Whatever is accepted is canonical: it encodes back to the very text that was read.
    assert encode(payload) == text.strip(" \t\r\n")


@settings(max_examples=1500, deadline=None)
@given(st.text(_ANY_CHAR, max_size=120))
def test_any_text_is_a_payload_or_a_qr_payload_error(text: str) -> None:
    _decode_or_refuse(text)
    _decode_or_refuse("VNK1|" + text)


_FIELD_POSITIONS = range(1, 8)  # kind … issuer: everything between the magic and the check value


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(_FIELD_POSITIONS), st.text(_ANY_CHAR, max_size=14))
def test_any_field_value_with_a_valid_check_is_a_payload_or_a_qr_payload_error(position: int, value: str) -> None:
    fields = encode(SAMPLE).split("|")[:-1]
    fields[position] = value
    _decode_or_refuse(_signed("|".join(fields)))

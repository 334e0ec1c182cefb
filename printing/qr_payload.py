"""The text held by the QR code printed top-left on every kiosk document.

Circular 01/2023/TT-VPCP asks for a QR code (ISO/IEC 18004, TCVN 7322:2009) in the top-left corner of a
receipt holding at least the file code, procedure code, applicant ID, document kind, issuing system, issue time
and appointment date. The kiosk's payload, version 1, is one line of UTF-8 text with fields joined by "|":

    VNK1|<kind>|<file code>|<procedure code>|<masked ID>|<issued>|<appointment>|<issuer>|<check>

- kind: ``R`` receipt, ``T`` hospital queue ticket, ``H`` "needs help" slip;
- file code: the portal's file code (or the queue's local reference while it waits to be sent), opaque;
- masked ID: the ID number with at most its last four digits visible (``********7890``), never the full number;
- issued: local time ``YYYYMMDDhhmm``; appointment: ``YYYYMMDD`` or empty;
- issuer: the kiosk ID;
- check: CRC-32 (zlib polynomial) of everything before the last "|", 8 upper-case hex digits, so a damaged or
  foreign code is refused rather than misread.

Fields may not contain "|" or control characters. The same module reads the text back for the status look-up.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from printing.redaction import visible_digits

PayloadKind = Literal["receipt", "ticket", "help"]

MAGIC = "VNK1"
SEPARATOR = "|"
_KIND_CODES: dict[PayloadKind, str] = {"receipt": "R", "ticket": "T", "help": "H"}
_KINDS_BY_CODE: dict[str, PayloadKind] = {code: kind for kind, code in _KIND_CODES.items()}
_FIELDS = 9
_MAX_VISIBLE_ID_DIGITS = 4


class QrPayloadError(ValueError):
    """The QR text is not a kiosk document code (or a payload would not make one)."""

    message_key = "printer.qr_unreadable"


@dataclass(frozen=True)
class ReceiptQrPayload:
    kind: PayloadKind
    file_code: str
    procedure_code: str
    masked_id: str
    issued_at: datetime  # minute precision; seconds are dropped
    appointment: date | None
    issuer: str


def encode(payload: ReceiptQrPayload) -> str:
    """The QR text for `payload`; refuses separators, control characters and an unmasked ID."""
    if visible_digits(payload.masked_id) > _MAX_VISIBLE_ID_DIGITS:
        raise QrPayloadError("the ID in a QR payload must be masked to its last four digits")
    if not payload.file_code:
        raise QrPayloadError("a QR payload needs a file code")
    texts = (payload.file_code, payload.procedure_code, payload.masked_id, payload.issuer)
    for text in texts:
        if SEPARATOR in text or any(ord(ch) < 0x20 for ch in text):
            raise QrPayloadError("QR payload fields may not contain '|' or control characters")
    body = SEPARATOR.join((
        MAGIC,
        _KIND_CODES[payload.kind],
        payload.file_code,
        payload.procedure_code,
        payload.masked_id,
        payload.issued_at.strftime("%Y%m%d%H%M"),
        payload.appointment.strftime("%Y%m%d") if payload.appointment else "",
        payload.issuer,
    ))
    return f"{body}{SEPARATOR}{_check(body)}"


def decode(text: str) -> ReceiptQrPayload:
    """Read a payload back; any other text raises `QrPayloadError` saying what is wrong."""
    text = text.strip()
    body, sep, check = text.rpartition(SEPARATOR)
    if not text.startswith(MAGIC + SEPARATOR) or not sep:
        raise QrPayloadError("not a kiosk document code (it does not start with VNK1|)")
    if check.upper() != _check(body):
        raise QrPayloadError("the code is damaged: its check value does not match")
    fields = text.split(SEPARATOR)
    if len(fields) != _FIELDS:
        raise QrPayloadError(f"a kiosk document code has {_FIELDS} fields, this one has {len(fields)}")
    _, kind_code, file_code, procedure_code, masked_id, issued, appointment, issuer, _ = fields
    kind = _KINDS_BY_CODE.get(kind_code)
    if kind is None:
        raise QrPayloadError(f"unknown document kind {kind_code!r}")
    if not file_code:
        raise QrPayloadError("the code holds no file code")
    try:
        issued_at = datetime.strptime(issued, "%Y%m%d%H%M")
        appointment_date = datetime.strptime(appointment, "%Y%m%d").date() if appointment else None
    except ValueError as exc:
        raise QrPayloadError(f"the code holds a malformed date: {exc}") from exc
    if visible_digits(masked_id) > _MAX_VISIBLE_ID_DIGITS:
        raise QrPayloadError("the code holds an unmasked ID number")
    return ReceiptQrPayload(kind=kind, file_code=file_code, procedure_code=procedure_code, masked_id=masked_id,
                            issued_at=issued_at, appointment=appointment_date, issuer=issuer)


def _check(body: str) -> str:
    return f"{zlib.crc32(body.encode('utf-8')) & 0xFFFFFFFF:08X}"

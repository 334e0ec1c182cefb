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

Grammar, checked the same way when writing and reading so that every printed code reads back: text fields (file
code, procedure code, issuer) hold at most 64 characters and no "|", control, format, surrogate, private-use or
line/paragraph-separator characters; the masked ID is at most 20 "*" followed by at most four ASCII letters or
digits; times and dates are exactly 12 and 8 ASCII digits naming a real minute and a real day (strptime alone would
read "99999999" as a time and accept other scripts' digits); the whole text is at most 512 characters. Whitespace
around the text (a scanner's line end) is ignored. Any text that breaks the grammar raises `QrPayloadError` and
nothing else. The same module reads the text back for the status look-up.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

PayloadKind = Literal["receipt", "ticket", "help"]

MAGIC = "VNK1"
SEPARATOR = "|"
_KIND_CODES: dict[PayloadKind, str] = {"receipt": "R", "ticket": "T", "help": "H"}
_KINDS_BY_CODE: dict[str, PayloadKind] = {code: kind for kind, code in _KIND_CODES.items()}
_FIELDS = 9
MAX_TEXT_CHARS = 512
MAX_FIELD_CHARS = 64
_EDGE_WHITESPACE = " \t\r\n"
# Control (Cc), format (Cf), surrogate (Cs), private use (Co), line and paragraph separators (Zl, Zp): none of them
# belongs in a code a clerk may read aloud, and a surrogate cannot even be written as UTF-8.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_MASKED_ID = re.compile(r"\*{0,20}[0-9A-Za-z]{0,4}")
_TIMESTAMP = re.compile(r"[0-9]{12}")
_DAY = re.compile(r"[0-9]{8}")
_CHECK = re.compile(r"[0-9A-F]{8}")


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
    """The QR text for `payload`; refuses what `decode` would refuse (separators, control characters, long fields,
    an unmasked ID), so a printed code always reads back."""
    if not _MASKED_ID.fullmatch(payload.masked_id):
        raise QrPayloadError("the ID in a QR payload must be masked to its last four digits")
    if not payload.file_code:
        raise QrPayloadError("a QR payload needs a file code")
    for text in (payload.file_code, payload.procedure_code, payload.issuer):
        _check_text_field(text)
    body = SEPARATOR.join((
        MAGIC,
        _KIND_CODES[payload.kind],
        payload.file_code,
        payload.procedure_code,
        payload.masked_id,
        _timestamp_text(payload.issued_at),
        _day_text(payload.appointment) if payload.appointment else "",
        payload.issuer,
    ))
    return f"{body}{SEPARATOR}{_check(body)}"


def decode(text: str) -> ReceiptQrPayload:
    """Read a payload back; any other text raises `QrPayloadError` (and only that) saying what is wrong."""
    text = text.strip(_EDGE_WHITESPACE)
    if len(text) > MAX_TEXT_CHARS:
        raise QrPayloadError(f"the code is too long to be a kiosk document code ({len(text)} characters)")
    if not text.startswith(MAGIC + SEPARATOR):
        raise QrPayloadError("not a kiosk document code (it does not start with VNK1|)")
    if _has_forbidden(text):
        raise QrPayloadError("the code holds control or invisible characters")
    fields = text.split(SEPARATOR)
    if len(fields) != _FIELDS:
        raise QrPayloadError(f"a kiosk document code has {_FIELDS} fields, this one has {len(fields)}")
    body, _, check = text.rpartition(SEPARATOR)
    if not _CHECK.fullmatch(check) or check != _check(body):
        raise QrPayloadError("the code is damaged: its check value does not match")
    _, kind_code, file_code, procedure_code, masked_id, issued, appointment, issuer, _ = fields
    kind = _KINDS_BY_CODE.get(kind_code)
    if kind is None:
        raise QrPayloadError(f"unknown document kind {kind_code!r}")
    if not file_code:
        raise QrPayloadError("the code holds no file code")
    for field in (file_code, procedure_code, issuer):
        _check_text_field(field)
    if not _MASKED_ID.fullmatch(masked_id):
        raise QrPayloadError("the code holds an unmasked or malformed ID number")
    return ReceiptQrPayload(kind=kind, file_code=file_code, procedure_code=procedure_code, masked_id=masked_id,
                            issued_at=_read_timestamp(issued),
                            appointment=_read_day(appointment) if appointment else None, issuer=issuer)


def _has_forbidden(text: str) -> bool:
    return any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in text)


def _check_text_field(text: str) -> None:
    if len(text) > MAX_FIELD_CHARS:
        raise QrPayloadError(f"a QR payload field is too long ({len(text)} > {MAX_FIELD_CHARS} characters)")
    if SEPARATOR in text or _has_forbidden(text):
        raise QrPayloadError("QR payload fields may not contain '|' or control characters")


def _timestamp_text(moment: datetime) -> str:
    # Zero-padded by hand: strftime("%Y") gives fewer than four digits for early years on glibc.
    return f"{moment.year:04d}{moment.month:02d}{moment.day:02d}{moment.hour:02d}{moment.minute:02d}"


def _day_text(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _read_timestamp(text: str) -> datetime:
    if not _TIMESTAMP.fullmatch(text):
        raise QrPayloadError("the code's issue time is not a date and time of 12 digits (YYYYMMDDhhmm)")
    try:
        return datetime(int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]))
    except ValueError as exc:
        raise QrPayloadError("the code's issue time is not a real date and time") from exc


def _read_day(text: str) -> date:
    if not _DAY.fullmatch(text):
        raise QrPayloadError("the code's appointment date is not a date of 8 digits (YYYYMMDD)")
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        raise QrPayloadError("the code's appointment date is not a real day") from exc


def _check(body: str) -> str:
    return f"{zlib.crc32(body.encode('utf-8')) & 0xFFFFFFFF:08X}"

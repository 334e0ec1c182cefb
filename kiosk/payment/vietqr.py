"""VietQR payment codes: the EMVCo merchant-presented QR payload in the layout NAPAS publishes for VietQR.

EMVCo QR Code Specification for Payment Systems, Merchant-Presented Mode (QRCPS-MPM): the payload is a run of
data objects, each a two-digit ID, a two-digit length and the value, with the CRC object (ID 63) last. VietQR
(NAPAS, "QR Format T&C") fixes the account template at ID 38: GUID A000000727, the beneficiary organisation
(sub-object 00 the bank's BIN, 01 the account number) and the service code QRIBFTTA ("transfer to account").
Here every code is dynamic (ID 01 = 12): it carries the amount in whole đồng (54, currency 704 = VND) and the
file code as reference label and purpose of transaction (62/05 and 62/08), so the bank app fills the transfer
note and the agency can match the money to the file. The CRC is CRC-16/CCITT-FALSE (polynomial 0x1021, initial
value 0xFFFF) over the whole payload up to and including "6304", written as four upper-case hex digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.payment.interface import PaymentConfirmations, PaymentError, PaymentOffer, PaymentRecord

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
DYNAMIC = "12"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MAX_AMOUNT_DIGITS = 13          # EMVCo limits the amount object (54) to 13 characters
MAX_REFERENCE = 25              # EMVCo limits 62/05 and 62/08 to 25 characters each
MAX_ACCOUNT = 19                # NAPAS: a card or account number of at most 19 characters
MAX_NAME = 25                   # EMVCo merchant name (59)

_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(rf"[0-9A-Za-z]{{1,{MAX_ACCOUNT}}}")
_NAME = re.compile(rf"[A-Z0-9 .,&()/-]{{0,{MAX_NAME}}}")
# A file code (`<agency>-<yymmdd>-<nnnn>`): printable ASCII without spaces, which every bank app keeps intact.
_REFERENCE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._/-]{{0,{MAX_REFERENCE - 1}}}")


class VietQrError(ValueError):
    """A value that cannot go into a VietQR code (the text names the field, never a citizen's data)."""


@dataclass(frozen=True)
class AgencyAccount:
    """The receiving agency's bank account: the bank's 6-digit NAPAS BIN, the account number and, optionally, the
    account holder's name in upper-case unaccented letters as bank apps show it."""

    bank_bin: str
    account_number: str
    account_name: str = ""

    def __post_init__(self) -> None:
        if not _BIN.fullmatch(self.bank_bin):
            raise VietQrError("bank_bin must be the bank's 6-digit NAPAS BIN")
        if not _ACCOUNT.fullmatch(self.account_number):
            raise VietQrError(f"account_number must be 1-{MAX_ACCOUNT} letters or digits")
        if not _NAME.fullmatch(self.account_name):
            raise VietQrError(f"account_name must be at most {MAX_NAME} upper-case unaccented letters, digits or "
                              "spaces")


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        crc &= 0xFFFF
    return crc


def data_object(tag: str, value: str) -> str:
    if not (len(tag) == 2 and tag.isdigit()):
        raise VietQrError(f"data object ID {tag!r} is not two digits")
    if len(value) > 99 or not value.isascii():
        raise VietQrError(f"data object {tag} must be at most 99 ASCII characters")
    return f"{tag}{len(value):02d}{value}"


def vietqr_payload(account: AgencyAccount, amount_vnd: int, reference: str) -> str:
    """The text of a dynamic VietQR code asking for `amount_vnd` đồng into `account`, noted with `reference`."""
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0 \
            or len(str(amount_vnd)) > MAX_AMOUNT_DIGITS:
        raise VietQrError(f"amount must be a whole number of đồng from 1 to {MAX_AMOUNT_DIGITS} digits")
    if not _REFERENCE.fullmatch(reference):
        raise VietQrError(f"reference must be a file code of at most {MAX_REFERENCE} characters")
    beneficiary = data_object("00", account.bank_bin) + data_object("01", account.account_number)
    merchant_account = (data_object("00", NAPAS_GUID) + data_object("01", beneficiary)
                        + data_object("02", SERVICE_TO_ACCOUNT))
    parts = [
        data_object("00", "01"),  # payload format indicator
        data_object("01", DYNAMIC),
        data_object("38", merchant_account),
        data_object("53", CURRENCY_VND),
        data_object("54", str(amount_vnd)),
        data_object("58", COUNTRY_VN),
    ]
    if account.account_name:
        parts.append(data_object("59", account.account_name))
    parts.append(data_object("62", data_object("05", reference) + data_object("08", reference)))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


class VietQrPayment:
    """The `Payment` back end: a dynamic VietQR code for the agency's account, the fee's amount and the file code,
    with payments opened and confirmed by `confirmations` (the provincial system)."""

    method = "vietqr"

    def __init__(self, account: AgencyAccount, confirmations: PaymentConfirmations) -> None:
        self.account = account
        self.confirmations = confirmations

    def request(self, file_code: str, id_last4: str) -> PaymentOffer:
        return self._offer(self.confirmations.open(file_code, id_last4, self.method))

    def check(self, file_code: str, id_last4: str) -> PaymentOffer:
        return self._offer(self.confirmations.get(file_code, id_last4))

    def _offer(self, record: PaymentRecord) -> PaymentOffer:
        payload = ""
        if record.state == "pending":
            try:
                payload = vietqr_payload(self.account, record.amount_vnd, record.reference)
            except VietQrError as exc:
                # A reference or amount no bank app would take: nothing to scan; staff take the fee at the counter.
                raise PaymentError(str(exc)) from None
        return PaymentOffer(file_code=record.file_code, state=record.state, amount_vnd=record.amount_vnd,
                            method=record.method or self.method, reference=record.reference, qr_payload=payload,
                            paid_at=record.paid_at, expires_at=record.expires_at, opened_now=record.opened_now)

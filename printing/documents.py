"""The plain data each printed document is drawn from, and what rendering gives back.

The kiosk fills these (kiosk/receipts/desk.py); printing/ turns them into PDF. Personal fields (names, ID and
insurance numbers) are left out of `repr` so a stray log line cannot carry them; the citizen's address is not a
field at all because no document prints it. Texts are stored as given; rendering normalises them to NFC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from printing.labels import Language

Paper = Literal["80mm", "a4"]
DeliveryChannel = Literal["counter", "post", "online"]
PatientType = Literal["insurance", "self_pay"]
Route = Literal["in_network", "open_network", "out_of_network"]
Sex = Literal["male", "female", ""]
PaymentMethod = Literal["vietqr", "counter"]


@dataclass(frozen=True)
class Issuer:
    """Who hands the document out: the ward office or hospital, this kiosk, and where to call."""

    agency_name: str
    kiosk_id: str
    hotline: str
    agency_code: str = ""
    pickup_place: str = ""  # where results are collected, e.g. "Bộ phận một cửa UBND Phường Bến Thành"


@dataclass(frozen=True)
class ReceivedDocument:
    name: str
    copies: int = 1


@dataclass(frozen=True)
class ReceiptPart:
    """One procedure of a combined (liên thông) file: each agency's own file code and its status, the status
    already worded in the citizen's language; `file_code` is empty while the file waits on the kiosk."""

    name: str
    procedure_code: str
    file_code: str = ""
    status: str = ""


@dataclass(frozen=True)
class ReceiptPayment:
    """The file's fee on the receipt: amount in whole đồng, how it is paid, the reference the transfer carries
    (the file code), and whether it is paid. While it is awaited, `qr_payload` is the VietQR text printed so the
    citizen can pay later from a banking app."""

    amount_vnd: int
    method: PaymentMethod
    reference: str
    state: Literal["paid", "awaiting"]
    paid_at: datetime | None = None
    qr_payload: str = ""


@dataclass(frozen=True)
class ReceiptData:
    """The one-stop receipt and appointment slip (Circular 01/2018/TT-VPCP, Form 01)."""

    issuer: Issuer
    file_code: str  # the portal's file code, or the queue's local reference while `pending_upload`
    procedure_code: str
    procedure_name: str
    applicant_name: str = field(repr=False)
    id_number: str = field(repr=False)  # printed masked to its last four digits, never whole
    received_at: datetime = field(default_factory=datetime.now)
    appointment_at: datetime | date | None = None  # a date alone when the portal gave no time
    processing_days: int | None = None
    documents: tuple[ReceivedDocument, ...] = ()
    delivery: DeliveryChannel = "counter"
    pending_upload: bool = False
    extra_notes: tuple[str, ...] = ()  # further next steps, already in the citizen's language
    language: Language = "vi"
    payment: ReceiptPayment | None = None  # the fee, when the procedure has one
    parts: tuple[ReceiptPart, ...] = ()  # a combined file: every procedure with its own file code and status
    supplement: bool = False  # papers added to a filed case (status 5): "Giấy tiếp nhận hồ sơ bổ sung"


@dataclass(frozen=True)
class QueueTicketData:
    """The hospital exam slip: a big queue number, where to go, and the insurance outcome."""

    issuer: Issuer  # agency_name is the hospital's name
    queue_number: str
    visit_id: str  # the hospital's visit/registration number, printed as barcode and in the QR code
    specialty_code: str
    specialty: str
    room: str
    floor: str
    patient_name: str = field(repr=False)
    id_number: str = field(repr=False)
    birth_year: int | None = field(default=None, repr=False)
    sex: Sex = field(default="", repr=False)
    patient_type: PatientType = "insurance"
    insurance_number: str = field(default="", repr=False)
    benefit_percent: int | None = None
    insurance_valid_to: date | None = None
    registered_facility: str = ""
    route: Route | None = None
    people_ahead: int = 0
    estimated_wait_min: int = 0
    issued_at: datetime = field(default_factory=datetime.now)
    language: Language = "vi"
    extra_notes: tuple[str, ...] = ()  # further sentences, already in the patient's language


@dataclass(frozen=True)
class HelpSlipData:
    """Printed when a flow cannot finish, so the citizen can hand it to the counter and not start over."""

    issuer: Issuer
    reason: str  # in Vietnamese, for the counter staff
    reason_code: str  # the message key, e.g. "card.access_denied", for the technician
    service_name: str
    occurred_at: datetime = field(default_factory=datetime.now)
    reference: str = ""  # the queue's submission ID when there is one
    language: Language = "vi"


@dataclass(frozen=True)
class RenderedDocument:
    """A finished document: PDF bytes and the page size a printer needs to know."""

    pdf: bytes = field(repr=False)
    title: str
    page_width_mm: float
    page_height_mm: float
    pages: int = 1

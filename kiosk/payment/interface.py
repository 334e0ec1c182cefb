"""The `Payment` interface: how a file's fee is asked for at the kiosk and how the kiosk learns it was paid.

A back end (`VietQrPayment`) turns the record the confirming side keeps (`PaymentRecord`, from the portal or a
simulation) into what the citizen sees (`PaymentOffer`: amount, method, reference and, while unpaid, the code to
scan). Confirmation sides implement `PaymentConfirmations`: `open` is idempotent by file code, so a fee already
paid is answered as paid and never asked for again. Errors carry a message key of `kiosk/i18n/payment.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from kiosk.payment.qr_image import QrMatrix

PaymentState = Literal["not_required", "unpaid", "pending", "paid"]
STATES: tuple[PaymentState, ...] = ("not_required", "unpaid", "pending", "paid")


@dataclass(frozen=True)
class PaymentRecord:
    """One file's fee as the confirming side knows it; `reference` is what the transfer must carry."""

    file_code: str
    state: PaymentState
    amount_vnd: int
    reference: str
    method: str | None = None
    requested_at: str | None = None  # ISO-8601, +07:00, as the portal sent them
    paid_at: str | None = None
    expires_at: str | None = None
    opened_now: bool = False  # this call opened it (False: it was open or paid already)


@dataclass(frozen=True)
class PaymentOffer:
    """What the payment screen and the receipt show. `qr_payload` is the text of the code to scan, present only
    while the payment is `pending`; draw it with `kiosk.payment.qr_image.qr_matrix`."""

    file_code: str
    state: PaymentState
    amount_vnd: int
    method: str
    reference: str
    qr_payload: str = ""
    paid_at: str | None = None
    expires_at: str | None = None
    opened_now: bool = False

    @property
    def paid(self) -> bool:
        return self.state == "paid"

    @property
    def settled(self) -> bool:
        """Nothing more to pay: paid, or no fee at all."""
        return self.state in ("paid", "not_required")

    def qr(self) -> QrMatrix | None:
        """The code to draw on the payment screen (a module matrix, or `.png()`), None when there is nothing to scan."""
        from kiosk.payment.qr_image import qr_matrix

        return qr_matrix(self.qr_payload) if self.qr_payload else None


class PaymentConfirmations(Protocol):
    """Where payments are opened and confirmed (the provincial system, or a simulation of it)."""

    def open(self, file_code: str, id_last4: str, method: str) -> PaymentRecord: ...

    def get(self, file_code: str, id_last4: str) -> PaymentRecord: ...


class Payment(Protocol):
    """A way to pay a file's fee at the kiosk."""

    method: str

    def request(self, file_code: str, id_last4: str) -> PaymentOffer:
        """Open (or find) the payment of the file's fee; raises `PaymentError`."""
        ...

    def check(self, file_code: str, id_last4: str) -> PaymentOffer:
        """The payment as it stands now, without opening one; raises `PaymentError`."""
        ...


class PaymentError(Exception):
    """A payment could not be asked for or checked; `message_key` says what to tell the citizen."""

    message_key = "payment.failed"


class PaymentUnavailableError(PaymentError):
    """The confirming side cannot be reached or answered nonsense: try again later (the file stays unpaid)."""

    message_key = "payment.unavailable"


class PaymentFileNotFoundError(PaymentError):
    """No such file code, or the last four ID digits do not match it."""

    message_key = "payment.file_not_found"


class PaymentsOffError(PaymentError):
    """This kiosk is set up without payments (`[payment] backend = "off"`)."""

    message_key = "payment.off"

"""Fees paid at the kiosk: the `Payment` interface, its VietQR back end, and payment confirmation through the
provincial system (or a simulation). See `desk.PaymentDesk` for what the journey calls."""

from kiosk.payment.desk import PaymentDesk
from kiosk.payment.interface import (
    Payment,
    PaymentConfirmations,
    PaymentError,
    PaymentFileNotFoundError,
    PaymentOffer,
    PaymentRecord,
    PaymentsOffError,
    PaymentState,
    PaymentUnavailableError,
)
from kiosk.payment.qr_image import QrMatrix, qr_matrix
from kiosk.payment.vietqr import AgencyAccount, VietQrError, VietQrPayment, vietqr_payload

__all__ = ["AgencyAccount", "Payment", "PaymentConfirmations", "PaymentDesk", "PaymentError",
           "PaymentFileNotFoundError", "PaymentOffer", "PaymentRecord", "PaymentState", "PaymentUnavailableError",
           "PaymentsOffError", "QrMatrix", "VietQrError", "VietQrPayment", "qr_matrix", "vietqr_payload"]

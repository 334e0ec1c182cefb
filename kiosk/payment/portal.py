"""Payment confirmation through the provincial system: `POST /v1/payments` opens a file's payment (idempotent by
file code) and `GET /v1/payments/{file code}` is polled until the bank's transfer is confirmed there (the adapter
contract, kiosk/portal/contract.py). Portal errors become payment errors; nothing from HTTP leaks out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.payment.interface import (
    STATES,
    PaymentError,
    PaymentFileNotFoundError,
    PaymentRecord,
    PaymentState,
    PaymentUnavailableError,
)
from kiosk.portal.client import PortalClient, Timeout
from kiosk.portal.contract import PortalPayment
from kiosk.portal.errors import ApplicationNotFoundError, PortalError

log = logging.getLogger(__name__)


class PortalConfirmations:
    def __init__(self, client: PortalClient, timeout: Timeout | None = None) -> None:
        self.client = client
        self.timeout = timeout

    def open(self, file_code: str, id_last4: str, method: str) -> PaymentRecord:
        return self._ask(lambda: self.client.request_payment(file_code, id_last4, method, timeout=self.timeout))

    def get(self, file_code: str, id_last4: str) -> PaymentRecord:
        return self._ask(lambda: self.client.payment_status(file_code, id_last4, timeout=self.timeout))

    @staticmethod
    def _ask(call: Callable[[], PortalPayment]) -> PaymentRecord:
        try:
            found = call()
        except ApplicationNotFoundError:
            raise PaymentFileNotFoundError("no such file for these ID digits") from None
        except PortalError as exc:
            log.warning("payment call failed: %s", exc.reason_code)
            error: PaymentError = PaymentUnavailableError(exc.reason_code)
            raise error from None
        state: PaymentState = next(s for s in STATES if s == found.state)
        return PaymentRecord(file_code=found.dossier_code, state=state, amount_vnd=found.amount,
                             reference=found.reference, method=found.method, requested_at=found.requested_at,
                             paid_at=found.paid_at, expires_at=found.expires_at, opened_now=found.created)

"""The kiosk's payment desk: what the journey core and the status look-up call to take a file's fee.

`request` right after a file is submitted (its file code is the payment's reference), `check` on the journey's
timer until the offer is `paid` (not more often than `poll_interval_s`), `pay_for_file` from the status look-up
for a file left awaiting payment (status 6). Every call is idempotent by file code: a paid fee comes back as
paid, with nothing to scan, however often it is asked for. `wait_until_paid` is the blocking form, for a worker
thread or the command line.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.payment.interface import Payment, PaymentOffer


class PaymentDesk:
    def __init__(self, payment: Payment, *, poll_interval_s: float = 2.0, wait_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.payment = payment
        self.poll_interval_s = poll_interval_s
        self.wait_s = wait_s
        self._clock = clock
        self._sleep = sleep

    @property
    def method(self) -> str:
        return self.payment.method

    def request(self, file_code: str, id_last4: str) -> PaymentOffer:
        """Open the payment of a just-submitted file's fee (or get the one already open or paid)."""
        return self.payment.request(file_code.strip(), id_last4.strip())

    def pay_for_file(self, file_code: str, id_last4: str) -> PaymentOffer:
        """Pay later, from the status look-up: the same idempotent request for a file awaiting payment."""
        return self.request(file_code, id_last4)

    def check(self, file_code: str, id_last4: str) -> PaymentOffer:
        """The payment as it stands (one question to the confirming side)."""
        return self.payment.check(file_code.strip(), id_last4.strip())

    def wait_until_paid(self, offer: PaymentOffer, id_last4: str, *, timeout_s: float | None = None,
                        stop: Callable[[], bool] | None = None) -> PaymentOffer:
        """Poll until the payment is settled, `timeout_s` (default `wait_s`) has passed or `stop()` is true; the
        last answer is returned either way (errors while polling are raised)."""
        deadline = self._clock() + (self.wait_s if timeout_s is None else timeout_s)
        while not offer.settled:
            if (stop is not None and stop()) or self._clock() >= deadline:
                break
            self._sleep(min(self.poll_interval_s, max(0.0, deadline - self._clock())))
            offer = self.check(offer.file_code, id_last4)
        return offer

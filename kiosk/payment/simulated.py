"""Payments opened and confirmed in memory, for tests and rehearsals without a portal.

Files are added with their fee (`add_file`); an opened payment is confirmed `confirm_after_s` seconds later on
the given clock, or when `confirm` is called (None: only then). It keeps the portal's rules: one payment per file
code, a wrong file code or ID digits is "not found", and `opened` counts the payments actually opened.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.payment.interface import PaymentFileNotFoundError, PaymentRecord, PaymentState
from kiosk.vietnam import VIETNAM_TIME


@dataclass
class _File:
    id_last4: str
    amount_vnd: int
    method: str | None = None
    opened_at: float | None = None
    paid_at: float | None = None
    paid_wall: str | None = None


class SimulatedConfirmations:
    def __init__(self, confirm_after_s: float | None = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.confirm_after_s = confirm_after_s
        self._clock = clock
        self._files: dict[str, _File] = {}
        self.opened = 0

    def add_file(self, file_code: str, id_last4: str, amount_vnd: int) -> None:
        self._files[file_code] = _File(id_last4, amount_vnd)

    def confirm(self, file_code: str) -> None:
        found = self._files[file_code]
        if found.opened_at is not None and found.paid_at is None:
            found.paid_at, found.paid_wall = self._clock(), _wall()

    def open(self, file_code: str, id_last4: str, method: str) -> PaymentRecord:
        found = self._find(file_code, id_last4)
        opened_now = found.amount_vnd > 0 and found.opened_at is None
        if opened_now:
            found.method, found.opened_at = method, self._clock()
            self.opened += 1
        return self._record(file_code, found, opened_now)

    def get(self, file_code: str, id_last4: str) -> PaymentRecord:
        return self._record(file_code, self._find(file_code, id_last4), False)

    def _find(self, file_code: str, id_last4: str) -> _File:
        found = self._files.get(file_code)
        if found is None or found.id_last4 != id_last4:
            raise PaymentFileNotFoundError("no such file for these ID digits")
        return found

    def _record(self, file_code: str, found: _File, opened_now: bool) -> PaymentRecord:
        now = self._clock()
        if found.paid_at is None and found.opened_at is not None and self.confirm_after_s is not None \
                and now >= found.opened_at + self.confirm_after_s:
            found.paid_at, found.paid_wall = found.opened_at + self.confirm_after_s, _wall()
        if found.amount_vnd <= 0:
            return PaymentRecord(file_code, "not_required", 0, file_code)
        state: PaymentState = ("paid" if found.paid_at is not None else "pending" if found.opened_at is not None
                               else "unpaid")
        return PaymentRecord(file_code, state, found.amount_vnd, file_code, method=found.method,
                             paid_at=found.paid_wall, opened_now=opened_now)


def _wall() -> str:
    return dt.datetime.now(VIETNAM_TIME).isoformat(timespec="seconds")

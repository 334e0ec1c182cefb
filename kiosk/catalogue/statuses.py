"""File statuses as citizens read them, and whether a file can be withdrawn from the kiosk.

Status codes are the national portal's (DVCQG) `TrangThaiHoSo` 1–10; which of them allow an immediate withdrawal is
each service's data (`withdraw_statuses`, normally only 1: submitted, not yet accepted), answering the complaint
that a file could not be cancelled before acceptance.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.catalogue.model import ServiceSpec

STATUS_CODES = tuple(range(1, 11))


@dataclass(frozen=True)
class StatusView:
    code: int
    label_key: str          # services.status_<code>
    can_withdraw: bool
    withdraw_key: str       # services.withdraw_allowed | services.withdraw_not_allowed | "" (nothing to withdraw)


def status_view(service: ServiceSpec, status: int) -> StatusView:
    """What the look-up screen says about a file in `status` and whether it offers "Rút hồ sơ"."""
    if status not in STATUS_CODES:
        raise ValueError(f"unknown portal status {status}")
    allowed = service.can_withdraw(status)
    finished = status in (3, 7, 8, 9, 10)
    key = "services.withdraw_allowed" if allowed else ("" if finished else "services.withdraw_not_allowed")
    return StatusView(status, f"services.status_{status}", allowed, key)

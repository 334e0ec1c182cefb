"""Values of the kiosk ↔ provincial-system adapter contract (JSON over HTTPS) and the DVCQG status codes.

Status codes are the national portal's `TrangThaiHoSo` values 1–10; their labels for people are in
`kiosk/i18n/queue.toml` as `queue.status_<n>`. Times are ISO-8601 strings in +07:00, kept as the portal sent them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUBMITTED, ACCEPTED, REJECTED_AT_INTAKE, PROCESSING, SUPPLEMENT_REQUESTED = 1, 2, 3, 4, 5
PAYMENT_REQUESTED, WITHDRAWAL_REQUESTED, STOPPED, DECIDED, DELIVERED = 6, 7, 8, 9, 10
ALL_STATUSES = tuple(range(1, 11))


def status_message_key(status: int) -> str:
    return f"queue.status_{status}" if status in ALL_STATUSES else "queue.status_unknown"


@dataclass(frozen=True)
class PortalFieldError:
    field: str
    code: str
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class UploadedFile:
    file_id: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class ApplicationResult:
    """The portal's answer to a create: 201 for a new file, 200 for an idempotent replay."""

    dossier_code: str
    status: int
    received_at: str | None
    due_at: str | None
    replay: bool
    qr_payload: str | None = None


@dataclass(frozen=True)
class StatusEvent:
    status: int
    at: str


@dataclass(frozen=True)
class ApplicationStatusResult:
    dossier_code: str
    status: int
    due_at: str | None
    history: tuple[StatusEvent, ...] = ()
    result_docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class WithdrawalResult:
    """`outcome` is "withdrawn" (done at once, status was 1) or "requested" (status 7: an officer decides)."""

    dossier_code: str
    outcome: str
    status: int


@dataclass(frozen=True)
class PortalStatisticsResult:
    total: int
    counts_by_status: dict[int, int]
    on_time_pct: float | None
    median_days: float | None
    overdue: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

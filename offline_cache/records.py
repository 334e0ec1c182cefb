"""Plain values the submission queue stores and hands out.

The queue keeps one record per citizen submission, keyed by the idempotency key minted when the citizen taps
"Nộp hồ sơ" (the `Idempotency-Key` of the provincial adapter contract). Only what statistics need is kept in
clear (service code, state, timestamps, file code, last known portal status); everything personal lives in the
encrypted parts and is only ever held in these dataclasses, whose `repr` hides it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class SubmissionState(enum.StrEnum):
    """Where a submission is in its life on this kiosk (not the portal's 1–10 status)."""

    QUEUED = "queued"  # saved durably, waiting to be sent
    SENDING = "sending"  # claimed by one sender; goes back to queued if the kiosk stops meanwhile
    ACCEPTED = "accepted"  # the portal answered with a file code
    REJECTED = "rejected"  # the portal refused it (field errors); sending again would not help
    WITHDRAWN = "withdrawn"  # the citizen cancelled it before it was ever sent
    DAMAGED = "damaged"  # a sealed part no longer opens (damaged storage): set aside for staff, never sent
    # The citizen withdrew it after a send whose answer never came: the portal may hold it. Never sent again; the
    # kiosk asks the portal (by idempotency key) and withdraws it there, or settles it as never sent.
    WITHDRAWING = "withdrawing"

    @property
    def is_final(self) -> bool:
        return self in (SubmissionState.ACCEPTED, SubmissionState.REJECTED, SubmissionState.WITHDRAWN)


@dataclass(frozen=True)
class Attachment:
    """One document handed in with a submission (a scanned page, a PDF)."""

    component_code: str  # the procedure's document slot (MaThanhPhanHoSo)
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Attachment(component_code={self.component_code!r}, bytes={len(self.data)})"


@dataclass(frozen=True)
class ReceiptFacts:
    """What a printed receipt needs, kept (encrypted) after the payload itself is cleared by retention."""

    service_code: str
    masked_id: str  # e.g. "********1234"; never the full number
    id_last4: str  # needed to look the file up or withdraw it at the portal
    received_at: float  # when the citizen tapped submit (epoch seconds)
    service_name: str = ""
    file_code: str | None = None
    due_at: str | None = None  # ISO-8601 date/time from the portal, +07:00

    def __repr__(self) -> str:
        return (f"ReceiptFacts(service_code={self.service_code!r}, file_code={self.file_code!r}, "
                f"due_at={self.due_at!r}, id=***)")


@dataclass(frozen=True)
class FieldProblem:
    """One field the portal refused, with its messages in both languages as the portal wrote them."""

    field: str
    code: str
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class SubmissionRecord:
    """A queue row as staff and the UI may see it: clear metadata plus the decrypted receipt facts."""

    submission_id: str
    service_code: str
    state: SubmissionState
    attempts: int
    next_attempt_at: float
    last_error: str | None  # an error code, never personal data
    file_code: str | None
    portal_status: int | None
    due_at: str | None
    created_at: float
    updated_at: float
    accepted_at: float | None
    payload_cleared: bool
    receipt: ReceiptFacts
    problems: tuple[FieldProblem, ...] = ()
    # Parts of the stored row that could not be read ("receipt", "problems", "state", "times"); the receipt is
    # then a stand-in without the masked ID, and staff see the row as damaged.
    unreadable: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutgoingSubmission:
    """What a `Sender` gets: everything needed to send one submission, decrypted, with its idempotency key."""

    submission_id: str  # also the Idempotency-Key
    service_code: str
    payload: Mapping[str, Any] = field(repr=False)
    attachments: tuple[Attachment, ...] = field(repr=False)
    attempt: int

    def __repr__(self) -> str:
        return (f"OutgoingSubmission(submission_id={self.submission_id!r}, service_code={self.service_code!r}, "
                f"attempt={self.attempt}, attachments={len(self.attachments)})")


@dataclass(frozen=True)
class Delivered:
    """The portal took the submission (first time or as an idempotent replay)."""

    file_code: str
    due_at: str | None
    received_at: str | None
    portal_status: int = 1
    parts: tuple[tuple[str, str, int], ...] = ()  # combined file: (procedure code, file code, status) per part


@dataclass(frozen=True)
class Refused:
    """The portal will never take this submission as it is: field errors or a conflicting key."""

    reason_code: str
    problems: tuple[FieldProblem, ...] = ()


@dataclass(frozen=True)
class Deferred:
    """Not sent this time (portal down, busy, answered nonsense); try again later."""

    reason_code: str
    retry_after_s: float | None = None
    # A fault of the kiosk's own set-up (wrong portal address, a proxy's 404, refused credentials, a redirect),
    # not of the portal's load: the worker stops sending at once instead of after several failures.
    operational: bool = False


SendResult = Delivered | Refused | Deferred


@dataclass(frozen=True)
class NewSubmission:
    """Input to `enqueue_many`: one submission as the kiosk made it."""

    submission_id: str
    service_code: str
    payload: Mapping[str, Any] = field(repr=False)
    receipt: ReceiptFacts
    attachments: tuple[Attachment, ...] = field(default=(), repr=False)

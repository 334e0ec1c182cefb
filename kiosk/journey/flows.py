"""The state of the journey's three side flows that outlive one screen: paying a fee, scanning a paper document
page by page, and adding papers to a filed case. Plain data, kept in `VisitState` and so wiped with the visit.

The steps that drive them are kiosk.journey.payment_step, kiosk.journey.documents_step and
kiosk.journey.supplement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.documents import DocumentAttachment, DocumentCapture
from kiosk.payment import PaymentOffer


@dataclass
class PaymentFlow:
    """One file's fee being paid on the "payment" screen. `origin` is "submit" (right after sending: the receipt
    is printed when the citizen goes on) or "status" (from the status look-up: nothing is printed). Times are the
    session clock's monotonic seconds."""

    file_code: str
    id_last4: str
    origin: str
    offer: PaymentOffer | None = None
    error_key: str = ""
    opened_at: float = 0.0
    polled_at: float = 0.0
    gave_up: bool = False          # wait_s passed without the bank's confirmation: "pay later" is offered
    paid_before: bool = False      # it was paid already when opened here (nothing asked twice)
    qr_cache: tuple[str, bytes] = field(default=("", b""), repr=False)   # payload → PNG, drawn once


@dataclass
class PagesFlow:
    """The pages of one attachment question being scanned (a `DocumentCapture`) and the last hint to say."""

    field_key: str
    capture: DocumentCapture = field(repr=False)
    hint_key: str = ""
    hint_params: dict[str, object] = field(default_factory=dict)


@dataclass
class SupplementFlow:
    """Papers the officer asked for (status 5), being scanned to be sent as a supplement to the same file."""

    file_code: str
    id_last4: str
    items: tuple[str, ...] = ()
    note: str = ""
    pages: PagesFlow | None = None
    attachment: DocumentAttachment | None = field(default=None, repr=False)
    submission_id: str = ""
    outcome_kind: str = ""          # "sent" | "queued" once sent
    print_error: str = ""


__all__ = ["PagesFlow", "PaymentFlow", "SupplementFlow"]

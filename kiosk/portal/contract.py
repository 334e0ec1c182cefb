"""Values of the kiosk ↔ provincial-system adapter contract (JSON over HTTPS) and the DVCQG status codes.

Status codes are the national portal's `TrangThaiHoSo` values 1–10; their labels for people are in
`kiosk/i18n/queue.toml` as `queue.status_<n>`. Times are ISO-8601 strings in +07:00, kept as the portal sent them.

Look-up by idempotency key, `GET /v1/applications/by-key` with the `Idempotency-Key` header of the create: answers
200 with the same object as a status look-up (`dossier_code`, `status`, `due_at`, `history`) when a create under
that key was accepted, and 404 `{"error": "not_found"}` when the portal never took one. The key is the kiosk's own
secret (a random value of at least 128 bits minted at Submit), so no ID digits are needed, and it stays out of
URLs and proxy logs. The kiosk asks before withdrawing a file whose earlier send went unanswered: only that 404
proves the file never arrived.

Due date. `due_at` is the provincial system's own appointment: its processing time for the procedure the create
names (`procedure_code`, with `linked_procedures` for a combined file), counted in working days from the day of
receipt. No field is added for it: the kiosk shows its own estimate (catalogue time on
`kiosk.catalogue.holidays`) on the review screen, and the simulator counts exactly so; a receipt prints only the
portal's date, with the working days that date means.

Fees, one payment per file code. `POST /v1/payments` with `{"dossier_code", "id_last4", "method": "vietqr"}` opens
the payment of the fee the file declared (`fees.expected_amount` of its create) and answers 201; asked again for the
same file code it opens nothing new and answers 200 with the payment as it stands, paid or not, so a fee is never
asked twice. `GET /v1/payments/{dossier_code}?id_last4=…` reads it (the kiosk polls this until it is paid). Both
answer `{"dossier_code", "state", "amount", "currency": "VND", "method", "reference", "requested_at", "paid_at",
"expires_at"}`; `state` is `not_required` (no fee), `unpaid` (a fee, no payment opened yet), `pending` (opened,
the bank has not confirmed) or `paid`; `amount` is whole đồng; `reference` is what the transfer must carry (the
file code). A file waiting for its fee has status 6 and leaves it when paid. Unknown file or wrong digits: 404
`{"error": "not_found"}`.

Parts of a combined (liên thông) file. A create that carries `linked_procedures` (Decree 63/2024: the birth group;
the death group with the scope the declarant chose, 2 to 4 procedures) is answered with `parts`: one object per
procedure, the main one first and the linked ones in the order sent, each `{"procedure_code", "dossier_code",
"status"}`. Each agency keeps its own file, so each part has its own file code (the main part's is the file's
`dossier_code`) and its own status (1–10). A status look-up of the file answers the same `parts` with their
statuses now. A file of one procedure has no `parts`. The kiosk believes `parts` only when their procedure codes
are exactly those it sent, in order (`check_parts`), and prints each part's code and status on the receipt.

Adding papers (status 5, "Cần bổ sung hồ sơ"). The status answer of a file in status 5 carries
`supplement_request`: `{"items": ["<what the officer asks for>", …], "note": "<the officer's words>"}` (absent in
other statuses). `POST /v1/applications/{dossier_code}/supplements` with its own `Idempotency-Key` (a fresh random
key of the supplement, never the create's) and `{"id_last4", "channel": "kiosk", "attachments": [{"component_code",
"file_id", "sha256"}], "items": [...]}` (files uploaded first, as for a create) answers 201 `{"dossier_code",
"supplement_id", "status", "received_at"}`, and 200 with that same answer when the key comes again with the same
body (409 `idempotency_conflict` for another body). The file goes back to processing (status 4). Unknown file or
wrong digits: 404 `{"error": "not_found"}`; a file not asking for papers: 409 `{"error": "not_supplementable",
"status": n}`; no attachment: 422 with `errors` as for a create.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

SUBMITTED, ACCEPTED, REJECTED_AT_INTAKE, PROCESSING, SUPPLEMENT_REQUESTED = 1, 2, 3, 4, 5
PAYMENT_REQUESTED, WITHDRAWAL_REQUESTED, STOPPED, DECIDED, DELIVERED = 6, 7, 8, 9, 10
ALL_STATUSES = tuple(range(1, 11))


BY_KEY_PATH = "/v1/applications/by-key"


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
class PartResult:
    """One procedure of a combined file: its own file code and status at its own agency."""

    procedure_code: str
    dossier_code: str
    status: int


@dataclass(frozen=True)
class ApplicationResult:
    """The portal's answer to a create: 201 for a new file, 200 for an idempotent replay."""

    dossier_code: str
    status: int
    received_at: str | None
    due_at: str | None
    replay: bool
    qr_payload: str | None = None
    parts: tuple[PartResult, ...] = ()


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
    parts: tuple[PartResult, ...] = ()
    supplement_request: SupplementRequest | None = None


@dataclass(frozen=True)
class SupplementRequest:
    """What the officer asked to be added to a file in status 5 (their words, shown to the citizen as written)."""

    items: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class SupplementResult:
    """The portal's answer to a supplement: 201 when received, 200 for a replay of the same key."""

    dossier_code: str
    supplement_id: str
    status: int
    received_at: str | None
    replay: bool


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


# ---- checking answers ------------------------------------------------------------------------------------------

FILE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_MAX_TIME_TEXT = 40
_MAX_ID_TEXT = 128
_MAX_QR_TEXT = 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ContractViolation(ValueError):
    """An answer that does not match the contract; the text names the field, never its value."""


def check_file_code(value: Any) -> str:
    if not isinstance(value, str) or not FILE_CODE.fullmatch(value):
        raise ContractViolation("dossier_code is not a file code")
    return value


def _time(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= _MAX_TIME_TEXT:
        raise ContractViolation(f"{name} is not a time")
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise ContractViolation(f"{name} is not an ISO-8601 time") from None
    return value


def _status(value: Any, name: str = "status") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in ALL_STATUSES:
        raise ContractViolation(f"{name} is not a status 1-10")
    return value


def _text(value: Any, name: str, limit: int = _MAX_ID_TEXT) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= limit or _CONTROL.search(value):
        raise ContractViolation(f"{name} is not a short text")
    return value


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContractViolation(f"{name} is not an object")
    return value


_MAX_PARTS = 16


def _parts(value: Any, main_code: str) -> tuple[PartResult, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not 2 <= len(value) <= _MAX_PARTS:
        raise ContractViolation("parts is not a list of 2 or more procedures")
    out = []
    for item in value:
        part = _object(item, "parts item")
        out.append(PartResult(_text(part.get("procedure_code"), "parts.procedure_code", 32),
                              check_file_code(part.get("dossier_code")), _status(part.get("status"), "parts.status")))
    if out[0].dossier_code != main_code:
        raise ContractViolation("parts does not start with the main procedure's file")
    if len({p.dossier_code for p in out}) != len(out):
        raise ContractViolation("parts repeat a file code")
    return tuple(out)


def check_parts(parts: tuple[PartResult, ...], body: Any) -> tuple[PartResult, ...]:
    """The answer's parts must name exactly the procedures the create sent (main first, linked in order)."""
    if not parts:
        return parts
    sent = _object(body, "body")
    linked = sent.get("linked_procedures")
    codes = [sent.get("procedure_code")] + [p.get("procedure_code") for p in linked if isinstance(p, dict)] \
        if isinstance(linked, list) else [sent.get("procedure_code")]
    if [p.procedure_code for p in parts] != codes:
        raise ContractViolation("parts do not match the procedures sent")
    return parts


def parse_application_answer(answer: Any, http_status: int) -> ApplicationResult:
    """201 (created) or 200 (replay of the first answer to this idempotency key)."""
    if http_status not in (200, 201):
        raise ContractViolation(f"create answered HTTP {http_status}")
    body = _object(answer, "answer")
    receipt = _object(body.get("receipt") or {}, "receipt")
    qr = receipt.get("qr_payload")
    code = check_file_code(body.get("dossier_code"))
    return ApplicationResult(
        dossier_code=code, status=_status(body.get("status", SUBMITTED)),
        received_at=_time(body.get("received_at"), "received_at"), due_at=_time(body.get("due_at"), "due_at"),
        replay=http_status == 200, qr_payload=None if qr is None else _text(qr, "qr_payload", _MAX_QR_TEXT),
        parts=_parts(body.get("parts"), code))


def parse_upload_answer(answer: Any) -> UploadedFile:
    body = _object(answer, "answer")
    digest = body.get("sha256")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        raise ContractViolation("sha256 is not a SHA-256 digest")
    size = body.get("bytes")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ContractViolation("bytes is not a size")
    return UploadedFile(_text(body.get("file_id"), "file_id"), digest, size)


def parse_status_answer(answer: Any) -> ApplicationStatusResult:
    body = _object(answer, "answer")
    history = body.get("history", [])
    docs = body.get("result_docs", [])
    if not isinstance(history, list) or not isinstance(docs, list):
        raise ContractViolation("history or result_docs is not a list")
    events = []
    for item in history:
        event = _object(item, "history item")
        at = _time(event.get("at"), "history.at")
        if at is None:
            raise ContractViolation("history.at is missing")
        events.append(StatusEvent(_status(event.get("status"), "history.status"), at))
    code = check_file_code(body.get("dossier_code"))
    return ApplicationStatusResult(
        dossier_code=code, status=_status(body.get("status")),
        due_at=_time(body.get("due_at"), "due_at"), history=tuple(events),
        result_docs=tuple(_text(d, "result_docs", _MAX_QR_TEXT) for d in docs), parts=_parts(body.get("parts"), code),
        supplement_request=_supplement_request(body.get("supplement_request")))


_MAX_SUPPLEMENT_ITEMS = 20
SUPPLEMENTS = "supplements"   # POST /v1/applications/{dossier_code}/supplements


def _supplement_request(value: Any) -> SupplementRequest | None:
    if value is None:
        return None
    found = _object(value, "supplement_request")
    items = found.get("items")
    if not isinstance(items, list) or not 0 < len(items) <= _MAX_SUPPLEMENT_ITEMS:
        raise ContractViolation("supplement_request.items is not a list of 1-20 texts")
    note = found.get("note") or ""
    return SupplementRequest(tuple(_text(i, "supplement_request.items", 500) for i in items),
                             _text(note, "supplement_request.note", 2000) if note else "")


def parse_supplement_answer(answer: Any, http_status: int) -> SupplementResult:
    if http_status not in (200, 201):
        raise ContractViolation(f"supplement answered HTTP {http_status}")
    body = _object(answer, "answer")
    return SupplementResult(
        dossier_code=check_file_code(body.get("dossier_code")),
        supplement_id=_text(body.get("supplement_id"), "supplement_id"), status=_status(body.get("status")),
        received_at=_time(body.get("received_at"), "received_at"), replay=http_status == 200)


def parse_withdrawal_answer(answer: Any) -> WithdrawalResult:
    body = _object(answer, "answer")
    outcome = body.get("outcome")
    if outcome not in ("withdrawn", "requested"):
        raise ContractViolation("outcome is not withdrawn or requested")
    return WithdrawalResult(check_file_code(body.get("dossier_code")), str(outcome), _status(body.get("status")))


PAYMENTS_PATH = "/v1/payments"
PAYMENT_STATES = ("not_required", "unpaid", "pending", "paid")
_MAX_AMOUNT_VND = 10**13 - 1  # what fits the 13 characters of an EMVCo amount


@dataclass(frozen=True)
class PortalPayment:
    """The portal's record of one file's fee: 201 when a create opened it, 200 for one already open (or paid)."""

    dossier_code: str
    state: str
    amount: int
    reference: str
    method: str | None = None
    requested_at: str | None = None
    paid_at: str | None = None
    expires_at: str | None = None
    created: bool = False


def parse_payment_answer(answer: Any, http_status: int = 200) -> PortalPayment:
    if http_status not in (200, 201):
        raise ContractViolation(f"payment answered HTTP {http_status}")
    body = _object(answer, "answer")
    state = body.get("state")
    if state not in PAYMENT_STATES:
        raise ContractViolation("state is not a payment state")
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= _MAX_AMOUNT_VND:
        raise ContractViolation("amount is not a whole number of dong")
    if body.get("currency", "VND") != "VND":
        raise ContractViolation("currency is not VND")
    if (amount == 0) != (state == "not_required"):
        raise ContractViolation("amount does not agree with state")
    method = body.get("method")
    code = check_file_code(body.get("dossier_code"))
    paid_at = _time(body.get("paid_at"), "paid_at")
    if state == "paid" and paid_at is None:
        raise ContractViolation("paid_at is missing")
    return PortalPayment(
        dossier_code=code, state=str(state), amount=amount,
        reference=check_file_code(body.get("reference", code)),
        method=None if method is None else _text(method, "method", 32),
        requested_at=_time(body.get("requested_at"), "requested_at"), paid_at=paid_at,
        expires_at=_time(body.get("expires_at"), "expires_at"), created=http_status == 201)

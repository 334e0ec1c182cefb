"""What the kiosk prints and how it prints it again: receipt, hospital ticket and help slip data built from
the session, the catalogue and the submission queue, handed to whichever `Printer` the composition root chose.

A failed print loses nothing: everything a receipt needs is in the queue record (`ReceiptFacts`, kept encrypted
by offline_cache), so `reprint` rebuilds the same receipt from the submission ID at any later time, on any
printer. Document wording lives in printing/labels.py; people-facing messages in kiosk/i18n/printer.toml.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard

from devices.printer import Printer, PrinterError, PrintResult
from kiosk.catalogue.holidays import HolidayCalendar, load_active_holidays
from kiosk.config import KioskConfig
from kiosk.i18n import Translator, language_of
from kiosk.receipts.documents import issuer_for, print_document, render_for_config
from kiosk.vietnam import VIETNAM_TIME
from offline_cache import ReceiptFacts, SubmissionRecord
from offline_cache.errors import DamagedValueError
from printing import (
    HelpSlipData,
    ReceiptData,
    ReceiptPart,
    ReceivedDocument,
)
from printing.documents import DeliveryChannel, ReceiptPayment
from printing.labels import Language

if TYPE_CHECKING:
    from kiosk.hospital.visit import HospitalVisit

log = logging.getLogger(__name__)

_DELIVERY: dict[str, DeliveryChannel] = {"counter": "counter", "post": "post", "online": "online"}


class RecordSource(Protocol):
    """Anything that hands out a queue record by submission ID (SubmissionService or the queue itself)."""

    def get(self, submission_id: str) -> SubmissionRecord: ...


def local_time(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, VIETNAM_TIME).replace(tzinfo=None)


def parse_due(due_at: str | None) -> datetime | date | None:
    """The portal's ISO-8601 due date (`2026-11-28`, or with a time and +07:00) as local wall-clock time."""
    if not due_at:
        return None
    try:
        if len(due_at) == 10:
            return date.fromisoformat(due_at)
        moment = datetime.fromisoformat(due_at)
    except ValueError:
        log.warning("unreadable due date from the portal; printed without it")
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM_TIME).replace(tzinfo=None)
    return moment


def receipt_from_facts(config: KioskConfig, facts: ReceiptFacts, *, submission_id: str, file_code: str | None,
                       due_at: str | None, applicant_name: str = "", service: Any = None,
                       documents: Iterable[ReceivedDocument] = (), delivery: str = "counter",
                       language: Language = "vi", received_at: datetime | None = None,
                       estimated_appointment: date | None = None,
                       calendar: HolidayCalendar | None = None,
                       payment: ReceiptPayment | None = None,
                       parts: Sequence[ReceiptPart] = ()) -> ReceiptData:
    """One receipt from what the queue keeps; `service` (a catalogue ServiceSpec) adds names and processing time.

    Without a portal file code yet, the queue's submission ID is printed as a temporary reference.

    The appointment is the portal's date when it gave one, and the processing time printed beside it is then the
    portal's: the working days from the day of receipt to that date on the kiosk's `calendar` (default: the
    configured one), so the two never disagree even when the portal's date differs from the catalogue's time.
    Only the kiosk's own estimate is printed with the catalogue's processing time.
    """
    name = facts.service_name or (service.name.vi if service is not None else facts.service_code)
    procedure_code = service.main.procedure_code if service is not None else facts.service_code
    received = received_at or local_time(facts.received_at)
    portal_due = parse_due(due_at)
    processing_days: int | None = service.processing_working_days if service is not None else None
    if portal_due is not None:
        days = calendar or load_active_holidays(config.catalogue.holidays_file).calendar
        due_day = portal_due.date() if isinstance(portal_due, datetime) else portal_due
        processing_days = days.working_days_between(received.date(), due_day)
    return ReceiptData(
        issuer=issuer_for(config), file_code=file_code or submission_id, procedure_code=procedure_code,
        procedure_name=name, applicant_name=applicant_name or str(getattr(facts, "applicant_name", "") or ""),
        id_number=facts.masked_id, received_at=received,
        appointment_at=portal_due or estimated_appointment,
        processing_days=processing_days,
        documents=tuple(documents), delivery=_DELIVERY.get(delivery, "counter"),
        pending_upload=file_code is None, language=language, payment=payment, parts=tuple(parts))


def receipt_parts(procedures: Sequence[Any], answered: Sequence[tuple[str, str, int]]) -> tuple[ReceiptPart, ...]:
    """The receipt's lines for a combined file: each procedure in the file (catalogue `ProcedureSpec`s within the
    chosen scope) with the file code and status its agency answered (`parts` of the contract), matched by
    procedure code in order; before the portal answered, each waits without a code. One procedure: no lines."""
    if len(procedures) < 2:
        return ()
    vi = Translator(language="vi")
    left = list(answered)
    out: list[ReceiptPart] = []
    for proc in procedures:
        found = next((p for p in left if p[0] == proc.procedure_code), None)
        if found is not None:
            left.remove(found)
        status = vi.text(f"queue.status_{found[2]}") if found is not None else ""
        out.append(ReceiptPart(proc.name.vi, proc.procedure_code, found[1] if found else "", status))
    return tuple(out)


def supplement_receipt(config: KioskConfig, facts: ReceiptFacts, *, file_code: str, pages: int,
                       items: Iterable[str] = (), applicant_name: str = "", language: Language = "vi",
                       received_at: datetime | None = None) -> ReceiptData:
    """The slip for papers added to a filed case (status 5): the file's code, "bổ sung", and the pages received
    against what the officer asked for. It sets no new appointment: the portal's file keeps its own."""
    asked = [a for a in items if a] or ["Giấy tờ bổ sung"]
    documents = [ReceivedDocument(asked[0] if len(asked) == 1 else "; ".join(asked), pages)]
    return ReceiptData(
        issuer=issuer_for(config), file_code=file_code, procedure_code="", procedure_name=file_code,
        applicant_name=applicant_name, id_number=facts.masked_id,
        received_at=received_at or local_time(facts.received_at), documents=tuple(documents),
        pending_upload=False, language=language, supplement=True)


def due_note(outcome: Any, language: str) -> str:
    """For the receipt screen: when the portal's date differs from the estimate on the review screen, one
    sentence saying so with both dates (the portal's is the one printed); otherwise an empty string."""
    if not getattr(outcome, "due_differs_from_estimate", False):
        return ""
    lang: Language = language_of(language)
    due, estimate = parse_due(outcome.due_at), date.fromisoformat(outcome.estimated_due)
    due_day = due.date() if isinstance(due, datetime) else due
    assert due_day is not None  # due_differs_from_estimate is only true with a readable portal date
    return Translator(language=lang).text("queue.due_differs", due=due_day.strftime("%d/%m/%Y"),
                                          estimate=estimate.strftime("%d/%m/%Y"))


def receipt_payment(offer: Any = None, *, fee_vnd: int = 0) -> ReceiptPayment | None:
    """The fee section of a receipt from a `kiosk.payment.PaymentOffer` (paid, or awaited with its VietQR to pay
    later); without an offer (the file still waits on this kiosk for its file code), a fee of `fee_vnd` awaited at
    the status look-up. None when there is nothing to pay."""
    if offer is None:
        return ReceiptPayment(fee_vnd, "vietqr", "", "awaiting") if fee_vnd > 0 else None
    if offer.state == "not_required" or offer.amount_vnd <= 0:
        return None
    if offer.state == "paid":
        return ReceiptPayment(offer.amount_vnd, "vietqr", offer.reference, "paid", paid_at=parse_paid(offer.paid_at))
    return ReceiptPayment(offer.amount_vnd, "vietqr", offer.reference, "awaiting", qr_payload=offer.qr_payload)


def parse_paid(paid_at: str | None) -> datetime | None:
    found = parse_due(paid_at)
    return found if isinstance(found, datetime) else None


def reprint(printer: Printer, config: KioskConfig, records: RecordSource, submission_id: str, *,
            catalogue: Any = None, language: Language = "vi", calendar: HolidayCalendar | None = None) -> PrintResult:
    """Print a submission's receipt again from its queue record (raises the queue's SubmissionNotFoundError, and
    DamagedValueError when the record's receipt facts cannot be read)."""
    record = records.get(submission_id)
    if "receipt" in record.unreadable:
        # The stored receipt facts are damaged: printing the stand-in would hand out a receipt with wrong facts.
        raise DamagedValueError("receipt")
    service = _service(catalogue, record.service_code)
    data = receipt_from_facts(config, record.receipt, submission_id=record.submission_id,
                              file_code=record.file_code, due_at=record.due_at or record.receipt.due_at,
                              service=service, delivery=_default_delivery(service), language=language,
                              calendar=calendar)
    return print_document(printer, render_for_config(config, data))


class _ServiceRecords:
    """SubmissionService as a RecordSource: its `record` sets a damaged queue file aside and reads again."""

    def __init__(self, submissions: Any) -> None:
        self._submissions = submissions

    def get(self, submission_id: str) -> SubmissionRecord:
        record: SubmissionRecord = self._submissions.record(submission_id)
        return record


def reprint_at_kiosk(kiosk: Any, submission_id: str, language: str = "vi", *,
                     remember_failure: bool = False) -> PrintResult:
    """Reprint from the status look-up screen or technician mode with the kiosk's own printer and queue.

    A reprint that prints clears any help slip still pending for it; with `remember_failure` (a citizen at the
    screen, not a technician) a failed one leaves a pending slip like a failed first print."""
    from kiosk.receipts.recovery import recovery_for

    lang: Language = language_of(language)
    records = _ServiceRecords(kiosk.submissions)
    recovery = recovery_for(kiosk)
    try:
        result = reprint(kiosk.printer, kiosk.config, records, submission_id, catalogue=kiosk.catalogue,
                         language=lang, calendar=getattr(kiosk, "holidays", None))
    except PrinterError as exc:
        if recovery is not None and remember_failure:
            record = records.get(submission_id)
            recovery.remember(submission_id, service_code=record.service_code, reason_key=str(exc.message_key),
                              file_code=record.file_code)
        raise
    if recovery is not None:
        recovery.forget(submission_id)
    return result


def reprintable_submission(kiosk: Any, file_code: str, id_last4: str) -> str | None:
    """The submission ID behind a file code if it was submitted at this kiosk by the holder of those last four
    ID digits (what the status look-up asked for), else None: nobody reprints another kiosk's or person's file."""
    queue = getattr(kiosk.submissions, "queue", None)
    if queue is None or not file_code:
        return None
    record = queue.find_by_file_code(file_code.strip())
    if record is None or not id_last4 or record.receipt.id_last4 != id_last4.strip():
        return None
    return str(record.submission_id)


def recent_submissions(kiosk: Any, *, days: float = 3.0, limit: int = 30) -> list[SubmissionRecord]:
    """The newest submissions of the last `days`, newest first, for the technician's reprint list."""
    queue = getattr(kiosk.submissions, "queue", None)
    if queue is None:
        return []
    clock = getattr(kiosk, "wall_clock", None)
    since = (clock() if callable(clock) else datetime.now().timestamp()) - days * 86400.0
    records: list[SubmissionRecord] = queue.list_records(since=since, limit=5000)
    return list(reversed(records[-limit:]))


# ---- called by the UI through kiosk.operations ------------------------------------------------------------

def print_for_outcome(kiosk: Any, form: Any, outcome: Any, language: str) -> PrintResult:
    """The receipt right after submitting (`outcome` is a SubmitOutcome). A refused submission gets a help slip
    instead, so the citizen can take it to the counter.

    A receipt or ticket that fails is remembered by kiosk.receipts.recovery (a slip for the counter follows when
    the printer is back); one that prints, on a retry too, is forgotten there."""
    service = getattr(form, "service", None)
    if outcome.kind == "rejected":
        reason = kiosk.translate("printer.help_reason_rejected", "vi")
        return _print_help(kiosk, reason, str(outcome.message_key), service, reference=outcome.submission_id,
                           language=language_of(language))
    from kiosk.receipts.recovery import recovery_for

    recovery = recovery_for(kiosk)
    try:
        result = _print_receipt_or_ticket(kiosk, form, outcome, language)
    except PrinterError as exc:
        if recovery is not None:
            facts = getattr(outcome, "receipt", None)
            code = getattr(service, "code", "") or getattr(facts, "service_code", "")
            recovery.remember(str(outcome.submission_id), service_code=str(code or ""),
                              reason_key=str(exc.message_key), file_code=getattr(outcome, "file_code", None),
                              kind="ticket" if _is_hospital_visit(form) else "receipt")
        raise
    if recovery is not None:
        recovery.forget(str(outcome.submission_id))
    return result


def _is_hospital_visit(form: object) -> TypeGuard[HospitalVisit]:
    from kiosk.hospital.visit import HospitalVisit

    return isinstance(form, HospitalVisit)


def _print_receipt_or_ticket(kiosk: Any, form: Any, outcome: Any, language: str) -> PrintResult:
    lang: Language = language_of(language)
    config: KioskConfig = kiosk.config
    if _is_hospital_visit(form):  # a hospital visit prints its exam ticket instead of a receipt
        return print_document(kiosk.printer, form.ticket_document(config, lang))
    service = getattr(form, "service", None)
    identity = form.identity() if form is not None else None
    values = form.values() if form is not None else {}
    delivery = str(values.get("delivery.method") or _default_delivery(service))
    data = receipt_from_facts(
        config, outcome.receipt, submission_id=outcome.submission_id, file_code=outcome.file_code,
        due_at=outcome.due_at, applicant_name=identity.full_name if identity is not None else "", service=service,
        documents=_documents(form), delivery=delivery, language=lang, received_at=kiosk.now(),
        estimated_appointment=form.appointment_date() if form is not None and outcome.file_code is None else None,
        calendar=getattr(kiosk, "holidays", None))
    return print_document(kiosk.printer, render_for_config(config, data))


def print_help_slip(kiosk: Any, reason_key: str | None, language: str) -> PrintResult:
    """A slip for the counter about the current visit; `reason_key` is the message key of what went wrong.

    The reference is the file's queue ID when there is one, else the start of the session hash, which the
    audit log records, so staff can find the visit without any personal data on the slip."""
    lang: Language = language_of(language)
    session = kiosk.session
    key = reason_key or "printer.help_reason_generic"
    service = _service(kiosk.catalogue, session.service_code)
    reference = session.submission_key or session.file_code or str(getattr(session, "session_hash", ""))[:8]
    return _print_help(kiosk, kiosk.translate(key, "vi"), key, service, reference=reference, language=lang)


def _print_help(kiosk: Any, reason: str, reason_code: str, service: Any, *, reference: str,
                language: Language) -> PrintResult:
    config: KioskConfig = kiosk.config
    data = HelpSlipData(issuer=issuer_for(config), reason=reason, reason_code=reason_code,
                        service_name=service.name.vi if service is not None else "", occurred_at=kiosk.now(),
                        reference=reference, language=language)
    return print_document(kiosk.printer, render_for_config(config, data))


def _service(catalogue: Any, code: str) -> Any:
    if catalogue is None or not code:
        return None
    try:
        return catalogue.get(code)
    except KeyError:
        return None


def _default_delivery(service: Any) -> str:
    methods = getattr(service, "delivery_methods", ()) or ("counter",)
    return "counter" if "counter" in methods else str(methods[0])


def _documents(form: Any) -> list[ReceivedDocument]:
    """Each attachment field the citizen filled, by its Vietnamese label, with the number of pages."""
    if form is None:
        return []
    documents: list[ReceivedDocument] = []
    values = form.values()
    for spec in form.service.all_fields():
        pages = values.get(spec.key) if spec.type == "attachment" else None
        if pages:
            documents.append(ReceivedDocument(spec.label.vi, len(pages) if isinstance(pages, list) else 1))
    return documents


def sample_receipt(config: KioskConfig, now: datetime) -> ReceiptData:
    """The test page technicians print: every field filled, with names that exercise Vietnamese letters."""
    return ReceiptData(
        issuer=issuer_for(config), file_code=f"{config.kiosk.agency_code}-{now:%y%m%d}-0000",
        procedure_code="1.004227", procedure_name="Đăng ký tạm trú", applicant_name="Nguyễn Thị Hương",
        id_number="000000000000", received_at=now, appointment_at=(now + timedelta(days=3)).replace(
            hour=14, minute=0, second=0, microsecond=0),
        processing_days=3, documents=(ReceivedDocument("Tờ khai thay đổi thông tin cư trú (CT01)", 1),),
        delivery="counter")

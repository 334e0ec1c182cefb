"""What the kiosk prints at the end of a journey: the receipt (Circular 01/2018/TT-VPCP Form 01), the hospital
exam slip, and the "cần hỗ trợ" help slip for the counter (services.md §5.2), turned from session data into the
printing package's plain documents and sent to the configured printer.

A queued file prints its local reference with the "pending upload" note; it never pretends to have a file code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from devices.printer.printer import PrintJob, PrintResult
from printing.documents import HelpSlipData, Issuer, ReceiptData, RenderedDocument


def issuer_for(config: Any, agency_name: str = "") -> Issuer:
    k = config.kiosk
    return Issuer(agency_name=agency_name or k.ward_name, kiosk_id=k.kiosk_id, hotline=k.hotline,
                  agency_code=k.agency_code)


def send(printer: Any, document: RenderedDocument) -> PrintResult:
    job = PrintJob(pdf=document.pdf, title=document.title.split(" ")[0], page_width_mm=document.page_width_mm,
                   page_height_mm=document.page_height_mm)
    result: PrintResult = printer.print(job)
    return result


def receipt_data(config: Any, form: Any, outcome: Any, language: str, now: datetime) -> ReceiptData:
    service = form.service
    identity = form.identity()
    sent = outcome.kind == "sent"
    due = datetime.fromisoformat(outcome.due_at) if sent and outcome.due_at else None
    if due is not None:
        due = due.replace(tzinfo=None)
    return ReceiptData(
        issuer=issuer_for(config, service.agency_name.get("vi")),
        file_code=outcome.file_code if sent else outcome.submission_id[:12].upper(),
        procedure_code=service.main.procedure_code,
        procedure_name=service.name.get("vi"),
        applicant_name=identity.full_name if identity is not None else "",
        id_number=identity.id_number if identity is not None else "",
        received_at=now,
        appointment_at=due,
        processing_days=service.processing_working_days or None,
        pending_upload=not sent,
        language="en" if language == "en" else "vi",
    )


def print_receipt(kiosk: Any, form: Any, outcome: Any, language: str) -> PrintResult:
    if hasattr(form, "ticket_document"):
        return send(kiosk.printer, form.ticket_document(kiosk.config, language))
    from printing.receipt import render_receipt

    data = receipt_data(kiosk.config, form, outcome, language, kiosk.now())
    return send(kiosk.printer, render_receipt(data, kiosk.config.printer.paper))


def print_help_slip(kiosk: Any, reason_key: str, language: str) -> PrintResult:
    from printing.help_slip import render_help_slip

    session = kiosk.session
    service = ""
    if session.service_code:
        service = kiosk.catalogue.get(session.service_code).name.get("vi")
    data = HelpSlipData(issuer=issuer_for(kiosk.config), reason=kiosk.translate(reason_key, "vi"),
                        reason_code=reason_key, service_name=service, occurred_at=kiosk.now(),
                        reference=session.session_hash[:8], language="en" if language == "en" else "vi")
    return send(kiosk.printer, render_help_slip(data, kiosk.config.printer.paper))

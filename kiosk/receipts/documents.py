"""From document data to paper: who issues a document, its rendering for the configured paper width, and the
print job. Receipts, help slips and the printer's recovery after a failure all print through here.
"""

from __future__ import annotations

from devices.printer import Printer, PrintJob, PrintResult
from kiosk.config import KioskConfig
from printing import (
    HelpSlipData,
    Issuer,
    QueueTicketData,
    ReceiptData,
    RenderedDocument,
    render_help_slip,
    render_queue_ticket,
    render_receipt,
)


def issuer_for(config: KioskConfig, *, hospital: bool = False) -> Issuer:
    identity = config.kiosk
    return Issuer(agency_name=config.hospital.hospital_name if hospital else identity.ward_name,
                  kiosk_id=identity.kiosk_id, hotline=identity.hotline, agency_code=identity.agency_code)


def render_for_config(config: KioskConfig, data: ReceiptData | QueueTicketData | HelpSlipData) -> RenderedDocument:
    paper = config.printer.paper
    if isinstance(data, ReceiptData):
        return render_receipt(data, paper)
    if isinstance(data, QueueTicketData):
        return render_queue_ticket(data, paper)
    return render_help_slip(data, paper)


def print_document(printer: Printer, document: RenderedDocument) -> PrintResult:
    """Send one rendered document; `PrinterError`s (with their message keys) go to the caller untouched."""
    return printer.print(PrintJob(pdf=document.pdf, title=document.title, page_width_mm=document.page_width_mm,
                                  page_height_mm=document.page_height_mm))

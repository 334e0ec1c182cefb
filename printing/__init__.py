"""Printed documents (receipt, hospital queue ticket, "needs help" slip) rendered to PDF with reportlab.

Each document is drawn from a plain data object in `printing.documents`; nothing here knows about the kiosk,
its screens or its printers.
"""

from printing.documents import (
    HelpSlipData,
    Issuer,
    Paper,
    QueueTicketData,
    ReceiptData,
    ReceiptPart,
    ReceivedDocument,
    RenderedDocument,
)
from printing.help_slip import render_help_slip
from printing.receipt import render_receipt
from printing.ticket import render_queue_ticket

__all__ = [
    "HelpSlipData",
    "Issuer",
    "Paper",
    "QueueTicketData",
    "ReceiptData",
    "ReceiptPart",
    "ReceivedDocument",
    "RenderedDocument",
    "render_help_slip",
    "render_queue_ticket",
    "render_receipt",
]

"""Receipt printers: one `Printer` interface; CUPS, ESC/POS and a PDF-folder simulator behind it."""

from devices.printer.printer import (
    Printer,
    PrinterError,
    PrinterNotReadyError,
    PrinterStatus,
    PrintJob,
    PrintJobFailedError,
    PrintResult,
)
from devices.printer.simulated import PdfFolderPrinter

__all__ = [
    "PdfFolderPrinter",
    "PrintJob",
    "PrintJobFailedError",
    "PrintResult",
    "Printer",
    "PrinterError",
    "PrinterNotReadyError",
    "PrinterStatus",
]

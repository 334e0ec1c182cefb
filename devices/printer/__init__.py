"""Receipt printers: one `Printer` interface; CUPS, ESC/POS and a PDF-folder simulator behind it.

The back ends import their libraries (pycups, python-escpos) only when used, so importing this package
opens nothing and needs neither installed.
"""

from devices.printer.cups import CupsPrinter
from devices.printer.escpos import EscPosPrinter
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
    "CupsPrinter",
    "EscPosPrinter",
    "PdfFolderPrinter",
    "PrintJob",
    "PrintJobFailedError",
    "PrintResult",
    "Printer",
    "PrinterError",
    "PrinterNotReadyError",
    "PrinterStatus",
]

"""The one interface every receipt printer offers, and its outcomes and errors.

A print job is a finished PDF (from printing/) plus its page size; back ends that cannot take PDF (ESC/POS
thermal printers) rasterise it themselves. Errors carry a `message_key` the kiosk translates
(kiosk/i18n/printer.toml); a failed job is simply not printed, and the kiosk can print it again from the
submission queue, so nothing is lost.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable


class PrinterStatus(enum.Enum):
    READY = "ready"
    OUT_OF_PAPER = "out_of_paper"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True)
class PrintJob:
    pdf: bytes = field(repr=False)
    title: str  # shown in the spooler; never holds personal data
    page_width_mm: float = 80.0
    page_height_mm: float = 297.0


@dataclass(frozen=True)
class PrintResult:
    printer: str
    job_id: str
    bytes_sent: int
    output: Path | None = None  # where a simulated or PDF-queue printer wrote the document, when known


class PrinterError(RuntimeError):
    """Base of printer failures; `message_key` names the message shown to the citizen."""

    message_key = "printer.print_failed"

    def __init__(self, detail: str, *, status: PrinterStatus = PrinterStatus.ERROR) -> None:
        super().__init__(detail)
        self.status = status


class PrinterNotReadyError(PrinterError):
    """The printer cannot take a job now (stopped queue, offline, out of paper): ask staff, reprint later."""

    def __init__(self, detail: str, *, status: PrinterStatus = PrinterStatus.OFFLINE) -> None:
        super().__init__(detail, status=status)
        self.message_key = _KEYS.get(status, "printer.not_ready")


class PrintJobFailedError(PrinterError):
    """The printer took the job but did not finish it (aborted, cancelled, or no progress in time)."""

    message_key = "printer.print_failed"


_KEYS = {
    PrinterStatus.OUT_OF_PAPER: "printer.out_of_paper",
    PrinterStatus.OFFLINE: "printer.not_ready",
    PrinterStatus.ERROR: "printer.not_ready",
}


@runtime_checkable
class Printer(Protocol):
    """A receipt printer. `print` returns when the document is on paper (or in the spooler's finished list)."""

    @property
    def name(self) -> str: ...

    def status(self) -> PrinterStatus: ...

    def print(self, job: PrintJob) -> PrintResult: ...

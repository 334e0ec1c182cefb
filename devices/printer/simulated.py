"""A printer that writes each document into a folder as a PDF: the demo printer, and the test double.

A technician can make it report out-of-paper or offline to rehearse the kiosk's recovery path (help slip,
reprint from the queue). Files are written to a temporary name and renamed, so a half-written receipt never
appears in the folder.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from pathlib import Path

from devices.printer.printer import PrinterNotReadyError, PrinterStatus, PrintJob, PrintResult


class PdfFolderPrinter:
    def __init__(self, output_dir: Path, *, status: PrinterStatus = PrinterStatus.READY) -> None:
        self.output_dir = Path(output_dir)
        self._status = status
        self._counter = itertools.count(1)

    @property
    def name(self) -> str:
        return f"pdf-folder:{self.output_dir}"

    def simulate(self, status: PrinterStatus) -> None:
        """Make the printer report `status` until told otherwise (technician demo of fault handling)."""
        self._status = status

    def status(self) -> PrinterStatus:
        if self._status is PrinterStatus.READY and self.output_dir.exists() and not self.output_dir.is_dir():
            return PrinterStatus.OFFLINE  # the "paper" is a folder; something else sits in its place
        return self._status

    def print(self, job: PrintJob) -> PrintResult:
        state = self.status()
        if state is not PrinterStatus.READY:
            raise PrinterNotReadyError(f"simulated printer is {state.value}", status=state)
        job_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(self._counter)}"
        safe_title = re.sub(r"[^A-Za-z0-9._-]+", "_", job.title).strip("_") or "document"
        target = self.output_dir / f"{safe_title}-{job_id}.pdf"
        partial = target.with_suffix(".pdf.part")
        try:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(job.pdf)
            os.replace(partial, target)
        except OSError as exc:  # full disk or read-only folder: the same as a printer that cannot print now
            partial.unlink(missing_ok=True)
            raise PrinterNotReadyError(f"cannot write to {self.output_dir}: {exc.strerror}") from exc
        return PrintResult(printer=self.name, job_id=job_id, bytes_sent=len(job.pdf), output=target)

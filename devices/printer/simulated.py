"""A printer that writes each document into a folder as a PDF: the demo printer, and the test double.

A technician can make it report out-of-paper or offline to rehearse the kiosk's recovery path (help slip,
reprint from the queue). Files are written to a temporary name and renamed, so a half-written receipt never
appears in the folder. Receipts carry full names, so the folder is 0700 and each PDF 0600; this is the only
printer that keeps its documents (CUPS gets a temporary copy that is deleted once spooled, ESC/POS none).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import stat
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
            _private_folder(self.output_dir)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(job.pdf)
            os.replace(partial, target)
        except OSError as exc:  # full disk or read-only folder: the same as a printer that cannot print now
            partial.unlink(missing_ok=True)
            raise PrinterNotReadyError(f"cannot write to {self.output_dir}: {exc.strerror}") from exc
        return PrintResult(printer=self.name, job_id=job_id, bytes_sent=len(job.pdf), output=target)


def _private_folder(folder: Path) -> None:
    """The folder (and missing parents) owner-only, 0700: a receipt holds the citizen's full name. One left open
    by an older version is tightened, unless it is shared (sticky, like /tmp) or another account's."""
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
    found = folder.stat()
    if not found.st_mode & stat.S_ISVTX and found.st_uid == os.geteuid() and stat.S_IMODE(found.st_mode) != 0o700:
        folder.chmod(0o700)

"""Printing through a CUPS queue, followed over IPP (RFC 8011) until the job is finished or has failed.

The queue's state is read before submitting: a stopped (disabled) queue, one not accepting jobs, or one
reporting `media-empty`/`offline` reasons is "not ready" and nothing is sent. After submitting, the job is polled
(Get-Job-Attributes): `completed` is success; `canceled`/`aborted` is a failure; if the queue stops underneath it
(CUPS's default error policy stops the printer when the device fails) or the job makes no progress before the
timeout, the job is cancelled so it cannot come out later as a surprise duplicate, and the kiosk reprints from the
queue record instead.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.printer.printer import (
    PrinterNotReadyError,
    PrinterStatus,
    PrintJob,
    PrintJobFailedError,
    PrintResult,
)

log = logging.getLogger(__name__)

# RFC 8011 §5.3.7 job-state and §5.4.11 printer-state values.
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED, JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = range(3, 10)
PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5
_PAPER_REASONS = ("media-empty", "media-needed", "media-jam")
_OFFLINE_REASONS = ("offline", "shutdown", "connecting-to-device", "paused")

_POINTS_PER_MM = 72 / 25.4
_PRINTER_ATTRIBUTES = ["printer-state", "printer-state-reasons", "printer-is-accepting-jobs"]
_JOB_ATTRIBUTES = ["job-state", "job-state-reasons"]


def _connect(server: str) -> Any:
    import cups

    if not server:
        cups.setServer("")  # libcups falls back to $CUPS_SERVER, client.conf, then the local socket
        cups.setPort(631)
        return cups.Connection()
    host, _, port = server.rpartition(":")
    if not host:
        host, port = port, "631"
    # libcups resolves the destination of a submitted job through the process-wide server setting, not the
    # connection's, so both are pointed at the configured server.
    cups.setServer(host)
    cups.setPort(int(port))
    return cups.Connection(host=host, port=int(port))


class CupsPrinter:
    def __init__(self, queue: str, *, server: str = "", timeout_s: float = 60.0, poll_s: float = 0.2,
                 connect: Callable[[str], Any] = _connect) -> None:
        self.queue = queue
        self.server = server
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._connect = connect

    @property
    def name(self) -> str:
        return f"cups:{self.queue}" + (f"@{self.server}" if self.server else "")

    def status(self) -> PrinterStatus:
        try:
            attributes = self._connect(self.server).getPrinterAttributes(
                self.queue, requested_attributes=_PRINTER_ATTRIBUTES)
        except Exception as exc:  # the spooler is down, unreachable, or does not know the queue
            log.warning("CUPS queue %s unreachable: %s", self.queue, exc)
            return PrinterStatus.OFFLINE
        return _status_from(attributes)

    def print(self, job: PrintJob) -> PrintResult:
        state = self.status()
        if state is not PrinterStatus.READY:
            raise PrinterNotReadyError(f"CUPS queue {self.queue} is {state.value}", status=state)
        connection = self._connect(self.server)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(job.pdf)
            handle.flush()
            try:
                job_id = int(connection.printFile(self.queue, handle.name, job.title, _options(job)))
            except Exception as exc:
                raise PrinterNotReadyError(f"CUPS refused the job: {exc}") from exc
        log.info("submitted job %s-%d", self.queue, job_id)
        self._follow(connection, job_id)
        return PrintResult(printer=self.name, job_id=f"{self.queue}-{job_id}", bytes_sent=len(job.pdf))

    def _follow(self, connection: Any, job_id: int) -> None:
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                job_state = int(connection.getJobAttributes(job_id, requested_attributes=_JOB_ATTRIBUTES)
                                ["job-state"])
            except Exception as exc:
                raise PrintJobFailedError(f"lost track of job {job_id}: {exc}") from exc
            if job_state == JOB_COMPLETED:
                return
            if job_state in (JOB_CANCELED, JOB_ABORTED):
                raise PrintJobFailedError(f"job {job_id} ended in state {job_state}")
            printer_state = self.status()
            if printer_state is not PrinterStatus.READY and job_state in (JOB_PENDING, JOB_HELD, JOB_STOPPED):
                self._cancel(connection, job_id)
                raise PrinterNotReadyError(f"queue {self.queue} became {printer_state.value}; job cancelled",
                                           status=printer_state)
            if time.monotonic() > deadline:
                self._cancel(connection, job_id)
                raise PrintJobFailedError(f"job {job_id} not finished after {self.timeout_s:.0f} s; cancelled")
            time.sleep(self.poll_s)

    def _cancel(self, connection: Any, job_id: int) -> None:
        try:
            connection.cancelJob(job_id, purge_job=False)
        except Exception as exc:  # already gone: nothing left to print
            log.info("cancel of job %d: %s", job_id, exc)


def _status_from(attributes: dict[str, Any]) -> PrinterStatus:
    reasons = attributes.get("printer-state-reasons") or []
    if isinstance(reasons, str):
        reasons = [reasons]
    if any(r.startswith(_PAPER_REASONS) for r in reasons):
        return PrinterStatus.OUT_OF_PAPER
    stopped = int(attributes.get("printer-state", PRINTER_IDLE)) == PRINTER_STOPPED
    if stopped or not attributes.get("printer-is-accepting-jobs", True) or any(
            r.startswith(_OFFLINE_REASONS) for r in reasons):
        return PrinterStatus.OFFLINE
    if any(r.endswith("-error") for r in reasons):
        return PrinterStatus.ERROR
    return PrinterStatus.READY


def _options(job: PrintJob) -> dict[str, str]:
    # Roll documents are as tall as their content: ask for that exact size rather than letting the queue's
    # default (often A4/Letter) scale the receipt down. Queues that do not know custom sizes ignore it.
    if job.page_width_mm < 150:
        return {"media": f"Custom.{job.page_width_mm * _POINTS_PER_MM:.2f}x{job.page_height_mm * _POINTS_PER_MM:.2f}"}
    return {}


def output_folder_of_cups_pdf(config_file: Path = Path("/etc/cups/cups-pdf.conf"), home: Path | None = None) -> Path:
    """Where the cups-pdf back end writes its PDFs (its `Out` setting), for the demo and the integration test."""
    out = "${HOME}/PDF"
    if config_file.is_file():
        for line in config_file.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.strip().split(None, 1)
            if len(parts) == 2 and parts[0] == "Out":
                out = parts[1]
    return Path(out.replace("${HOME}", str(home or Path.home())))

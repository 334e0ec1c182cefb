"""How CUPS printer and job states become kiosk outcomes. The real spooler is exercised in
tests/integration/printing; here a scripted stand-in for the IPP server plays the rarer endings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devices.printer import PrinterNotReadyError, PrinterStatus, PrintJob, PrintJobFailedError
from devices.printer.cups import (
    JOB_ABORTED,
    JOB_COMPLETED,
    JOB_PENDING,
    JOB_PROCESSING,
    PRINTER_IDLE,
    PRINTER_STOPPED,
    CupsPrinter,
    _options,
    _status_from,
)


@pytest.mark.parametrize(("attributes", "expected"), [
    ({"printer-state": PRINTER_IDLE, "printer-state-reasons": ["none"], "printer-is-accepting-jobs": True},
     PrinterStatus.READY),
    ({"printer-state": PRINTER_STOPPED, "printer-state-reasons": ["paused"], "printer-is-accepting-jobs": True},
     PrinterStatus.OFFLINE),
    ({"printer-state": PRINTER_IDLE, "printer-state-reasons": ["none"], "printer-is-accepting-jobs": False},
     PrinterStatus.OFFLINE),
    ({"printer-state": PRINTER_IDLE, "printer-state-reasons": ["media-empty-error"]}, PrinterStatus.OUT_OF_PAPER),
    ({"printer-state": PRINTER_IDLE, "printer-state-reasons": "offline-report"}, PrinterStatus.OFFLINE),
    ({"printer-state": PRINTER_IDLE, "printer-state-reasons": ["cover-open-error"]}, PrinterStatus.ERROR),
])
def test_queue_attributes_map_to_printer_status(attributes: dict[str, Any], expected: PrinterStatus) -> None:
    assert _status_from(attributes) is expected


def test_roll_documents_ask_for_their_own_page_size_and_a4_for_none() -> None:
    assert _options(PrintJob(pdf=b"", title="t", page_width_mm=80.0, page_height_mm=211.7)) == {
        "media": "Custom.226.77x600.09"}
    assert _options(PrintJob(pdf=b"", title="t", page_width_mm=210.0, page_height_mm=297.0)) == {}


class ScriptedSpooler:
    """Answers Get-Printer-Attributes and Get-Job-Attributes from scripted sequences; records cancels."""

    def __init__(self, printer_states: list[dict[str, Any]], job_states: list[int]) -> None:
        self._printer: Iterator[dict[str, Any]] = iter(printer_states)
        self._last_printer = printer_states[-1]
        self._jobs = iter(job_states)
        self.cancelled: list[int] = []
        self.submitted = 0

    def getPrinterAttributes(self, queue: str, requested_attributes: list[str]) -> dict[str, Any]:
        self._last_printer = next(self._printer, self._last_printer)
        return self._last_printer

    def printFile(self, queue: str, path: str, title: str, options: dict[str, str]) -> int:
        self.submitted += 1
        return 7

    def getJobAttributes(self, job_id: int, requested_attributes: list[str]) -> dict[str, Any]:
        return {"job-state": next(self._jobs)}

    def cancelJob(self, job_id: int, purge_job: bool = False) -> None:
        self.cancelled.append(job_id)


READY = {"printer-state": PRINTER_IDLE, "printer-state-reasons": ["none"], "printer-is-accepting-jobs": True}
OUT_OF_PAPER = {"printer-state": PRINTER_STOPPED, "printer-state-reasons": ["media-empty-error"]}
JOB = PrintJob(pdf=b"%PDF-1.4", title="receipt")


def printer_on(spooler: ScriptedSpooler) -> CupsPrinter:
    return CupsPrinter("Kiosk", timeout_s=5, poll_s=0, connect=lambda server: spooler)


def test_completed_job_is_success() -> None:
    spooler = ScriptedSpooler([READY], [JOB_PENDING, JOB_PROCESSING, JOB_COMPLETED])
    assert printer_on(spooler).print(JOB).job_id == "Kiosk-7"
    assert spooler.cancelled == []


def test_aborted_job_is_reported_as_failed() -> None:
    spooler = ScriptedSpooler([READY], [JOB_PROCESSING, JOB_ABORTED])
    with pytest.raises(PrintJobFailedError) as info:
        printer_on(spooler).print(JOB)
    assert info.value.message_key == "printer.print_failed"


def test_paper_running_out_before_the_job_starts_cancels_it() -> None:
    spooler = ScriptedSpooler([READY, OUT_OF_PAPER], [JOB_PENDING, JOB_PENDING])
    with pytest.raises(PrinterNotReadyError) as info:
        printer_on(spooler).print(JOB)
    assert info.value.message_key == "printer.out_of_paper"
    assert spooler.cancelled == [7]  # it must not come out later as a surprise second receipt


def test_out_of_paper_queue_gets_no_job() -> None:
    spooler = ScriptedSpooler([OUT_OF_PAPER], [])
    with pytest.raises(PrinterNotReadyError):
        printer_on(spooler).print(JOB)
    assert spooler.submitted == 0


class SpoolerKeepingPath(ScriptedSpooler):
    """Also notes the file CUPS was handed and its mode at that moment."""

    def __init__(self, *args: Any, refuse: bool = False) -> None:
        super().__init__(*args)
        self.refuse = refuse
        self.handed: list[tuple[str, int]] = []

    def printFile(self, queue: str, path: str, title: str, options: dict[str, str]) -> int:
        import os
        import stat

        self.handed.append((path, stat.S_IMODE(os.stat(path).st_mode)))
        if self.refuse:
            raise RuntimeError("client-error-not-possible")
        return super().printFile(queue, path, title, options)


@pytest.mark.parametrize("refuse", [False, True])
def test_the_pdf_handed_to_cups_is_private_and_gone_once_spooled(refuse: bool) -> None:
    import os

    spooler = SpoolerKeepingPath([READY], [JOB_COMPLETED], refuse=refuse)
    printer = printer_on(spooler)
    if refuse:
        with pytest.raises(PrinterNotReadyError):
            printer.print(JOB)
    else:
        printer.print(JOB)
    [(path, mode)] = spooler.handed
    assert mode == 0o600 and not os.path.exists(path)  # a receipt names the citizen: no copy stays behind


from __future__ import annotations

from pathlib import Path

import pytest

from devices.printer import PdfFolderPrinter, Printer, PrinterNotReadyError, PrinterStatus, PrintJob


def test_document_lands_in_the_folder_byte_for_byte(tmp_path: Path, receipt_job: PrintJob) -> None:
    printer = PdfFolderPrinter(tmp_path / "out")
    assert isinstance(printer, Printer)
    result = printer.print(receipt_job)
    assert result.output is not None
    assert result.output.read_bytes() == receipt_job.pdf
    assert result.bytes_sent == len(receipt_job.pdf)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [result.output.name]


def test_two_prints_never_overwrite_each_other(tmp_path: Path, receipt_job: PrintJob) -> None:
    printer = PdfFolderPrinter(tmp_path)
    first, second = printer.print(receipt_job), printer.print(receipt_job)
    assert first.output != second.output
    assert len(list(tmp_path.glob("*.pdf"))) == 2


@pytest.mark.parametrize(("fault", "key"), [(PrinterStatus.OUT_OF_PAPER, "printer.out_of_paper"),
                                            (PrinterStatus.OFFLINE, "printer.not_ready")])
def test_simulated_fault_prints_nothing_and_says_why(tmp_path: Path, receipt_job: PrintJob, fault: PrinterStatus,
                                                     key: str) -> None:
    printer = PdfFolderPrinter(tmp_path)
    printer.simulate(fault)
    assert printer.status() is fault
    with pytest.raises(PrinterNotReadyError) as info:
        printer.print(receipt_job)
    assert info.value.message_key == key
    assert info.value.status is fault
    assert list(tmp_path.iterdir()) == []
    printer.simulate(PrinterStatus.READY)
    assert printer.print(receipt_job).output is not None

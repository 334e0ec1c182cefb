"""A failed receipt leaves a pending "needs help" slip that prints once when the printer is back."""

from __future__ import annotations

import io
import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from devices.printer import PdfFolderPrinter, PrinterNotReadyError, PrinterStatus
from kiosk.catalogue.loader import load_catalogue
from kiosk.config import KioskConfig, load_config
from kiosk.i18n import Translator
from kiosk.receipts.desk import print_for_outcome
from kiosk.receipts.recovery import STATE_FILE, PendingSlip, PrinterRecovery, recovery_for
from kiosk.submissions import SubmitOutcome
from offline_cache import ReceiptFacts
from printing.qr_payload import decode

NOW = datetime(2026, 11, 24, 9, 31)
FILE_CODE = "000.00.01.H29-261124-0012"
SID = "5f" * 16


def text_of(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
                    .decode().split())


def qr_of(pdf: Path) -> str:
    png = subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", str(pdf)],
                         capture_output=True, check=True).stdout
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return next(c.text for c in codes if c.format.name == "QRCode")


def pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def make_config(tmp_path: Path, on: bool = True) -> KioskConfig:
    return load_config(overrides={"kiosk": {"data_dir": str(tmp_path / "data"), "kiosk_id": "KIOSK-BT-01"},
                                  "printer": {"print_help_slip_on_recovery": on}})


def recovery(tmp_path: Path, printer: PdfFolderPrinter, on: bool = True) -> PrinterRecovery:
    return PrinterRecovery(printer, make_config(tmp_path, on), now=lambda: NOW, catalogue=load_catalogue())


@pytest.fixture
def printer(tmp_path: Path) -> PdfFolderPrinter:
    return PdfFolderPrinter(tmp_path / "out")


def test_slip_prints_once_when_the_printer_is_back_and_names_the_file_code(tmp_path: Path,
                                                                          printer: PdfFolderPrinter) -> None:
    rec = recovery(tmp_path, printer)
    printer.simulate(PrinterStatus.OUT_OF_PAPER)
    rec.remember(SID, service_code="temporary_residence", reason_key="printer.out_of_paper", file_code=FILE_CODE)
    assert rec.poll() == []  # still out of paper: nothing printed, nothing forgotten
    assert [e.submission_id for e in rec.pending()] == [SID]
    printer.simulate(PrinterStatus.READY)
    printed = rec.poll()
    assert len(printed) == 1 and printed[0].output is not None
    assert rec.poll() == [] and rec.pending() == []
    assert len(pdfs(tmp_path / "out")) == 1  # once, not twice
    payload = decode(qr_of(printed[0].output))
    assert payload.kind == "help"
    assert payload.file_code == FILE_CODE
    text = text_of(printed[0].output)
    assert FILE_CODE in text and "printer.out_of_paper" in text
    assert "Đăng ký tạm trú" in text  # the service by name, from the catalogue


def test_without_a_file_code_the_slip_carries_the_submission_id(tmp_path: Path, printer: PdfFolderPrinter) -> None:
    rec = recovery(tmp_path, printer)
    rec.remember(SID, service_code="temporary_residence", reason_key="printer.not_ready")
    (result,) = rec.poll()
    assert result.output is not None
    assert decode(qr_of(result.output)).file_code == SID


def test_a_restart_keeps_the_pending_slip_and_prints_it_afterwards(tmp_path: Path,
                                                                  printer: PdfFolderPrinter) -> None:
    printer.simulate(PrinterStatus.OFFLINE)
    recovery(tmp_path, printer).remember(SID, service_code="temporary_residence",
                                         reason_key="printer.not_ready", file_code=FILE_CODE)
    after_restart = recovery(tmp_path, PdfFolderPrinter(tmp_path / "out"))
    assert after_restart.pending() == [PendingSlip(SID, "temporary_residence", "2026-11-24T09:31:00",
                                                   "printer.not_ready", FILE_CODE)]
    assert len(after_restart.poll()) == 1
    assert recovery(tmp_path, printer).pending() == []  # the printed slip is gone from the file too


def test_with_the_setting_off_nothing_is_printed_but_the_entry_is_kept(tmp_path: Path,
                                                                     printer: PdfFolderPrinter) -> None:
    rec = recovery(tmp_path, printer, on=False)
    rec.remember(SID, service_code="temporary_residence", reason_key="printer.out_of_paper", file_code=FILE_CODE)
    assert rec.poll() == []
    assert pdfs(tmp_path / "out") == []
    assert len(rec.pending()) == 1  # the technician still sees it


def test_a_retry_that_fails_again_keeps_one_entry_and_a_print_that_works_clears_it(
        tmp_path: Path, printer: PdfFolderPrinter) -> None:
    rec = recovery(tmp_path, printer)
    for _ in range(2):
        rec.remember(SID, service_code="temporary_residence", reason_key="printer.out_of_paper")
    assert len(rec.pending()) == 1
    assert rec.forget(SID) and not rec.forget(SID)
    assert rec.poll() == [] and pdfs(tmp_path / "out") == []


def test_the_state_file_holds_references_only(tmp_path: Path, printer: PdfFolderPrinter) -> None:
    rec = recovery(tmp_path, printer)
    rec.remember(SID, service_code="temporary_residence", reason_key="printer.out_of_paper", file_code=FILE_CODE)
    saved = json.loads((tmp_path / "data" / STATE_FILE).read_text(encoding="utf-8"))
    assert set(saved["pending"][0]) == {"submission_id", "service_code", "failed_at", "reason_key", "file_code",
                                        "kind"}


def test_a_damaged_state_file_starts_empty_instead_of_stopping_the_kiosk(tmp_path: Path,
                                                                        printer: PdfFolderPrinter) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / STATE_FILE).write_text("{not json", encoding="utf-8")
    rec = recovery(tmp_path, printer)
    assert rec.pending() == []
    rec.remember(SID, service_code="x", reason_key="printer.not_ready")
    assert len(recovery(tmp_path, printer).pending()) == 1  # and it writes a good file again


@dataclass
class Kiosk:
    """Stands in for kiosk.bootstrap.Kiosk: only what printing a receipt reads."""

    config: KioskConfig
    printer: PdfFolderPrinter
    catalogue: Any = field(default_factory=load_catalogue)
    printer_recovery: PrinterRecovery | None = None

    def __post_init__(self) -> None:  # as the composition root builds it
        self.printer_recovery = PrinterRecovery(self.printer, self.config, now=self.now, catalogue=self.catalogue)

    def now(self) -> datetime:
        return NOW

    def translate(self, key: str, language: str, /, **params: object) -> str:
        return Translator("en" if language == "en" else "vi").text(key, **params)


def test_a_failed_receipt_is_remembered_and_a_successful_retry_forgets_it(tmp_path: Path,
                                                                          printer: PdfFolderPrinter) -> None:
    kiosk = Kiosk(make_config(tmp_path), printer)
    facts = ReceiptFacts(service_code="temporary_residence", masked_id="********1234", id_last4="1234",
                         received_at=NOW.timestamp(), service_name="Đăng ký tạm trú")
    outcome = SubmitOutcome("sent", SID, "queue.sent", facts, file_code=FILE_CODE)
    printer.simulate(PrinterStatus.OUT_OF_PAPER)
    with pytest.raises(PrinterNotReadyError):
        print_for_outcome(kiosk, None, outcome, "vi")
    rec = recovery_for(kiosk)
    assert rec is not None and recovery_for(kiosk) is rec
    (entry,) = rec.pending()
    assert (entry.submission_id, entry.file_code, entry.service_code, entry.reason_key) == (
        SID, FILE_CODE, "temporary_residence", "printer.out_of_paper")
    printer.simulate(PrinterStatus.READY)
    print_for_outcome(kiosk, None, outcome, "vi")
    assert rec.pending() == []
    assert rec.poll() == [] and len(pdfs(tmp_path / "out")) == 1  # the receipt only, no slip

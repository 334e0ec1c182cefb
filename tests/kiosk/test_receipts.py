"""Receipts built from the submission queue, printed, failed and printed again."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from devices.printer import PdfFolderPrinter, PrinterNotReadyError, PrinterStatus
from kiosk.catalogue.loader import load_catalogue
from kiosk.config import KioskConfig, load_config
from kiosk.hospital import visit as hospital_visit
from kiosk.i18n import Translator
from kiosk.receipts.desk import print_for_outcome, print_help_slip, reprint
from kiosk.submissions import SubmitOutcome
from offline_cache import ReceiptFacts, SqliteSubmissionQueue, StaticKeyProvider, SubmissionNotFoundError
from printing.qr_payload import decode

RECEIVED = datetime(2026, 11, 24, 9, 30).timestamp()  # the test machine's zone does not matter: only the date


def text_of(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
                    .decode().split())


def qr_of(pdf: Path) -> str:
    png = subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", str(pdf)],
                         capture_output=True, check=True).stdout
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return next(c.text for c in codes if c.format.name == "QRCode")


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    return load_config(overrides={"kiosk": {"data_dir": str(tmp_path), "ward_name": "UBND Phường Bến Thành",
                                            "kiosk_id": "KIOSK-BT-01", "hotline": "1900 1234"}})


@pytest.fixture
def queue(tmp_path: Path) -> Any:
    q = SqliteSubmissionQueue(tmp_path / "queue.sqlite3", StaticKeyProvider(b"k" * 32))
    yield q
    q.close()


def facts() -> ReceiptFacts:
    return ReceiptFacts(service_code="temporary_residence", masked_id="********1234", id_last4="1234",
                        received_at=RECEIVED, service_name="Đăng ký tạm trú")


def test_reprint_of_a_sent_file_shows_file_code_and_due_date(config: KioskConfig, queue: Any,
                                                               tmp_path: Path) -> None:
    record = queue.enqueue("temporary_residence", {"x": 1}, facts(), claim=True)
    queue.mark_accepted(record.submission_id, "000.00.01.H29-261124-0012", "2026-11-28T14:00:00+07:00")
    printer = PdfFolderPrinter(tmp_path / "out")
    result = reprint(printer, config, queue, record.submission_id, catalogue=load_catalogue())
    assert result.output is not None
    text = text_of(result.output)
    assert "000.00.01.H29-261124-0012" in text
    assert "14:00 28/11/2026" in text
    assert "********1234" in text
    assert "UBND Phường Bến Thành" in text
    payload = decode(qr_of(result.output))
    assert payload.file_code == "000.00.01.H29-261124-0012"
    assert payload.appointment == date(2026, 11, 28)


def test_reprint_of_a_waiting_file_prints_its_temporary_reference(config: KioskConfig, queue: Any,
                                                                  tmp_path: Path) -> None:
    record = queue.enqueue("temporary_residence", {"x": 1}, facts())
    result = reprint(PdfFolderPrinter(tmp_path / "out"), config, queue, record.submission_id)
    assert result.output is not None
    text = text_of(result.output)
    assert record.submission_id in text
    assert "Mã tạm (chờ gửi)" in text
    assert decode(qr_of(result.output)).file_code == record.submission_id


def test_failed_print_loses_nothing_and_prints_the_same_receipt_later(config: KioskConfig, queue: Any,
                                                                      tmp_path: Path) -> None:
    record = queue.enqueue("temporary_residence", {"x": 1}, facts(), claim=True)
    queue.mark_accepted(record.submission_id, "000.00.01.H29-261124-0013", "2026-11-28")
    printer = PdfFolderPrinter(tmp_path / "out")
    printer.simulate(PrinterStatus.OUT_OF_PAPER)
    with pytest.raises(PrinterNotReadyError) as info:
        reprint(printer, config, queue, record.submission_id)
    assert Translator("vi").has(info.value.message_key)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    printer.simulate(PrinterStatus.READY)
    first = reprint(printer, config, queue, record.submission_id)
    second = reprint(printer, config, queue, record.submission_id)
    assert first.output is not None and second.output is not None
    assert first.output.read_bytes() == second.output.read_bytes()  # reprints are identical documents
    assert "28/11/2026" in text_of(first.output)


def test_reprint_of_unknown_submission_says_not_found(config: KioskConfig, queue: Any, tmp_path: Path) -> None:
    with pytest.raises(SubmissionNotFoundError):
        reprint(PdfFolderPrinter(tmp_path), config, queue, "no-such-id")


@dataclass
class Person:
    full_name: str = "Nguyễn Thị Hương"


@dataclass
class Form:
    """Stands in for kiosk.forms.FormSession: only what a receipt reads from it."""

    service: Any
    answers: dict[str, object] = field(default_factory=dict)

    def identity(self) -> Person:
        return Person()

    def values(self) -> dict[str, object]:
        return self.answers

    def appointment_date(self) -> date:
        return date(2026, 11, 27)


@dataclass
class Kiosk:
    config: KioskConfig
    printer: PdfFolderPrinter
    catalogue: Any = field(default_factory=load_catalogue)
    session: Any = None

    def now(self) -> datetime:
        return datetime(2026, 11, 24, 9, 31)

    def translate(self, key: str, language: str, /, **params: object) -> str:
        return Translator("en" if language == "en" else "vi").text(key, **params)


def test_receipt_after_submitting_names_the_citizen_and_the_service(config: KioskConfig, tmp_path: Path) -> None:
    kiosk = Kiosk(config, PdfFolderPrinter(tmp_path / "out"))
    service = kiosk.catalogue.get("temporary_residence")
    outcome = SubmitOutcome("sent", "sub-1", "queue.sent", facts(), file_code="000.00.01.H29-261124-0014",
                            due_at="2026-11-28T14:00:00+07:00")
    result = print_for_outcome(kiosk, Form(service), outcome, "en")
    assert result.output is not None
    text = text_of(result.output)
    assert "Nguyễn Thị Hương" in text
    assert service.main.procedure_code in text
    assert "09:31 24/11/2026" in text
    assert text.index("Mã hồ sơ") < text.index("File code")


def test_queued_submission_prints_the_estimated_appointment(config: KioskConfig, tmp_path: Path) -> None:
    kiosk = Kiosk(config, PdfFolderPrinter(tmp_path / "out"))
    outcome = SubmitOutcome("queued", "sub-2", "queue.saved_will_send", facts())
    result = print_for_outcome(kiosk, Form(kiosk.catalogue.get("temporary_residence")), outcome, "vi")
    assert result.output is not None
    text = text_of(result.output)
    assert "sub-2" in text
    assert "27/11/2026" in text


def test_refused_submission_prints_a_help_slip_for_the_counter(config: KioskConfig, tmp_path: Path) -> None:
    kiosk = Kiosk(config, PdfFolderPrinter(tmp_path / "out"))
    outcome = SubmitOutcome("rejected", "sub-3", "portal.validation", facts())
    result = print_for_outcome(kiosk, Form(kiosk.catalogue.get("temporary_residence")), outcome, "vi")
    assert result.output is not None
    text = text_of(result.output)
    assert "PHIẾU CẦN HỖ TRỢ" in text
    assert "sub-3" in text
    assert "portal.validation" in text


@dataclass
class Visit:
    service_code: str = "temporary_residence"
    submission_key: str | None = None
    file_code: str = ""
    session_hash: str = "5e55104a9c0ffee0"


def test_help_slip_names_the_service_of_the_current_visit(config: KioskConfig, tmp_path: Path) -> None:
    kiosk = Kiosk(config, PdfFolderPrinter(tmp_path / "out"), session=Visit())
    result = print_help_slip(kiosk, "printer.out_of_paper", "vi")
    assert result.output is not None
    text = text_of(result.output)
    assert kiosk.catalogue.get("temporary_residence").name.vi in text
    assert "printer.out_of_paper" in text
    assert "Máy in đã hết giấy" in text
    assert "5e55104a" in text  # the audit log's session hash, so staff can find the visit


@dataclass
class HospitalVisit(hospital_visit.HospitalVisit):
    """Stands in for a hospital check-in (no hospital behind it): a visit that prints its own exam ticket."""

    def __init__(self) -> None:  # no check-in service, form or catalogue: only the ticket is printed
        pass

    def ticket_document(self, config: KioskConfig, language: str) -> Any:
        from printing import Issuer, QueueTicketData, render_queue_ticket

        return render_queue_ticket(QueueTicketData(
            issuer=Issuer(config.hospital.hospital_name, config.kiosk.kiosk_id, config.kiosk.hotline),
            queue_number="B-012", visit_id="KB0012", specialty_code="K01", specialty="Nhi", room="204",
            floor="Tầng 2", patient_name="Lê Văn An", id_number="001200001111", language="vi"))


def test_hospital_visit_prints_its_exam_ticket(config: KioskConfig, tmp_path: Path) -> None:
    kiosk = Kiosk(config, PdfFolderPrinter(tmp_path / "out"))
    outcome = SubmitOutcome("sent", "sub-4", "queue.sent", facts())
    result = print_for_outcome(kiosk, HospitalVisit(), outcome, "vi")
    assert result.output is not None
    assert "B-012" in text_of(result.output)


def test_reprint_of_a_row_whose_receipt_is_damaged_is_refused_not_made_up(config: KioskConfig, queue: Any,
                                                                           tmp_path: Path) -> None:
    import sqlite3

    from offline_cache.errors import DamagedValueError

    record = queue.enqueue("temporary_residence", {"x": 1}, facts())
    conn = sqlite3.connect(tmp_path / "queue.sqlite3")
    (blob,) = conn.execute("SELECT receipt FROM submissions WHERE id=?", (record.submission_id,)).fetchone()
    damaged = bytearray(blob)
    damaged[len(damaged) // 2] ^= 0x08
    conn.execute("UPDATE submissions SET receipt=? WHERE id=?", (bytes(damaged), record.submission_id))
    conn.commit()
    conn.close()
    out = tmp_path / "out"
    with pytest.raises(DamagedValueError):
        reprint(PdfFolderPrinter(out), config, queue, record.submission_id)
    assert not list(out.glob("*.pdf"))

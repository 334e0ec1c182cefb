"""`kiosk print test` and `kiosk print receipt --submission ID`, run as a technician would."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_config
from offline_cache import FileKeyProvider, ReceiptFacts, SqliteSubmissionQueue


def write_config(tmp_path: Path, **printer: str) -> Path:
    lines = ["[kiosk]", 'data_dir = "data"', 'ward_name = "UBND Phường Bến Thành"', "[printer]", 'backend = "pdf"']
    lines += [f'{key} = "{value}"' for key, value in printer.items()]
    path = tmp_path / "kiosk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()


def test_test_page_is_printed_and_exit_code_is_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    assert main(["--config", str(config), "print", "test"]) == 0
    printed = list((tmp_path / "data" / "receipts").glob("*.pdf"))
    assert len(printed) == 1
    assert "UBND Phường Bến Thành" in pdf_text(printed[0])
    assert "Đã in phiếu thử" in capsys.readouterr().out


@pytest.mark.parametrize("document", ["ticket", "help"])
def test_other_documents_print_as_test_pages(tmp_path: Path, document: str) -> None:
    config = write_config(tmp_path, paper="a4")
    assert main(["--config", str(config), "print", "test", "--document", document]) == 0
    assert len(list((tmp_path / "data" / "receipts").glob("*.pdf"))) == 1


def test_printer_that_cannot_print_exits_one_with_a_kind_message(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, output_dir="blocked")
    (tmp_path / "blocked").write_text("not a folder")  # relative paths in a config file are from its folder
    assert main(["--config", str(config), "print", "test", "--lang", "en"]) == 1
    assert "The printer is not ready" in capsys.readouterr().err


def test_reprint_from_the_queue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_config(tmp_path)
    config = load_config(config_path)
    config.queue.db_path.parent.mkdir(parents=True, exist_ok=True)
    queue = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    record = queue.enqueue("temporary_residence", {"a": 1}, ReceiptFacts(
        service_code="temporary_residence", masked_id="********1234", id_last4="1234", received_at=1_795_500_000.0,
        service_name="Đăng ký tạm trú"), claim=True)
    queue.mark_accepted(record.submission_id, "000.00.01.H29-261124-0042", "2026-11-28")
    queue.close()
    assert main(["--config", str(config_path), "print", "receipt", "--submission", record.submission_id]) == 0
    printed = list(config.printer.output_dir.glob("*.pdf"))
    assert len(printed) == 1
    assert "000.00.01.H29-261124-0042" in pdf_text(printed[0])
    assert record.submission_id in capsys.readouterr().out


def test_a_cli_reprint_cancels_the_counter_slip_waiting_for_that_receipt(tmp_path: Path) -> None:
    from datetime import datetime

    from devices.printer.simulated import PdfFolderPrinter
    from kiosk.receipts.recovery import PrinterRecovery

    config_path = write_config(tmp_path)
    config = load_config(config_path)
    config.queue.db_path.parent.mkdir(parents=True, exist_ok=True)
    queue = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    record = queue.enqueue("temporary_residence", {"a": 1}, ReceiptFacts(
        service_code="temporary_residence", masked_id="********1234", id_last4="1234", received_at=1_795_500_000.0,
        service_name="Đăng ký tạm trú"), claim=True)
    queue.close()
    recovery = PrinterRecovery(PdfFolderPrinter(config.printer.output_dir), config, now=datetime.now)
    recovery.remember(record.submission_id, service_code="temporary_residence", reason_key="printer.out_of_paper")
    assert main(["--config", str(config_path), "print", "receipt", "--submission", record.submission_id]) == 0
    after = PrinterRecovery(PdfFolderPrinter(config.printer.output_dir), config, now=datetime.now)
    assert after.pending() == []


def test_unknown_submission_and_missing_arguments_are_usage_errors(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    assert main(["--config", str(config), "print", "receipt", "--submission", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["--config", str(config), "print", "receipt"]) == 2
    assert main(["--config", str(config), "print", "test", "--paper", "a5"]) == 2

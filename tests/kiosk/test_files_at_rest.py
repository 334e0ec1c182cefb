"""Everything the kiosk keeps under its data folder is readable by the kiosk's own user only: 0600 files in 0700
folders, whatever the umask, and files left looser by an older version are tightened when next opened."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from devices.printer import PdfFolderPrinter, PrintJob
from kiosk.audit import AuditLog
from kiosk.config import load_config
from kiosk.hospital.queue_numbers import SqliteQueueNumbers
from kiosk.receipts.recovery import PrinterRecovery
from kiosk.staff import StaffAuthenticator, WrongPinError, hash_pin
from offline_cache import FileKeyProvider, ReceiptFacts, SqliteSubmissionQueue


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    """The common default: without care, files come out 0644 and folders 0755."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(folder: Path) -> None:
    assert mode(folder) == 0o700, folder
    for path in folder.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), f"{path}: {mode(path):04o}"


def test_the_queue_database_its_wal_shm_and_key_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    queue = SqliteSubmissionQueue(data / "queue" / "queue.sqlite3", FileKeyProvider(data / "queue" / "queue.key"))
    try:
        queue.enqueue("1.004194", {"applicant": {"full_name": "Lê Thị Mai"}},
                      ReceiptFacts("1.004194", "********1234", "1234", 0.0))
        assert (data / "queue" / "queue.sqlite3-wal").exists()
        assert_private(data)
    finally:
        queue.close()


def test_a_queue_file_left_readable_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    first = SqliteSubmissionQueue(folder / "queue.sqlite3", FileKeyProvider(folder / "queue.key"))
    first.close()
    for name in ("queue.sqlite3", "queue.sqlite3-wal", "queue.sqlite3-shm"):
        if (folder / name).exists():
            (folder / name).chmod(0o644)
    folder.chmod(0o755)
    again = SqliteSubmissionQueue(folder / "queue.sqlite3", FileKeyProvider(folder / "queue.key"))
    try:
        assert_private(folder)
    finally:
        again.close()


def test_audit_log_lockout_state_and_print_recovery_state_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    AuditLog(data, "KIOSK-1").record("help_requested")
    config = load_config(None, {"kiosk": {"data_dir": str(data)},
                                "staff": {"technician_pin_hash": hash_pin("246810", iterations=1000)}})
    staff = StaffAuthenticator(config.staff, state_dir=data)
    with pytest.raises(WrongPinError):
        staff.authenticate_technician("000000")
    recovery = PrinterRecovery(PdfFolderPrinter(data / "printed"), config, now=datetime.now, data_dir=data)
    recovery.remember("0f0e0d0c", service_code="1.004194", reason_key="printer.out_of_paper")
    names = {p.name for p in data.iterdir()}
    assert {"audit.jsonl"} <= names and len(names) >= 3, names
    assert_private(data)


def test_hospital_queue_numbers_are_private(tmp_path: Path) -> None:
    numbers = SqliteQueueNumbers(tmp_path / "data" / "hospital_queue.sqlite3")
    numbers.allocate("noi")
    assert_private(tmp_path / "data")


def test_printed_pdfs_of_the_demo_printer_are_private(tmp_path: Path) -> None:
    out = tmp_path / "data" / "printed"
    result = PdfFolderPrinter(out).print(PrintJob(pdf=b"%PDF-1.4 Nguyen Thi Huong", title="receipt",
                                                  page_width_mm=80, page_height_mm=120))
    assert result.output is not None and result.output.exists()
    assert mode(out) == 0o700 and mode(result.output) == 0o600


def test_the_demo_printer_tightens_a_folder_an_older_version_left_open(tmp_path: Path) -> None:
    out = tmp_path / "printed"
    out.mkdir(mode=0o755)
    PdfFolderPrinter(out).print(PrintJob(pdf=b"%PDF-1.4", title="receipt", page_width_mm=80, page_height_mm=120))
    assert mode(out) == 0o700


def test_the_kiosk_closes_its_data_folder_at_start_and_keeps_it_private(tmp_path: Path) -> None:
    from kiosk.bootstrap import DemoSetup, build_kiosk

    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)  # as an older version, or an installer, left it
    config = load_config(None, {"kiosk": {"data_dir": str(data)}, "speech": {"backend": "silent"}})
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        kiosk.audit.record("help_requested")
        assert_private(data)
    finally:
        kiosk.close()

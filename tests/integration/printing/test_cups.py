"""A real CUPS spooler started by the test (own config folder, free loopback port) with a cups-pdf queue."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageFilter

from devices.printer import PrinterNotReadyError, PrinterStatus, PrintJob, PrintJobFailedError
from devices.printer.cups import JOB_CANCELED, CupsPrinter, output_folder_of_cups_pdf
from printing import Issuer, ReceiptData, render_receipt
from printing.qr_payload import decode

pytestmark = pytest.mark.integration

PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cups_server() -> Iterator[str]:
    if shutil.which("cupsd") is None or not PPD.is_file():
        pytest.skip("LOUD SKIP: cups / printer-driver-cups-pdf not installed; run scripts/setup.sh")
    if os.geteuid() != 0:
        pytest.skip("LOUD SKIP: cupsd and the cups-pdf back end need root")
    port = _free_port()
    root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
    root.chmod(0o755)  # filters run as the unprivileged `lp` user and must reach the spool
    for sub in ("etc", "spool/tmp", "cache", "state", "log"):
        (root / sub).mkdir(parents=True)
    (root / "etc/cupsd.conf").write_text(f"""LogLevel info
Listen 127.0.0.1:{port}
Browsing Off
WebInterface No
DefaultAuthType None
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
""")
    (root / "etc/cups-files.conf").write_text(f"""ServerRoot {root}/etc
RequestRoot {root}/spool
TempDir {root}/spool/tmp
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
SystemGroup root
""")
    daemon = subprocess.Popen(["cupsd", "-f", "-c", str(root / "etc/cupsd.conf"), "-s",
                               str(root / "etc/cups-files.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if daemon.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"cupsd did not start: {(root / 'log/error_log').read_text(errors='replace')}")
                time.sleep(0.1)
        subprocess.run(["lpadmin", "-h", server, "-p", "KioskPDF", "-E", "-v", "cups-pdf:/", "-P", str(PPD)],
                       check=True, capture_output=True)
        # A queue whose device never answers: the job stays "processing" forever.
        subprocess.run(["lpadmin", "-h", server, "-p", "Unplugged", "-E", "-v",
                        f"socket://127.0.0.1:{_free_port()}", "-P", str(PPD)], check=True, capture_output=True)
        yield server
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        shutil.rmtree(root, ignore_errors=True)


def _receipt_job(title: str) -> PrintJob:
    data = ReceiptData(
        issuer=Issuer(agency_name="UBND Phường Bến Thành", kiosk_id="KIOSK-IT", hotline="1900 1234"),
        file_code="000.00.01.H29-261124-0099", procedure_code="1.004227", procedure_name="Đăng ký tạm trú",
        applicant_name="Nguyễn Thị Hương", id_number="079190001234", received_at=datetime(2026, 11, 24, 9, 30),
        appointment_at=datetime(2026, 11, 28, 14, 0))
    document = render_receipt(data)
    return PrintJob(pdf=document.pdf, title=title, page_width_mm=document.page_width_mm,
                    page_height_mm=document.page_height_mm)


def _page_image(pdf: bytes, dpi: int = 100) -> Image.Image:
    png = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", "-"], input=pdf,
                         capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def _wait_for_output(title: str, timeout_s: float = 20.0) -> Path:
    folder = output_folder_of_cups_pdf()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = sorted(folder.glob(f"{title}*.pdf")) if folder.is_dir() else []
        if found and found[0].stat().st_size > 0:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no cups-pdf output for {title} in {folder}")


def test_receipt_printed_through_cups_comes_out_with_its_vietnamese_text(cups_server: str) -> None:
    printer = CupsPrinter("KioskPDF", server=cups_server, timeout_s=60)
    assert printer.status() is PrinterStatus.READY
    title = f"kiosk-it-{uuid.uuid4().hex[:8]}"
    job = _receipt_job(title)
    result = printer.print(job)
    output = _wait_for_output(title)
    try:
        assert result.job_id.startswith("KioskPDF-")
        printed = output.read_bytes()
        # cups-pdf re-distils through Ghostscript, which drops the text layer's Unicode map, so the Vietnamese
        # text is checked as pixels: the spooled page must look like the page the kiosk rendered.
        original, spooled = _page_image(job.pdf), _page_image(printed)
        # The custom roll size reached the queue (Ghostscript rounds it to whole points): nothing was rescaled.
        assert abs(spooled.width - original.width) <= 2
        assert abs(spooled.height - original.height) <= 2
        box = (0, 0, min(original.width, spooled.width), min(original.height, spooled.height))
        # A light blur absorbs Ghostscript's different anti-aliasing; a changed or missing letter still shows.
        blurred = [image.crop(box).filter(ImageFilter.GaussianBlur(2)) for image in (original, spooled)]
        assert sum(ImageChops.difference(*blurred).histogram()[64:]) < 100
        codes = {c.format.name: c.text for c in zxingcpp.read_barcodes(_page_image(printed, 203))}
        assert decode(codes["QRCode"]).file_code == "000.00.01.H29-261124-0099"
        assert codes["Code128"] == "000.00.01.H29-261124-0099"
    finally:
        output.unlink()


def test_disabled_queue_is_not_ready_and_nothing_is_sent(cups_server: str) -> None:
    import cups

    printer = CupsPrinter("KioskPDF", server=cups_server)
    subprocess.run(["cupsdisable", "-h", cups_server, "KioskPDF"], check=True)
    try:
        assert printer.status() is PrinterStatus.OFFLINE
        jobs_before = set(cups.Connection(host="127.0.0.1", port=int(cups_server.split(":")[1]))
                          .getJobs(which_jobs="all"))
        with pytest.raises(PrinterNotReadyError) as info:
            printer.print(_receipt_job(f"kiosk-it-{uuid.uuid4().hex[:8]}"))
        assert info.value.message_key == "printer.not_ready"
        jobs_after = set(cups.Connection(host="127.0.0.1", port=int(cups_server.split(":")[1]))
                         .getJobs(which_jobs="all"))
        assert jobs_after == jobs_before
    finally:
        subprocess.run(["cupsenable", "-h", cups_server, "KioskPDF"], check=True)
    assert printer.status() is PrinterStatus.READY


def test_job_that_never_finishes_is_cancelled_and_reported(cups_server: str) -> None:
    import cups

    printer = CupsPrinter("Unplugged", server=cups_server, timeout_s=2.0)
    with pytest.raises((PrintJobFailedError, PrinterNotReadyError)) as info:
        printer.print(_receipt_job(f"kiosk-it-{uuid.uuid4().hex[:8]}"))
    assert info.value.message_key in ("printer.print_failed", "printer.not_ready")
    connection = cups.Connection(host="127.0.0.1", port=int(cups_server.split(":")[1]))
    jobs = [connection.getJobAttributes(job_id) for job_id in connection.getJobs(which_jobs="all")]
    unplugged = [attrs for attrs in jobs if str(attrs.get("job-printer-uri", "")).endswith("/Unplugged")]
    assert unplugged
    assert all(attrs["job-state"] == JOB_CANCELED for attrs in unplugged)


def test_unreachable_spooler_reports_offline() -> None:
    printer = CupsPrinter("KioskPDF", server=f"127.0.0.1:{_free_port()}")
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterNotReadyError):
        printer.print(PrintJob(pdf=b"%PDF-1.4\n", title="never"))

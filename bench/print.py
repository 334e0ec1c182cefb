# ruff: noqa: E402  (imports follow the sys.path fix below, on purpose)
"""Receipt rendering and ESC/POS benchmark: render time per document (target ≤ 50 ms per receipt) and the bytes
a thermal printer receives.

    .venv/bin/python bench/print.py [--runs N]

Prints one table: per document, median and 95th-percentile milliseconds over N runs after a warm-up, PDF size,
and for 80 mm documents the rasterisation time (pdftoppm at 8 dots/mm) and the ESC/POS job size (GS v 0 raster +
cut). A last row times the PNG route through pdftoppm, which the raster module does not use.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds a `queue.py`, which would shadow the stdlib module for anything imported below.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import date, datetime

from devices.printer.escpos import escpos_job_bytes
from devices.printer.raster import pdf_to_bitmaps
from printing import (
    HelpSlipData,
    Issuer,
    QueueTicketData,
    ReceiptData,
    ReceivedDocument,
    RenderedDocument,
    render_help_slip,
    render_queue_ticket,
    render_receipt,
)

WARD = Issuer(agency_name="UBND Phường Bến Thành", kiosk_id="KIOSK-BT-01", hotline="1900 1234",
              pickup_place="Bộ phận một cửa UBND Phường Bến Thành, 92 Nguyễn Du, Quận 1")
RECEIPT = ReceiptData(
    issuer=WARD, file_code="000.00.01.H29-261124-0012", procedure_code="1.004227", procedure_name="Đăng ký tạm trú",
    applicant_name="Nguyễn Thị Hương", id_number="079190001234", received_at=datetime(2026, 11, 24, 9, 30),
    appointment_at=datetime(2026, 11, 28, 14, 0), processing_days=3,
    documents=(ReceivedDocument("Tờ khai thay đổi thông tin cư trú (CT01)"), ReceivedDocument("Hợp đồng thuê nhà")))
TICKET = QueueTicketData(
    issuer=Issuer(agency_name="Bệnh viện Đa khoa Tỉnh Thanh Hóa", kiosk_id="KIOSK-BV-02", hotline="1900 9095"),
    queue_number="A-047", visit_id="KB2611240047", specialty_code="K02", specialty="Nội tổng hợp", room="105",
    floor="Tầng 1, Nhà B", patient_name="Trần Văn Dũng", id_number="038085001234", birth_year=1958, sex="male",
    insurance_number="HT3380123456789", benefit_percent=95, insurance_valid_to=date(2026, 12, 31),
    route="in_network", people_ahead=12, estimated_wait_min=72, issued_at=datetime(2026, 11, 24, 7, 45))
HELP = HelpSlipData(issuer=WARD, reason="Không đọc được thẻ Căn cước", reason_code="card.access_denied",
                    service_name="Đăng ký tạm trú", reference="Q-20261124-0007")


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up: fonts registered, modules imported
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    cases: list[tuple[str, Callable[[], RenderedDocument]]] = [
        ("receipt 80 mm", lambda: render_receipt(RECEIPT, "80mm")),
        ("receipt A4", lambda: render_receipt(RECEIPT, "a4")),
        ("receipt 80 mm, English below", lambda: render_receipt(
            ReceiptData(**{**RECEIPT.__dict__, "language": "en"}), "80mm")),
        ("hospital ticket 80 mm", lambda: render_queue_ticket(TICKET, "80mm")),
        ("help slip 80 mm", lambda: render_help_slip(HELP, "80mm")),
    ]
    header = f"{'document':<30} {'render ms (median / p95)':>25} {'PDF KiB':>8} {'raster ms':>10} " \
             f"{'ESC/POS ms':>11} {'ESC/POS KiB':>12}"
    print(header)
    print("-" * len(header))
    for name, render in cases:
        median, p95 = timed(render, runs)
        document = render()
        raster = escpos = size = "-"
        if document.page_width_mm < 100:
            r_median, _ = timed(lambda d=document: pdf_to_bitmaps(d.pdf), max(5, runs // 3))
            e_median, _ = timed(lambda d=document: escpos_job_bytes(d.pdf), max(5, runs // 3))
            raster, escpos = f"{r_median:.1f}", f"{e_median:.1f}"
            size = f"{len(escpos_job_bytes(document.pdf)) / 1024:.1f}"
        print(f"{name:<30} {median:>13.1f} / {p95:<9.1f} {len(document.pdf) / 1024:>8.1f} {raster:>10} "
              f"{escpos:>11} {size:>12}")
    pdf = render_receipt(RECEIPT).pdf
    png_median, _ = timed(lambda: subprocess.run(["pdftoppm", "-r", "203.2", "-gray", "-png", "-"], input=pdf,
                                                 capture_output=True, check=True), 5)
    print(f"{'(pdftoppm PNG route, unused)':<30} {'':>25} {'':>8} {png_median:>10.1f}")
    print("\ntarget: render ≤ 50 ms per receipt")


if __name__ == "__main__":
    main()

from __future__ import annotations

from datetime import datetime

import pytest

from devices.printer import PrintJob
from printing import Issuer, ReceiptData, render_receipt

FILE_CODE = "000.00.01.H29-261124-0012"


@pytest.fixture(scope="session")
def receipt_job() -> PrintJob:
    data = ReceiptData(
        issuer=Issuer(agency_name="UBND Phường Bến Thành", kiosk_id="KIOSK-T", hotline="1900 1234"),
        file_code=FILE_CODE, procedure_code="1.004227", procedure_name="Đăng ký tạm trú",
        applicant_name="Nguyễn Thị Hương", id_number="079190001234", received_at=datetime(2026, 11, 24, 9, 30),
        appointment_at=datetime(2026, 11, 28, 14, 0))
    document = render_receipt(data)
    return PrintJob(pdf=document.pdf, title="receipt", page_width_mm=document.page_width_mm,
                    page_height_mm=document.page_height_mm)

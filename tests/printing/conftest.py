"""Read printed documents back the way a person or a scanner would: text with pdftotext, codes with zxing-cpp
on the page rasterised by pdftoppm at a thermal printer's 203 dpi."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime

import pytest
import zxingcpp
from PIL import Image

from printing import HelpSlipData, Issuer, QueueTicketData, ReceiptData, ReceivedDocument

if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:  # pragma: no cover
    pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed: run scripts/setup.sh",
                allow_module_level=True)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_pages(pdf: bytes, dpi: int = 203) -> list[Image.Image]:
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-"], input=pdf, capture_output=True,
                         check=True).stdout
    # pdftoppm writes one PNG per page back to back on stdout; split them on the PNG signature.
    sig = b"\x89PNG\r\n\x1a\n"
    chunks = [sig + part for part in out.split(sig) if part]
    return [Image.open(io.BytesIO(chunk)) for chunk in chunks]


def pdf_codes(pdf: bytes, dpi: int = 203) -> dict[str, str]:
    """Barcode format name → text, for every code found on the first page."""
    return {code.format.name: code.text for code in zxingcpp.read_barcodes(pdf_pages(pdf, dpi)[0])}


@pytest.fixture
def read_text() -> Callable[[bytes], str]:
    return pdf_text


@pytest.fixture
def read_codes() -> Callable[..., dict[str, str]]:
    return pdf_codes


@pytest.fixture
def read_pages() -> Callable[..., list[Image.Image]]:
    return pdf_pages


@pytest.fixture
def ward() -> Issuer:
    return Issuer(agency_name="UBND Phường Bến Thành", kiosk_id="KIOSK-BT-01", hotline="1900 1234",
                  agency_code="000.00.01.H29",
                  pickup_place="Bộ phận một cửa UBND Phường Bến Thành, 92 Nguyễn Du, Quận 1")


@pytest.fixture
def receipt(ward: Issuer) -> ReceiptData:
    return ReceiptData(
        issuer=ward, file_code="000.00.01.H29-261124-0012", procedure_code="1.004227",
        procedure_name="Đăng ký tạm trú", applicant_name="Nguyễn Thị Hương", id_number="079190001234",
        received_at=datetime(2026, 11, 24, 9, 30, 17), appointment_at=datetime(2026, 11, 28, 14, 0),
        processing_days=3,
        documents=(ReceivedDocument("Tờ khai thay đổi thông tin cư trú (CT01)", 1),
                   ReceivedDocument("Hợp đồng thuê nhà", 2)))


@pytest.fixture
def ticket() -> QueueTicketData:
    hospital = Issuer(agency_name="Bệnh viện Đa khoa Tỉnh Thanh Hóa", kiosk_id="KIOSK-BV-02", hotline="1900 9095")
    return QueueTicketData(
        issuer=hospital, queue_number="A-047", visit_id="KB2611240047", specialty_code="K02",
        specialty="Nội tổng hợp", room="105", floor="Tầng 1, Nhà B", patient_name="Trần Văn Dũng",
        id_number="038085001234", birth_year=1958, sex="male", insurance_number="HT3380123456789",
        benefit_percent=95, insurance_valid_to=date(2026, 12, 31), registered_facility="Trạm y tế Phường Điện Biên",
        route="in_network", people_ahead=12, estimated_wait_min=72, issued_at=datetime(2026, 11, 24, 7, 45))


@pytest.fixture
def help_slip(ward: Issuer) -> HelpSlipData:
    return HelpSlipData(issuer=ward, reason="Không đọc được thẻ Căn cước, xin kiểm tra lại thẻ",
                        reason_code="card.access_denied", service_name="Đăng ký tạm trú",
                        occurred_at=datetime(2026, 11, 24, 10, 5), reference="Q-20261124-0007")

"""The SANE back end against SANE's own `test` device through the real `scanimage` (Debian sane-utils).

The test device is not listed by `scanimage -L` but opens by name. Its geometry stops at 200 mm, so the scan
area here is 100 × 140 mm; its feeder holds ten sheets; `--read-return-value` makes it fail as a real scanner does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devices.scanner import quality as q
from devices.scanner.sane import SaneScanner
from devices.scanner.scanner import CoverOpenError, NoPaperError, PaperJamError, ScannerNotFoundError
from kiosk.catalogue.model import AttachmentSpec
from kiosk.documents import DocumentCapture

pytestmark = pytest.mark.integration

if shutil.which("scanimage") is None:  # pragma: no cover - setup.sh installs it
    pytest.skip("scanimage is not installed (scripts/setup.sh installs sane-utils)", allow_module_level=True)

PATTERN = "--test-picture=Color pattern"


def _scanner(*options: str, source: str = "", max_sheets: int = 50) -> SaneScanner:
    return SaneScanner("test", page_width_mm=100, page_height_mm=140, options=options, source=source,
                       max_sheets=max_sheets, timeout_s=60)


def test_a_flatbed_page_comes_at_200_dpi_with_its_size() -> None:
    (page,) = _scanner(PATTERN).scan()
    assert page.dpi == 200
    assert page.image.shape[1::-1] == (787, 1102)   # 100 × 140 mm at 200 dpi
    assert page.size.width_mm == pytest.approx(100, abs=0.2) and page.size.height_mm == pytest.approx(140, abs=0.2)
    assert page.quality.ok


def test_a_black_page_is_called_blank() -> None:
    (page,) = _scanner().scan()   # the test device's default picture: solid black
    assert page.quality.hint_key == q.HINT_BLANK


def test_a_feeder_gives_every_sheet_up_to_the_limit() -> None:
    assert len(_scanner(PATTERN, source="Automatic Document Feeder", max_sheets=3).scan()) == 3
    assert len(_scanner(PATTERN, source="Automatic Document Feeder").scan()) == 10   # it holds ten


@pytest.mark.parametrize(("status", "error", "key"), [
    ("SANE_STATUS_JAMMED", PaperJamError, "documents.paper_jam"),
    ("SANE_STATUS_NO_DOCS", NoPaperError, "documents.no_paper"),
    ("SANE_STATUS_COVER_OPEN", CoverOpenError, "documents.cover_open"),
])
def test_paper_problems_become_their_errors(status: str, error: type[Exception], key: str) -> None:
    with pytest.raises(error) as caught:
        _scanner(PATTERN, f"--read-return-value={status}").scan()
    assert getattr(caught.value, "message_key", "") == key


def test_an_unknown_device_is_not_found() -> None:
    scanner = SaneScanner("nosuchbackend", timeout_s=30)
    with pytest.raises(ScannerNotFoundError):
        scanner.scan()
    assert not scanner.check().ok
    assert SaneScanner("test").check().ok


def test_scanned_pages_become_one_pdf_at_their_physical_size(tmp_path: Path) -> None:
    feeder = _scanner(PATTERN, source="Automatic Document Feeder", max_sheets=2)
    capture = DocumentCapture(feeder, AttachmentSpec("papers", "GIAY_TO"))
    assert capture.add_page().added == 2
    assert capture.add_page().added == 2
    capture.remove(3)
    attachment = capture.finish()
    path = tmp_path / attachment.filename
    path.write_bytes(attachment.pdf)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "3", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:           3" in info.stdout
    assert "283.32 x 396.72 pts" in info.stdout   # 787 × 1102 px at 200 dpi
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in images.stdout.splitlines()[2:]]
    assert [(r[3], r[4], r[8], r[12], r[13]) for r in rows] == [("787", "1102", "jpeg", "200", "200")] * 3

"""DocumentCapture: pages added, shown, retaken and removed, then one PDF within the catalogue's limits."""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np
import pytest

from devices.scanner.quality import HINT_BLURRY, HINT_GLARE, QualityLimits, assess
from devices.scanner.scanner import A4, A5, ID1, PageSize, PaperJamError, ScannedImage, ScannerHealth
from devices.scanner.simulated import SimulatedScanner
from devices.scanner.synthetic import DeskView, draw_page
from kiosk.catalogue.model import AttachmentSpec
from kiosk.documents import (
    CaptureResult,
    DocumentCapture,
    DocumentTooLargeError,
    NoPagesError,
    capture_for,
)
from kiosk.documents.capture import HINT_PAGE_LIMIT
from kiosk.documents.pdf import jpeg_geometry
from kiosk.i18n import LANGUAGES, Translator
from tests.kiosk.forms.samples import ANSWERS, fill, new_form, service

SPEC = AttachmentSpec("proof.scan", "GT_CHO_O_HOP_PHAP", max_pages=4)


class Feeder:
    """A sheet feeder's worth of drawn pages per press (the simulator's flatbed gives one)."""

    name = "feeder"
    dpi = 200

    def __init__(self, sizes: Sequence[PageSize], presses: int = 5) -> None:
        self.batches = [[ScannedImage(p, 200, s, assess(p, QualityLimits(), camera=False))
                         for s, p in ((s, draw_page(s, 200, number=i + 1)) for i, s in enumerate(sizes))]
                        for _ in range(presses)]

    def scan(self) -> list[ScannedImage]:
        return self.batches.pop(0)

    def check(self) -> ScannerHealth:
        return ScannerHealth(True, "feeder")


def flatbed(*script: str, size: PageSize = A4) -> SimulatedScanner:
    return SimulatedScanner(kind="flatbed", page_size=size, script=script)


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]


def test_pages_are_added_and_shown_as_small_pngs() -> None:
    capture = DocumentCapture(flatbed(), SPEC, preview_px=300)
    assert capture.add_page() == CaptureResult(1, "", 1)
    assert capture.add_page() == CaptureResult(1, "", 2)
    previews = capture.previews()
    assert len(previews) == 2 and all(p.startswith(b"\x89PNG") for p in previews)
    image = cv2.imdecode(np.frombuffer(previews[0], np.uint8), cv2.IMREAD_COLOR)
    assert max(image.shape[:2]) == 300
    assert capture.preview(1) == previews[1] and previews[0] != previews[1]   # page numbers differ
    assert capture.page_sizes() == ["A4", "A4"]


def test_a_page_with_a_hint_is_not_kept_and_the_hint_is_returned() -> None:
    capture = DocumentCapture(SimulatedScanner(script=["blurry", "glare"], view=DeskView(1600, 1300, 460.0)), SPEC)
    assert capture.add_page() == CaptureResult(0, HINT_BLURRY, 0)
    assert capture.add_page() == CaptureResult(0, HINT_GLARE, 0)
    assert capture.add_page() == CaptureResult(1, "", 1)


def test_retaking_replaces_the_page_in_place_and_a_refused_retake_keeps_it() -> None:
    scanner = SimulatedScanner(kind="flatbed", script=["ok", "ok", "ok", "blank"])
    capture = DocumentCapture(scanner, SPEC)
    capture.add_page()
    capture.add_page()
    first, second = capture.previews()
    assert capture.retake(0) == CaptureResult(1, "", 2)
    assert capture.previews()[0] not in (first, second) and capture.previews()[1] == second
    kept = capture.previews()
    assert capture.retake(1).hint_key == "documents.hint_blank"
    assert capture.previews() == kept
    with pytest.raises(IndexError):
        capture.retake(2)


def test_removing_a_page() -> None:
    capture = DocumentCapture(flatbed(), SPEC)
    for _ in range(3):
        capture.add_page()
    previews = capture.previews()
    capture.remove(1)
    assert capture.previews() == [previews[0], previews[2]]
    with pytest.raises(IndexError):
        capture.remove(5)


def test_the_page_limit_stops_scanning_and_trims_a_feeder() -> None:
    capture = DocumentCapture(Feeder([A4, A4, A4]), SPEC)   # four pages allowed
    assert capture.add_page() == CaptureResult(3, "", 3)
    assert capture.add_page() == CaptureResult(1, HINT_PAGE_LIMIT, 4, {"limit": 4})
    assert capture.add_page() == CaptureResult(0, HINT_PAGE_LIMIT, 4, {"limit": 4})   # nothing scanned


def test_scanner_errors_reach_the_caller_unchanged() -> None:
    capture = DocumentCapture(flatbed("jam"), SPEC)
    with pytest.raises(PaperJamError) as caught:
        capture.add_page()
    assert caught.value.message_key == "documents.paper_jam"
    assert capture.page_count == 0


def test_finish_makes_one_pdf_with_every_page_at_its_physical_size() -> None:
    capture = DocumentCapture(Feeder([A4, A5, ID1], presses=1), SPEC)
    capture.add_page()
    attachment = capture.finish()
    assert attachment.pages == 3 and attachment.component_code == "GT_CHO_O_HOP_PHAP"
    assert attachment.filename == "GT_CHO_O_HOP_PHAP.pdf" and attachment.media_type == "application/pdf"
    assert attachment.pdf.startswith(b"%PDF-1.4") and attachment.pdf.rstrip().endswith(b"%%EOF")
    # 72 points to the inch: A4 is 595.3 × 841.9 pt; pixel rounding adds at most a third of a point.
    sizes = pdf_pages(attachment.pdf)
    expected = [(210, 297), (148, 210), (53.98, 85.6)]
    assert len(sizes) == 3
    for (w, h), (w_mm, h_mm) in zip(sizes, expected, strict=True):
        assert w == pytest.approx(w_mm / 25.4 * 72, abs=0.4) and h == pytest.approx(h_mm / 25.4 * 72, abs=0.4)
    # Every page's JPEG is in the file as it is (DCTDecode), at 200 dpi.
    jpegs = re.findall(rb"stream\n(\xff\xd8.*?\xff\xd9)\nendstream", attachment.pdf, re.S)
    assert [jpeg_geometry(j)[:2] for j in jpegs] == [A4.pixels(200), A5.pixels(200), ID1.pixels(200)]
    assert capture.finish().pdf == attachment.pdf   # the same pages, the same bytes (stable hash on a retry)


def test_a_document_over_its_size_limit_is_compressed_harder_then_refused() -> None:
    capture = DocumentCapture(Feeder([A4, A4], presses=1), AttachmentSpec("f", "C", max_bytes=10_000_000))
    capture.add_page()
    natural = len(capture.finish().pdf)
    capture.attachment = AttachmentSpec("f", "C", max_bytes=natural * 3 // 4)
    squeezed = capture.finish()
    assert len(squeezed.pdf) <= natural * 3 // 4 and squeezed.pages == 2
    capture.attachment = AttachmentSpec("f", "C", max_bytes=natural // 50)
    with pytest.raises(DocumentTooLargeError) as caught:
        capture.finish()
    assert caught.value.message_key == "documents.too_large"
    assert caught.value.message_params["pages"] == 2
    Translator("vi").text(caught.value.message_key, **caught.value.message_params)   # the message fills in


def test_nothing_scanned_cannot_be_finished() -> None:
    with pytest.raises(NoPagesError):
        DocumentCapture(flatbed(), SPEC).finish()


def test_wipe_forgets_every_page() -> None:
    capture = DocumentCapture(flatbed(), SPEC)
    capture.add_page()
    capture.wipe()
    assert capture.page_count == 0 and capture.previews() == []


def test_the_pdf_is_what_the_form_takes_for_the_attachment_field() -> None:
    capture = capture_for(flatbed(), service("temporary_residence"), "proof.scan")
    assert capture.attachment.component_code == "GT_CHO_O_HOP_PHAP"
    capture.add_page()
    capture.add_page()
    attachment = capture.finish()
    form = new_form("temporary_residence")
    fill(form, {**ANSWERS["temporary_residence"], "proof.scan": attachment.form_value()})
    form.confirm()
    (pages,) = form.attachment_pages().values()
    assert [p.media_type for p in pages] == ["application/pdf"] and pages[0].data == attachment.pdf
    (sent,) = form.payload()["attachments"]  # type: ignore[misc]
    assert sent["sha256"] == attachment.sha256


def test_capture_for_an_unknown_field_is_refused() -> None:
    with pytest.raises(KeyError):
        capture_for(flatbed(), service("temporary_residence"), "applicant.phone")


@pytest.mark.parametrize("key", [
    "documents.hint_no_page", "documents.hint_blurry", "documents.hint_glare", "documents.hint_blank",
    "documents.page_limit", "documents.no_pages", "documents.too_large", "documents.scanner_unavailable",
    "documents.paper_jam", "documents.cover_open", "documents.no_paper", "ui.tech_check_scanner",
])
def test_every_hint_and_error_is_worded_in_both_languages(key: str) -> None:
    for language in LANGUAGES:
        assert Translator(language).text(key, limit=4, limit_mb="10", pages=3).strip()


def test_a_removed_card_wipes_the_pages_held_by_the_session() -> None:
    from tests.kiosk.session_fixtures import new_session, walk_to_steps

    session, _, _, _ = new_session()
    walk_to_steps(session)
    capture = DocumentCapture(flatbed(), SPEC)
    session.add_scan(capture)
    capture.add_page()
    session.card_removed()
    assert capture.page_count == 0 and not session.holds_citizen_data()

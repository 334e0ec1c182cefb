"""One document slot being scanned: the pages so far, each shown to the citizen, any one retaken or removed, and
at the end one PDF of them all, within the slot's page and size limits from the catalogue.

No Qt here: the journey (or a CLI) drives it and shows `previews()`; hints and errors are message keys
(`kiosk/i18n/documents.toml`) to show and read aloud. Pages live in memory only, as the JPEG that goes into the
PDF, and `wipe()` forgets them (register the capture with the session so a timeout or a removed card does it).

Usage::

    capture = capture_for(scanner, service, "old_card_scan")   # limits from the service's attachment field
    result = capture.add_page()        # CaptureResult(added, hint_key, hint_params, page_count)
    capture.previews()                 # PNG bytes per page, small enough for the screen
    capture.retake(0)                  # scan again in place of page 0 (kept if the new one is refused)
    capture.remove(1)
    attachment = capture.finish()      # DocumentAttachment: one PDF; attachment.form_value() for the form field
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from devices.scanner.scanner import DocumentScanner, ScannedImage
from kiosk.catalogue.model import AttachmentSpec, ServiceSpec
from kiosk.catalogue.schema import attachments_of
from kiosk.documents.pdf import PdfPage, build_pdf, encode_jpeg
from kiosk.forms.fields import ScannedPage

log = logging.getLogger(__name__)

HINT_PAGE_LIMIT = "documents.page_limit"
# Tried in order when the PDF is over the slot's size limit: still legible print at 200 dpi down to the last.
FALLBACK_QUALITIES = (70, 55, 40)


class DocumentError(Exception):
    """The document cannot be finished as it is; `message_key` tells the citizen what to do."""

    message_key = "documents.no_pages"

    def __init__(self, detail: str, **params: object) -> None:
        super().__init__(detail)
        self.message_params = params


class NoPagesError(DocumentError):
    message_key = "documents.no_pages"


class DocumentTooLargeError(DocumentError):
    message_key = "documents.too_large"


@dataclass(frozen=True)
class CaptureResult:
    added: int                    # pages taken in by this press (0 when refused)
    hint_key: str                 # "" or the message key of a hint to show and say
    page_count: int               # pages held now
    hint_params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentAttachment:
    """One document slot's pages as one PDF."""

    field_key: str
    component_code: str
    pdf: bytes = field(repr=False)
    pages: int
    media_type: str = "application/pdf"

    @property
    def filename(self) -> str:
        return f"{self.component_code}.pdf"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    def form_value(self) -> list[ScannedPage]:
        """The attachment field's value: the one PDF where a snapshot used to be."""
        return [ScannedPage(self.pdf, self.media_type)]

    def __repr__(self) -> str:
        return f"DocumentAttachment({self.component_code}, {self.pages} pages, {len(self.pdf)} bytes)"


@dataclass(frozen=True)
class _Page:
    pdf_page: PdfPage = field(repr=False)
    preview_png: bytes = field(repr=False)
    size_name: str


class DocumentCapture:
    def __init__(self, scanner: DocumentScanner, attachment: AttachmentSpec, *, jpeg_quality: int = 85,
                 preview_px: int = 480) -> None:
        if not 1 <= jpeg_quality <= 100 or preview_px < 16:
            raise ValueError("JPEG quality is 1–100 and previews at least 16 px")
        self.scanner = scanner
        self.attachment = attachment
        self.jpeg_quality = jpeg_quality
        self.preview_px = preview_px
        self._pages: list[_Page] = []

    @property
    def page_count(self) -> int:
        return len(self._pages)

    @property
    def max_pages(self) -> int:
        return self.attachment.max_pages

    def page_sizes(self) -> list[str]:
        """The size class of each page ("A4", "A5", "ID-1", …), for the screen's captions."""
        return [p.size_name for p in self._pages]

    # ----- scanning -----
    def add_page(self) -> CaptureResult:
        """Scan and keep what is usable; a sheet feeder may add several pages at once, up to the slot's limit.

        Raises the scanner's own `ScannerError` (paper jam, no paper, device gone) unchanged."""
        room = self.max_pages - len(self._pages)
        if room <= 0:
            return self._refused(HINT_PAGE_LIMIT, limit=self.max_pages)
        scanned = self.scanner.scan()
        good = [s for s in scanned if s.quality.ok]
        bad = next((s for s in scanned if not s.quality.ok), None)
        if bad is not None and not good:
            return self._refused(bad.quality.hint_key)
        kept = good[:room]
        self._pages.extend(self._page(s) for s in kept)
        if len(good) > room:
            return CaptureResult(len(kept), HINT_PAGE_LIMIT, len(self._pages), {"limit": self.max_pages})
        # A feeder's sheet that came out unusable among good ones is named, so it can be fed again.
        hint = bad.quality.hint_key if bad is not None else ""
        return CaptureResult(len(kept), hint, len(self._pages))

    def retake(self, index: int) -> CaptureResult:
        """Scan again in place of page `index` (0-based); the old page stays when the new scan is refused."""
        self._check_index(index)
        scanned = self.scanner.scan()
        good = next((s for s in scanned if s.quality.ok), None)
        if good is None:
            return self._refused(scanned[0].quality.hint_key if scanned else "documents.hint_no_page")
        self._pages[index] = self._page(good)
        return CaptureResult(1, "", len(self._pages))

    def remove(self, index: int) -> None:
        self._check_index(index)
        del self._pages[index]

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self._pages):
            raise IndexError(f"no page {index}; there are {len(self._pages)}")

    def _refused(self, hint: str, **params: object) -> CaptureResult:
        return CaptureResult(0, hint, len(self._pages), params)

    def _page(self, scanned: ScannedImage) -> _Page:
        import cv2

        pdf_page = replace(encode_jpeg(scanned.image, self.jpeg_quality), dpi=scanned.dpi)
        h, w = scanned.image.shape[:2]
        scale = self.preview_px / max(h, w)
        small = cv2.resize(scanned.image, (max(1, round(w * scale)), max(1, round(h * scale))),
                           interpolation=cv2.INTER_AREA)
        ok, png = cv2.imencode(".png", small)
        if not ok:
            raise ValueError("the preview cannot be encoded")
        return _Page(pdf_page, bytes(png), scanned.size.name)

    # ----- showing -----
    def previews(self) -> list[bytes]:
        """Each page as PNG bytes, its longer side `preview_px` pixels."""
        return [p.preview_png for p in self._pages]

    def preview(self, index: int) -> bytes:
        self._check_index(index)
        return self._pages[index].preview_png

    # ----- the end -----
    def finish(self) -> DocumentAttachment:
        """One PDF of every page in order. Over the slot's size limit, the pages are compressed harder
        (`FALLBACK_QUALITIES`); if even that does not fit, `DocumentTooLargeError` (remove a page)."""
        if not self._pages:
            raise NoPagesError("no page scanned")
        spec = self.attachment
        pages = [p.pdf_page for p in self._pages]
        pdf = build_pdf(pages, spec.component_code)
        for quality in FALLBACK_QUALITIES:
            if len(pdf) <= spec.max_bytes or quality >= self.jpeg_quality:
                continue
            log.info("document %s: %d bytes over its %d limit, recompressing at %d", spec.component_code, len(pdf),
                     spec.max_bytes, quality)
            pages = [_recompress(p, quality) for p in pages]
            pdf = build_pdf(pages, spec.component_code)
        if len(pdf) > spec.max_bytes:
            raise DocumentTooLargeError(f"{len(pdf)} bytes over the limit of {spec.max_bytes}",
                                        limit_mb=_megabytes(spec.max_bytes), pages=len(pages))
        return DocumentAttachment(spec.field, spec.component_code, pdf, len(pages))

    def wipe(self) -> None:
        self._pages.clear()


def _recompress(page: PdfPage, quality: int) -> PdfPage:
    import cv2

    image = cv2.imdecode(np.frombuffer(page.jpeg, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    return replace(encode_jpeg(image, quality), dpi=page.dpi)


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def capture_for(scanner: DocumentScanner, service: ServiceSpec, field_key: str, *, jpeg_quality: int = 85,
                preview_px: int = 480) -> DocumentCapture:
    """A capture for the attachment field `field_key` of `service`, with that field's limits."""
    for spec in attachments_of(service):
        if spec.field == field_key:
            return DocumentCapture(scanner, spec, jpeg_quality=jpeg_quality, preview_px=preview_px)
    raise KeyError(f"{service.code} has no attachment field {field_key}")

"""The document scanner as the kiosk sees it: one press gives one or more flat page images at a known resolution.

Three back ends meet this interface: a document camera looking down at the desk (`camera.py`, page found and
flattened with OpenCV), a flatbed or sheet-fed scanner through SANE's `scanimage` (`sane.py`), and a simulator
that draws pages (`simulated.py`). Each page comes with its physical size class and a quality verdict whose
`hint_key` names the spoken hint (blurred, glare, no page found); the kiosk decides what to do with it.

Paper sizes are ISO 216 (A4 210 × 297 mm, A5 148 × 210 mm) and ISO/IEC 7810 ID-1 (85.60 × 53.98 mm, the old
CMND and the CCCD card). Pixel sizes follow from millimetres and dots per inch (25.4 mm to the inch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
"""An H×W×3 BGR image, as OpenCV delivers it."""

MM_PER_INCH = 25.4
MIN_OUTPUT_DPI = 200  # below this, small print on an official paper is hard for an officer to read


@dataclass(frozen=True)
class PageSize:
    """A physical page size class, portrait (width ≤ height)."""

    name: str
    width_mm: float
    height_mm: float

    def pixels(self, dpi: int, *, landscape: bool = False) -> tuple[int, int]:
        """(width, height) in pixels at `dpi`, rounded up so the page is never under its resolution."""
        w = math.ceil(self.width_mm / MM_PER_INCH * dpi - 1e-9)
        h = math.ceil(self.height_mm / MM_PER_INCH * dpi - 1e-9)
        return (h, w) if landscape else (w, h)


A4 = PageSize("A4", 210.0, 297.0)
A5 = PageSize("A5", 148.0, 210.0)
ID1 = PageSize("ID-1", 53.98, 85.60)
SIZE_CLASSES = (A4, A5, ID1)


def size_class(long_mm: float, short_mm: float, classes: tuple[PageSize, ...] = SIZE_CLASSES) -> PageSize:
    """The size class nearest to a measured page (by the ratio of both sides, so A5 and ID-1 are told apart)."""
    if long_mm <= 0 or short_mm <= 0:
        raise ValueError("a page has positive sides")

    def distance(size: PageSize) -> float:
        return abs(math.log(long_mm / size.height_mm)) + abs(math.log(short_mm / size.width_mm))
    return min(classes, key=distance)


@dataclass(frozen=True)
class PageQuality:
    """How usable a page image is; `hint_key` is empty when it is fine, else the message key of the spoken hint."""

    sharpness: float          # variance of the Laplacian at a fixed working width (higher is sharper)
    glare_fraction: float     # share of the page's pixels that are blown out (0–1)
    hint_key: str = ""

    @property
    def ok(self) -> bool:
        return not self.hint_key


@dataclass(frozen=True)
class ScannedImage:
    """One flat page: the image in memory only, its output resolution and size class, and its quality."""

    image: Image = field(repr=False)
    dpi: int
    size: PageSize
    quality: PageQuality
    source_dpi: float = 0.0   # the resolution the device really saw (a camera's is often lower than `dpi`)

    def __repr__(self) -> str:
        h, w = self.image.shape[:2]
        return f"ScannedImage({w}x{h} px, {self.dpi} dpi, {self.size.name}, hint={self.quality.hint_key!r})"


class ScannerError(RuntimeError):
    """The scanner cannot deliver a page; `message_key` says what a person can do about it."""

    message_key = "documents.scanner_unavailable"


class ScannerNotFoundError(ScannerError):
    """No scanner at the configured place: a technician must check the cable, the device name or the driver."""


class PaperJamError(ScannerError):
    message_key = "documents.paper_jam"


class CoverOpenError(ScannerError):
    message_key = "documents.cover_open"


class NoPaperError(ScannerError):
    """A sheet feeder found no paper to pull."""

    message_key = "documents.no_paper"


@dataclass(frozen=True)
class ScannerHealth:
    ok: bool
    detail: str  # technical and non-personal, for the technician screen


@runtime_checkable
class DocumentScanner(Protocol):
    """Scans paper; `dpi` is the output resolution of every page it returns (at least `MIN_OUTPUT_DPI`)."""

    name: str
    dpi: int

    def scan(self) -> list[ScannedImage]:
        """One press: a camera or a flatbed gives one page, a sheet feeder every sheet in it. Raises
        `ScannerError` (or a subclass naming the paper problem) when nothing could be scanned."""

    def check(self) -> ScannerHealth:
        """A quick device test for the technician (opens the device; scans nothing a citizen placed)."""

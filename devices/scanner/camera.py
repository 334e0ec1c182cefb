"""A document camera looking down at the desk: the page is found in the frame, flattened, and checked.

Any `devices.camera.Camera` serves (a high-resolution USB/UVC document camera through OpenCV, or the simulated
camera playing drawn desk views). One press reads a few frames, keeps the sharpest one that shows a page, and
turns it into a flat page image of its size class at the output resolution (`quality.flatten_page`). The camera
is open only while scanning, so it is free for the face check in between.
"""

from __future__ import annotations

import logging

from devices.camera.camera import Camera, CameraError
from devices.scanner.quality import HINT_NO_PAGE, Corners, QualityLimits, assess, find_page, flatten_page, sharpness
from devices.scanner.scanner import (
    A4,
    MIN_OUTPUT_DPI,
    Image,
    PageQuality,
    ScannedImage,
    ScannerError,
    ScannerHealth,
    ScannerNotFoundError,
)

log = logging.getLogger(__name__)


class CameraDocumentScanner:
    """Pages from a camera whose view spans `bed_width_mm` of desk across the frame's width."""

    name = "document camera"

    def __init__(self, camera: Camera, *, bed_width_mm: float, dpi: int = MIN_OUTPUT_DPI, frames: int = 5,
                 warmup_frames: int = 2, limits: QualityLimits | None = None) -> None:
        if dpi < MIN_OUTPUT_DPI:
            raise ValueError(f"output resolution below {MIN_OUTPUT_DPI} dpi")
        if bed_width_mm <= 0 or frames < 1 or warmup_frames < 0:
            raise ValueError("bed width and frame count must be positive")
        self.camera = camera
        self.bed_width_mm = bed_width_mm
        self.dpi = dpi
        self.frames = frames
        self.warmup_frames = warmup_frames
        self.limits = limits or QualityLimits()

    @property
    def px_per_mm(self) -> float:
        return self.camera.width / self.bed_width_mm

    def scan(self) -> list[ScannedImage]:
        frames = self._read_frames()
        best: tuple[float, Image, Corners] | None = None
        for frame in frames:
            corners = find_page(frame, self.limits.min_page_fraction)
            if corners is None:
                continue
            # Sharpness of the whole view picks the steadiest frame (hands moving away, autofocus settling).
            score = sharpness(frame)
            if best is None or score > best[0]:
                best = (score, frame, corners)
        if best is None:
            log.info("document camera: no page outline in %d frames", len(frames))
            last = frames[-1]
            return [ScannedImage(last, self.dpi, A4, PageQuality(sharpness(last), 0.0, HINT_NO_PAGE))]
        _, frame, corners = best
        flat = flatten_page(frame, corners, self.px_per_mm, self.dpi)
        quality = assess(flat.image, self.limits)
        log.info("document camera: %s page, sharpness %.0f, glare %.3f, hint %s", flat.size.name, quality.sharpness,
                 quality.glare_fraction, quality.hint_key or "-")
        return [ScannedImage(flat.image, self.dpi, flat.size, quality, flat.source_dpi)]

    def _read_frames(self) -> list[Image]:
        try:
            self.camera.start()
        except CameraError as exc:
            raise ScannerNotFoundError(f"document camera: {exc}") from exc
        try:
            for _ in range(self.warmup_frames):  # auto exposure settles on the first frames
                self.camera.read()
            return [self.camera.read() for _ in range(self.frames)]
        except CameraError as exc:
            raise ScannerError(f"document camera: {exc}") from exc
        finally:
            self.camera.stop()

    def check(self) -> ScannerHealth:
        try:
            frames = self._read_frames()
        except ScannerError as exc:
            return ScannerHealth(False, str(exc))
        h, w = frames[-1].shape[:2]
        dpi = self.px_per_mm * 25.4
        ok = True
        detail = f"{self.name}: {w}x{h}, {dpi:.0f} dpi on the desk, output {self.dpi} dpi"
        if dpi < self.dpi / 2:
            # Resampling makes up pixels, not detail: a view this coarse loses small print.
            ok = False
            detail += "; the camera sees too coarsely (raise its resolution or narrow its view)"
        return ScannerHealth(ok, detail)

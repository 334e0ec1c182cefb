"""A scanner for demos and tests: drawn pages, seen by a simulated document camera or laid flat as a flatbed would.

`SimulatedScanner(kind="camera")` draws each page on a desk at a perspective and runs it through the real
document-camera path (page finding, flattening, blur and glare checks), so a demo shows what a kiosk with a
document camera does. `kind="flatbed"` returns the drawn pages flat, checked as the SANE back end checks them.
A `script` plays problems in order, one per press: "blurry", "glare", "no_page", "blank", "jam", "no_paper",
"cover_open"; "ok" (or the end of the script) is a good page. Only the composition root chooses it
(`scanner.backend = "simulated"`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from devices.camera.simulated import SimulatedCamera
from devices.scanner.camera import CameraDocumentScanner
from devices.scanner.quality import QualityLimits, assess
from devices.scanner.scanner import (
    A4,
    MIN_OUTPUT_DPI,
    CoverOpenError,
    NoPaperError,
    PageSize,
    PaperJamError,
    ScannedImage,
    ScannerError,
    ScannerHealth,
)
from devices.scanner.synthetic import DESK_BGR, PAPER_BGR, DeskView, desk_frame, draw_page

STEPS = ("ok", "blurry", "glare", "no_page", "blank", "jam", "no_paper", "cover_open")
_ERRORS: dict[str, type[ScannerError]] = {"jam": PaperJamError, "no_paper": NoPaperError,
                                          "cover_open": CoverOpenError}


class SimulatedScanner:
    name = "simulated scanner"

    def __init__(self, *, kind: Literal["camera", "flatbed"] = "camera", dpi: int = MIN_OUTPUT_DPI,
                 page_size: PageSize = A4, script: Sequence[str] = (), view: DeskView | None = None,
                 seed: int = 0) -> None:
        unknown = [step for step in script if step not in STEPS]
        if unknown:
            raise ValueError(f"unknown simulated scanner step {unknown[0]!r}; known: {', '.join(STEPS)}")
        if dpi < MIN_OUTPUT_DPI:
            raise ValueError(f"output resolution below {MIN_OUTPUT_DPI} dpi")
        self.kind = kind
        self.dpi = dpi
        self.page_size = page_size
        self.script = list(script)
        # About 150 dpi on the desk, as an 8-megapixel document camera over an A3 area.
        self.view = view or DeskView(frame_width=2480, frame_height=1860, bed_width_mm=420.0, seed=seed)
        self.seed = seed
        self.presses = 0
        self.limits = QualityLimits()

    def scan(self) -> list[ScannedImage]:
        step = self.script.pop(0) if self.script else "ok"
        self.presses += 1
        if step in _ERRORS:
            raise _ERRORS[step](f"{self.name}: {step}")
        if self.kind == "flatbed":
            page = draw_page(self.page_size, self.dpi, number=self.presses, seed=self.seed)
            if step == "blank":
                page[:] = PAPER_BGR
            return [ScannedImage(page, self.dpi, self.page_size, assess(page, self.limits, camera=False), self.dpi)]
        return self._camera(step).scan()

    def _camera(self, step: str) -> CameraDocumentScanner:
        view = self.view
        page = draw_page(self.page_size, 150, number=self.presses, seed=self.seed)
        if step == "blank":
            page[:] = PAPER_BGR
        blur = 4.0 if step == "blurry" else 0.0
        glare = 0.12 if step == "glare" else 0.0
        frame, _ = desk_frame(page, self.page_size, DeskView(
            view.frame_width, view.frame_height, view.bed_width_mm, view.skew, blur, glare, view.seed + self.presses))
        if step == "no_page":
            frame = np.full_like(frame, DESK_BGR)
        camera = SimulatedCamera(None, width=view.frame_width, height=view.frame_height, frames=[frame],
                                 realtime=False)
        return CameraDocumentScanner(camera, bed_width_mm=view.bed_width_mm, dpi=self.dpi, frames=1,
                                     warmup_frames=0, limits=self.limits)

    def check(self) -> ScannerHealth:
        return ScannerHealth(True, f"{self.name} ({self.kind}): {self.page_size.name}, {self.dpi} dpi")

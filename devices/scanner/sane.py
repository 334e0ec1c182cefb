"""A flatbed or sheet-fed scanner through SANE (Scanner Access Now Easy), driven by its `scanimage` front end.

`scanimage` comes with Debian's `sane-utils` and talks to every SANE back end (USB scanners, network scanners,
and the `test` back end used in the integration tests). Each press runs it in batch mode into a private temporary
folder: one page from the glass, or every sheet in the feeder when the source is a document feeder. Its exit
status is the SANE status code of the failure (SANE standard 1.0, `SANE_Status`: 6 jammed, 7 no documents,
8 cover open), which becomes the matching `ScannerError`. The scan area is the configured page size in
millimetres and the resolution at least `MIN_OUTPUT_DPI`; the device's own resolution is measured from the
image, since a scanner may round the one asked for.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from devices.scanner.quality import QualityLimits, assess
from devices.scanner.scanner import (
    MIN_OUTPUT_DPI,
    MM_PER_INCH,
    CoverOpenError,
    NoPaperError,
    PageSize,
    PaperJamError,
    ScannedImage,
    ScannerError,
    ScannerHealth,
    ScannerNotFoundError,
)

log = logging.getLogger(__name__)

SANE_STATUS_JAMMED = 6
SANE_STATUS_NO_DOCS = 7
SANE_STATUS_COVER_OPEN = 8
_STATUS_ERRORS: dict[int, type[ScannerError]] = {
    SANE_STATUS_JAMMED: PaperJamError, SANE_STATUS_NO_DOCS: NoPaperError, SANE_STATUS_COVER_OPEN: CoverOpenError,
}
# The same statuses as `sane_strstatus` words them, for when scanimage's exit status does not carry them (it can
# end with 0 after a failed read, having written no page).
_STATUS_TEXTS: dict[str, type[ScannerError]] = {
    "document feeder jammed": PaperJamError, "document feeder out of documents": NoPaperError,
    "scanner cover is open": CoverOpenError,
}
# A device name is passed to scanimage as one argument; it may not look like an option or hold spaces.
DEVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/@+=,\-]*")
_FEEDER_WORDS = ("feeder", "adf")
# Back-end options the configuration may add ("--test-picture=Grid", "--swdeskew=yes"): one long option each.
BACKEND_OPTION = re.compile(r"--[a-z0-9][a-z0-9-]*(=[^\x00-\x1f]*)?")


def is_feeder(source: str) -> bool:
    """Whether a SANE source name is a document feeder ("ADF", "ADF Duplex", "Automatic Document Feeder")."""
    return any(word in source.lower() for word in _FEEDER_WORDS)


class SaneScanner:
    """`device` is a SANE device name (`scanimage -L` lists real ones; empty: SANE's default device)."""

    name = "SANE scanner"

    def __init__(self, device: str = "", *, dpi: int = MIN_OUTPUT_DPI, page_width_mm: float = 210.0,
                 page_height_mm: float = 297.0, mode: str = "Color", source: str = "", max_sheets: int = 50,
                 timeout_s: float = 120.0, options: Sequence[str] = (), program: str = "scanimage") -> None:
        if device and not DEVICE_NAME.fullmatch(device):
            raise ValueError(f"not a SANE device name: {device!r}")
        bad = [o for o in options if not BACKEND_OPTION.fullmatch(o)]
        if bad:
            raise ValueError(f"not a scanimage back-end option (--name=value): {bad[0]!r}")
        if dpi < MIN_OUTPUT_DPI:
            raise ValueError(f"output resolution below {MIN_OUTPUT_DPI} dpi")
        self.device = device
        self.dpi = dpi
        self.page_width_mm = page_width_mm
        self.page_height_mm = page_height_mm
        self.mode = mode
        self.source = source
        self.max_sheets = max_sheets
        self.timeout_s = timeout_s
        self.options = tuple(options)
        self.program = program

    def _base_command(self) -> list[str]:
        path = shutil.which(self.program)
        if path is None:
            raise ScannerNotFoundError(f"{self.program} is not installed (Debian package sane-utils)")
        command = [path]
        if self.device:
            command.append(f"--device-name={self.device}")
        return command

    def scan(self) -> list[ScannedImage]:
        command = self._base_command()
        command += [f"--mode={self.mode}", f"--resolution={self.dpi}", "--format=png",
                    "-x", f"{self.page_width_mm:g}", "-y", f"{self.page_height_mm:g}"]
        if self.source:
            command.append(f"--source={self.source}")
        command += self.options
        sheets = self.max_sheets if is_feeder(self.source) else 1
        with tempfile.TemporaryDirectory(prefix="scan-") as folder:  # private (0700); the pages never stay on disk
            command += [f"--batch={folder}/page-%04d.png", f"--batch-count={sheets}"]
            result = self._run(command)
            paths = sorted(Path(folder).glob("page-*.png"))
            if result.returncode != 0 and not (paths and result.returncode == SANE_STATUS_NO_DOCS):
                raise self._error(result)
            if not paths:
                raise self._error(result)
            return [self._page(path) for path in paths]

    def _run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=self.timeout_s, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise ScannerError(f"{self.name}: no answer within {self.timeout_s:g} s") from exc
        except OSError as exc:
            raise ScannerNotFoundError(f"{self.name}: cannot start {self.program}: {exc.strerror}") from exc

    def _error(self, result: subprocess.CompletedProcess[str]) -> ScannerError:
        reason = _last_line(result.stderr)
        error = _STATUS_ERRORS.get(result.returncode)
        if error is None:
            error = next((e for text, e in _STATUS_TEXTS.items() if text in result.stderr.lower()), None)
        if error is not None:
            return error(f"{self.name}: {reason}")
        if "open of device" in reason:
            return ScannerNotFoundError(f"{self.name}: {reason}")
        return ScannerError(f"{self.name}: exit {result.returncode}: {reason}")

    def _page(self, path: Path) -> ScannedImage:
        import cv2

        image = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_COLOR)
        path.unlink()
        if image is None:
            raise ScannerError(f"{self.name}: the scanner sent an unreadable image")
        height, width = image.shape[:2]
        measured = width / (self.page_width_mm / MM_PER_INCH)
        if measured < MIN_OUTPUT_DPI * 0.98:
            raise ScannerError(f"{self.name}: the device scanned at {measured:.0f} dpi, below {MIN_OUTPUT_DPI}")
        # Whole pixels make the measured figure wobble by a fraction of a percent; a device that rounded the
        # resolution up (300 for 200) reports what it really delivered.
        dpi = self.dpi if abs(measured - self.dpi) <= 0.02 * self.dpi else round(measured)
        size = PageSize("scan area", width / dpi * MM_PER_INCH, height / dpi * MM_PER_INCH)
        page = np.asarray(image, dtype=np.uint8)
        return ScannedImage(page, dpi, size, assess(page, QualityLimits(), camera=False), measured)

    def check(self) -> ScannerHealth:
        """Opens the device and sets its options without scanning (`--dont-scan`)."""
        try:
            command = [*self._base_command(), f"--resolution={self.dpi}", "--dont-scan"]
            if self.source:
                command.append(f"--source={self.source}")
            result = self._run(command)
        except ScannerError as exc:
            return ScannerHealth(False, str(exc))
        if result.returncode != 0:
            return ScannerHealth(False, str(self._error(result)))
        where = self.device or "default device"
        feeder = ", document feeder" if is_feeder(self.source) else ""
        return ScannerHealth(True, f"{self.name} {where}: ready, {self.dpi} dpi{feeder}")


def _last_line(text: str) -> str:
    """The device's own complaint (scanimage's `sane_…:` lines) or else the last line it wrote."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sane = [line for line in lines if "sane_" in line or "open of device" in line]
    return (sane or lines or ["no message"])[-1][:200]

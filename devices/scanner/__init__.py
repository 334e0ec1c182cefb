"""Document scanners: the `DocumentScanner` interface, an OpenCV document-camera back end, a SANE back end for
flatbed and sheet-fed scanners, and a simulator that draws synthetic pages."""

from devices.scanner.scanner import (
    A4,
    A5,
    ID1,
    CoverOpenError,
    DocumentScanner,
    NoPaperError,
    PageQuality,
    PageSize,
    PaperJamError,
    ScannedImage,
    ScannerError,
    ScannerHealth,
    ScannerNotFoundError,
)

__all__ = [
    "A4", "A5", "ID1", "CoverOpenError", "DocumentScanner", "NoPaperError", "PageQuality", "PageSize", "PaperJamError",
    "ScannedImage", "ScannerError", "ScannerHealth", "ScannerNotFoundError",
]

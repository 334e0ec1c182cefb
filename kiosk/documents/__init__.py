"""Paper documents handed in at the kiosk: pages scanned one by one, checked, shown, retaken, and made into one
PDF per document slot (`capture.DocumentCapture`)."""

from kiosk.documents.capture import (
    CaptureResult,
    DocumentAttachment,
    DocumentCapture,
    DocumentError,
    DocumentTooLargeError,
    NoPagesError,
    capture_for,
)

__all__ = ["CaptureResult", "DocumentAttachment", "DocumentCapture", "DocumentError", "DocumentTooLargeError",
           "NoPagesError", "capture_for"]

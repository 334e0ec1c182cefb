"""QR codes from camera frames: the `QrScanner` interface, a zxing-cpp back end and a scripted simulator."""

from devices.qr.scanner import QrCode, QrScanner, QrScannerUnavailableError

__all__ = ["QrCode", "QrScanner", "QrScannerUnavailableError"]

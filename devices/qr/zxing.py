"""`ZxingQrScanner`: QR codes (and Micro QR) decoded with zxing-cpp from BGR or grey frames."""

from __future__ import annotations

import numpy as np

from devices.qr.scanner import Frame, QrCode, QrScannerUnavailableError


class ZxingQrScanner:
    def __init__(self, try_harder: bool = True) -> None:
        self.try_harder = try_harder  # rotated, inverted and downscaled searches: slower, kinder to shaky hands

    def decode(self, frame: Frame) -> list[QrCode]:
        try:
            import zxingcpp
        except ImportError as exc:
            raise QrScannerUnavailableError("zxing-cpp is not installed") from exc
        formats = zxingcpp.barcode_formats_from_str("QRCode,MicroQRCode")
        image = np.ascontiguousarray(frame)
        found = zxingcpp.read_barcodes(image, formats=formats, try_rotate=self.try_harder,
                                       try_downscale=self.try_harder, try_invert=self.try_harder)
        codes = []
        for barcode in found:
            if not barcode.valid:
                continue
            p = barcode.position
            corners = tuple((int(c.x), int(c.y)) for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
            codes.append(QrCode(text=barcode.text, corners=corners, raw=bytes(barcode.bytes)))
        return codes

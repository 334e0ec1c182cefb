"""A QR code as a module matrix the screen can draw, or as PNG bytes (ISO/IEC 18004, error correction M).

The journey core hands the matrix to the UI; the printed receipt draws the same payload with reportlab's QR
flowable. Module 0,0 is the top-left one; a quiet zone of four modules is added only to the PNG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

QUIET_ZONE = 4  # modules of white around the symbol that ISO/IEC 18004 requires


@dataclass(frozen=True)
class QrMatrix:
    payload: str
    modules: tuple[tuple[bool, ...], ...]  # rows of dark (True) / light modules

    @property
    def size(self) -> int:
        return len(self.modules)

    def png(self, scale: int = 8) -> bytes:
        """Black on white, `scale` pixels per module, with the quiet zone."""
        from PIL import Image

        if not 1 <= scale <= 64:
            raise ValueError("scale must be 1-64 pixels per module")
        side = (self.size + 2 * QUIET_ZONE) * scale
        image = Image.new("1", (side, side), 1)
        pixels = image.load()
        assert pixels is not None
        for r, row in enumerate(self.modules):
            for c, dark in enumerate(row):
                if dark:
                    top, left = (r + QUIET_ZONE) * scale, (c + QUIET_ZONE) * scale
                    for y in range(top, top + scale):
                        for x in range(left, left + scale):
                            pixels[x, y] = 0
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def qr_matrix(payload: str) -> QrMatrix:
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    n = code.getModuleCount()
    return QrMatrix(payload, tuple(tuple(bool(code.isDark(r, c)) for c in range(n)) for r in range(n)))

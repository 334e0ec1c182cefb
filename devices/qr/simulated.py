"""`SimulatedQrScanner`: returns scripted QR texts, one per call after a configurable number of empty frames."""

from __future__ import annotations

from collections.abc import Sequence

from devices.qr.scanner import Frame, QrCode


class SimulatedQrScanner:
    """Finds nothing for `frames_before_code` frames, then the next scripted text; cycles through `texts`."""

    def __init__(self, texts: Sequence[str], frames_before_code: int = 0) -> None:
        self.texts = list(texts)
        self.frames_before_code = frames_before_code
        self._scans = 0
        self._next = 0

    def decode(self, frame: Frame) -> list[QrCode]:
        del frame
        self._scans += 1
        if not self.texts or self._scans <= self.frames_before_code:
            return []
        text = self.texts[self._next % len(self.texts)]
        self._next += 1
        self._scans = 0
        return [QrCode(text=text, raw=text.encode("utf-8"))]

"""Reading QR codes from camera frames: the QR on the front of a CCCD (ISO/IEC 18004 symbol) and receipt QRs.

One small interface, `QrScanner`, takes a BGR frame and returns the codes found in it. The real back end is
zxing-cpp (`zxing.py`); `simulated.py` returns scripted texts for the demo and tests. A CCCD's QR holds personal
data (ID number, name, date of birth, address), so a decoded code never shows its text in a repr or a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]


class QrScannerUnavailableError(RuntimeError):
    """The decoding library is missing: a technician must reinstall the kiosk's packages."""

    message_key = "face.check_unavailable"


@dataclass(frozen=True)
class QrCode:
    text: str = field(repr=False)
    corners: tuple[tuple[int, int], ...] = ()   # top-left, top-right, bottom-right, bottom-left in frame pixels
    raw: bytes = field(default=b"", repr=False)

    def __repr__(self) -> str:
        return f"QrCode({len(self.text)} characters, <content hidden>)"

    __str__ = __repr__


@runtime_checkable
class QrScanner(Protocol):
    def decode(self, frame: Frame) -> list[QrCode]:
        """Every readable QR code in the frame (an empty list when there is none)."""

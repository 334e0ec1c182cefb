"""The on-screen code decodes back to the exact VietQR payload (read with zxing-cpp, not the encoder used)."""

from __future__ import annotations

import io

import numpy as np
import zxingcpp
from PIL import Image

from kiosk.payment import AgencyAccount, qr_matrix, vietqr_payload


def test_matrix_and_png_decode_to_the_payload() -> None:
    payload = vietqr_payload(AgencyAccount("970403", "0011001234567", "UBND PHUONG DEMO"), 200000,
                             "000.00.01.H26-261202-0001")
    matrix = qr_matrix(payload)
    assert matrix.size >= 21 and (matrix.size - 17) % 4 == 0  # a QR version's side: 17 + 4·version modules
    assert all(len(row) == matrix.size for row in matrix.modules)
    image = Image.open(io.BytesIO(matrix.png(scale=4)))
    assert image.size == ((matrix.size + 8) * 4,) * 2
    found = zxingcpp.read_barcodes(np.array(image.convert("L")))
    assert [code.text for code in found] == [payload]

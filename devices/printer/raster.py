"""Turning a rendered PDF into the 1-bit page images a thermal head prints.

A 203 dpi ESC/POS printer on 80 mm paper prints a 72 mm band of 576 dots (8 dots per mm). The kiosk's roll
documents are 80 mm wide with 4 mm side margins, so each page is rasterised by poppler's `pdftoppm` at exactly
8 dots/mm (203.2 dpi) and the margins are cropped off; pixels are thresholded, not dithered, so letters stay
crisp. (Measured in bench/print.py: pdftoppm costs about 20 ms per receipt, next to seconds of
printing, so a second renderer drawing straight to an image is not worth keeping in step.)
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

from PIL import Image

DOTS_PER_MM = 8
PRINTABLE_DOTS = 576
_THRESHOLD = 160


class RasterError(RuntimeError):
    message_key = "printer.print_failed"


def pdf_to_bitmaps(pdf: bytes, *, dots_per_mm: int = DOTS_PER_MM, width_dots: int = PRINTABLE_DOTS,
                   timeout_s: float = 30.0) -> list[Image.Image]:
    """One mode-"1" image per page, `width_dots` wide (centre-cropped, or padded white if narrower)."""
    if shutil.which("pdftoppm") is None:
        raise RasterError("pdftoppm (poppler-utils) is not installed")
    dpi = dots_per_mm * 25.4
    try:
        # Raw PGM, not PNG: compressing the page only to decompress it again costs ten times the rendering.
        completed = subprocess.run(["pdftoppm", "-r", f"{dpi:.1f}", "-gray", "-"], input=pdf,
                                   capture_output=True, check=True, timeout=timeout_s)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise RasterError(f"could not rasterise the document: {exc}") from exc
    pages = list(_read_pgm_stream(completed.stdout))
    if not pages:
        raise RasterError("the document has no pages")
    return [_fit(page, width_dots) for page in pages]


def _read_pgm_stream(data: bytes) -> Iterator[Image.Image]:
    """Split pdftoppm's output, binary PGM pages ("P5 width height 255", then the pixels) back to back."""
    position = 0
    while position < len(data):
        tokens: list[bytes] = []
        while len(tokens) < 4:
            while data[position:position + 1].isspace():
                position += 1
            end = position
            while end < len(data) and not data[end:end + 1].isspace():
                end += 1
            if end == position:
                raise RasterError("truncated page image from pdftoppm")
            tokens.append(data[position:end])
            position = end
        position += 1  # the single whitespace byte that ends the header
        if tokens[0] != b"P5" or tokens[3] != b"255":
            raise RasterError("unexpected page image format from pdftoppm")
        width, height = int(tokens[1]), int(tokens[2])
        pixels = data[position:position + width * height]
        if len(pixels) != width * height:
            raise RasterError("truncated page image from pdftoppm")
        position += width * height
        yield Image.frombytes("L", (width, height), pixels)


def _fit(page: Image.Image, width: int) -> Image.Image:
    if page.width > width:
        left = (page.width - width) // 2
        page = page.crop((left, 0, left + width, page.height))
    elif page.width < width:
        padded = Image.new("L", (width, page.height), 255)
        padded.paste(page, ((width - page.width) // 2, 0))
        page = padded
    return page.point(lambda v: 255 if v >= _THRESHOLD else 0).convert("1", dither=Image.Dither.NONE)

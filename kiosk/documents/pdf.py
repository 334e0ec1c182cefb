"""One PDF per document: the pages of an attachment in order, each at its physical size.

The file is written directly to ISO 32000-1 (PDF 1.4 subset): a catalogue, a page tree, and per page one image
XObject holding the page's JPEG bytes unchanged (`/Filter /DCTDecode`, §7.4.8), drawn over the whole page. The
page size in points is the image's size at its resolution (72 points to the inch, §8.3.2.3), so an A4 page shows
and prints as A4. Writing it here rather than through a drawing library keeps the JPEG bytes as they are (no
ASCII85 wrapping, which would add a quarter to a size-limited upload) and makes the output deterministic: the
same pages give the same bytes and so the same SHA-256 on a retry. The only metadata is the document slot's
code as the title, never anything about the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

POINTS_PER_INCH = 72
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2})  # baseline, extended sequential, progressive


@dataclass(frozen=True)
class PdfPage:
    jpeg: bytes = field(repr=False)
    width_px: int
    height_px: int
    dpi: int
    components: int = 3   # 1 grey, 3 colour


def encode_jpeg(image: object, quality: int) -> PdfPage:
    """A page from a BGR or grey image: its baseline JPEG at `quality` (1–100); dpi is set by the caller."""
    import cv2

    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])  # type: ignore[call-overload]
    if not ok:
        raise ValueError("the page image cannot be encoded as JPEG")
    width, height, components = jpeg_geometry(bytes(data))
    return PdfPage(bytes(data), width, height, 0, components)


def jpeg_geometry(jpeg: bytes) -> tuple[int, int, int]:
    """(width, height, colour components) from a JPEG's start-of-frame segment (ITU-T T.81 §B.2.2)."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG image")
    i = 2
    while i + 4 <= len(jpeg):
        if jpeg[i] != 0xFF:
            raise ValueError("damaged JPEG image")
        marker = jpeg[i + 1]
        length = int.from_bytes(jpeg[i + 2:i + 4], "big")
        if marker in _SOF_MARKERS:
            height = int.from_bytes(jpeg[i + 5:i + 7], "big")
            width = int.from_bytes(jpeg[i + 7:i + 9], "big")
            return width, height, jpeg[i + 9]
        i += 2 + length
    raise ValueError("a JPEG image without a frame header")


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def build_pdf(pages: Sequence[PdfPage], title: str) -> bytes:
    """A PDF with one page per image, in order."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    if any(p.dpi <= 0 for p in pages):
        raise ValueError("every page needs its resolution")
    safe_title = "".join(c for c in title if (c.isascii() and c.isalnum()) or c in "._- ")[:64]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalogue = add(b"")  # filled in once the page tree's number is known
    page_tree = add(b"")
    info = add(f"<< /Title ({safe_title}) /Producer (kiosk) >>".encode())
    kids: list[int] = []
    for page in pages:
        width = page.width_px / page.dpi * POINTS_PER_INCH
        height = page.height_px / page.dpi * POINTS_PER_INCH
        space = "/DeviceGray" if page.components == 1 else "/DeviceRGB"
        image = add(
            f"<< /Type /XObject /Subtype /Image /Width {page.width_px} /Height {page.height_px} "
            f"/ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {len(page.jpeg)} >>\n"
            .encode() + b"stream\n" + page.jpeg + b"\nendstream")
        drawing = f"q {_number(width)} 0 0 {_number(height)} 0 0 cm /Im0 Do Q".encode()
        content = add(f"<< /Length {len(drawing)} >>\n".encode() + b"stream\n" + drawing + b"\nendstream")
        kids.append(add(
            f"<< /Type /Page /Parent {page_tree} 0 R /MediaBox [0 0 {_number(width)} {_number(height)}] "
            f"/Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {content} 0 R >>".encode()))
    objects[catalogue - 1] = f"<< /Type /Catalog /Pages {page_tree} 0 R >>".encode()
    objects[page_tree - 1] = (f"<< /Type /Pages /Count {len(kids)} /Kids ["
                              + " ".join(f"{k} 0 R" for k in kids) + "] >>").encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalogue} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)

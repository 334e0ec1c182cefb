"""Shared page layout for kiosk documents: paper sizes, type styles, the QR/barcode header and the
height-to-fit build for roll paper.

The QR code sits top-left (Circular 01/2023/TT-VPCP) and is drawn with reportlab's own ISO/IEC 18004 widget;
the file code is repeated as a Code 128 barcode (ISO/IEC 15417). On 80 mm roll paper the page is exactly as tall
as its content; the printable band is 72 mm (576 dots at 203 dpi), so the side margins are 4 mm.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.barcode.qr import QrCode
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from printing import fonts
from printing.documents import Issuer, Paper, RenderedDocument
from printing.labels import Language, both

ROLL_WIDTH_MM = 80.0
ROLL_MARGIN_MM = 4.0
A4_MARGIN_MM = 18.0
# Narrowest Code 128 module a 203 dpi thermal head draws as at least ~2 dots and a phone or scanner still reads.
MIN_MODULE_MM = 0.23
MAX_MODULE_MM = 0.40


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    agency: ParagraphStyle
    code: ParagraphStyle
    code_long: ParagraphStyle
    huge: ParagraphStyle
    qr_mm: float
    barcode_height_mm: float
    national_heading: bool


def styles_for(paper: Paper) -> Styles:
    fonts.register_fonts()
    size = 9.0 if paper == "80mm" else 11.0
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=size, leading=size * 1.3, spaceAfter=1.5)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=size - 2, leading=(size - 2) * 1.3),
        title=ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=size + 1, leading=(size + 1) * 1.25,
                             alignment=TA_CENTER, spaceBefore=2, spaceAfter=4),
        agency=ParagraphStyle("agency", parent=body, fontName=fonts.BOLD, fontSize=size, leading=size * 1.25),
        code=ParagraphStyle("code", parent=body, fontName=fonts.BOLD, fontSize=size + 3, leading=(size + 3) * 1.25,
                            alignment=TA_CENTER),
        code_long=ParagraphStyle("code_long", parent=body, fontName=fonts.BOLD, fontSize=size - 1,
                                 leading=(size - 1) * 1.25, alignment=TA_CENTER),
        huge=ParagraphStyle("huge", parent=body, fontName=fonts.BOLD, fontSize=54 if paper == "80mm" else 72,
                            leading=(54 if paper == "80mm" else 72) * 1.1, alignment=TA_CENTER),
        qr_mm=26.0 if paper == "80mm" else 34.0,
        barcode_height_mm=11.0 if paper == "80mm" else 14.0,
        national_heading=paper == "a4",
    )


def content_width(paper: Paper) -> float:
    """Usable width in points."""
    if paper == "80mm":
        return float((ROLL_WIDTH_MM - 2 * ROLL_MARGIN_MM) * mm)
    return float(A4[0] - 2 * A4_MARGIN_MM * mm)


def clean(text: str) -> str:
    """NFC-normalised and escaped for reportlab's paragraph markup (card data may arrive decomposed)."""
    return escape(unicodedata.normalize("NFC", text))


def label_html(key: str, language: Language, **params: object) -> str:
    vi, en = both(key, language, **params)
    return f"<b>{clean(vi)}</b>" + (f" <i>({clean(en)})</i>" if en else "")


def field(key: str, value: str, style: ParagraphStyle, language: Language) -> Paragraph:
    """A wrapped "Label: value" line; long names and places wrap under themselves."""
    return Paragraph(f"{label_html(key, language)}: {clean(value)}", style)


def paired(key: str, language: Language, **params: object) -> str:
    """A value in Vietnamese, with the English in brackets after it when the citizen chose English."""
    vi, en = both(key, language, **params)
    return vi + (f" ({en})" if en else "")


def sentence(key: str, style: ParagraphStyle, language: Language, **params: object) -> list[Flowable]:
    vi, en = both(key, language, **params)
    out: list[Flowable] = [Paragraph(clean(vi), style)]
    if en:
        out.append(Paragraph(f"<i>{clean(en)}</i>", style))
    return out


def qr_code(payload: str, size_mm: float) -> Flowable:
    """reportlab's QR flowable: it paints module runs straight onto the canvas, several times faster than the
    Drawing widget that builds one shape object per run."""
    side = size_mm * mm
    flowable: Flowable = QrCode(payload, width=side, height=side, qrBorder=2, qrLevel="M")
    return flowable


def barcode(value: str, width: float, height_mm: float) -> list[Flowable]:
    """Code 128 of `value`, modules as wide as the band allows (the page margins are its quiet zone).

    A value too long to fit with modules a thermal head can still draw (e.g. a 36-character queue reference on
    80 mm paper) gets no barcode: the QR code carries it anyway, and an unreadable barcode is worse than none.
    """
    probe = createBarcodeDrawing("Code128", value=value, barWidth=1.0, barHeight=1.0, quiet=False,
                                 humanReadable=False)
    module = min(MAX_MODULE_MM * mm, width / float(probe.width))
    if module < MIN_MODULE_MM * mm:
        return []
    drawing: Drawing = createBarcodeDrawing("Code128", value=value, barWidth=module, barHeight=height_mm * mm,
                                            quiet=False, humanReadable=False)
    drawing.hAlign = "CENTER"
    return [drawing]


def code_style(value: str, st: Styles) -> ParagraphStyle:
    """The big file-code style, stepped down for long references so they stay on one line."""
    return st.code if len(value) <= 26 else st.code_long


def header(payload: str, agency: str, title_key: str, st: Styles, width: float, *, language: Language) -> Table:
    """QR code top-left, the issuing agency and document title beside it."""
    qr_side = st.qr_mm * mm
    vi, en = both(title_key, language)
    right: list[Flowable] = []
    if st.national_heading:
        right += [Paragraph(clean(both("common.national_title", "vi")[0]), st.agency),
                  Paragraph(f"<u>{clean(both('common.national_motto', 'vi')[0])}</u>", st.agency),
                  Spacer(1, 3 * mm)]
    right += [Paragraph(clean(agency), st.agency), Spacer(1, 2 * mm), Paragraph(clean(vi), st.agency)]
    if en:
        right.append(Paragraph(f"<i>{clean(en)}</i>", st.small))
    table = Table([[qr_code(payload, st.qr_mm), right]], colWidths=[qr_side + 2 * mm, width - qr_side - 2 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def kiosk_footer(issuer: Issuer, st: Styles, language: Language, printed_at: str = "") -> Paragraph:
    """The small last line every document ends with: (when it was printed,) this kiosk and the hotline."""
    parts = [f"{label_html('common.printed_at', language)}: {printed_at}"] if printed_at else []
    parts += [f"{label_html('common.kiosk', language)}: {clean(issuer.kiosk_id)}",
              f"{label_html('common.hotline', language)}: {clean(issuer.hotline)}"]
    return Paragraph(" · ".join(parts), st.small)


def rule(width: float) -> Table:
    table = Table([[""]], colWidths=[width], rowHeights=[2 * mm])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.6, "black"),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def build(flowables: list[Flowable], paper: Paper, title: str) -> RenderedDocument:
    """Lay the flowables out on A4 pages, or on one roll page exactly as tall as they need."""
    width = content_width(paper)
    if paper == "80mm":
        margin = ROLL_MARGIN_MM * mm
        page_w = ROLL_WIDTH_MM * mm
        needed = 0.0
        for flowable in flowables:
            _, h = flowable.wrap(width, 10_000 * mm)
            needed += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        # A little slack: paragraphs may wrap a hair differently on the real pass.
        page_h = needed + 2 * margin + 3 * mm
    else:
        margin = A4_MARGIN_MM * mm
        page_w, page_h = A4
    buffer = BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(page_w, page_h), leftMargin=margin, rightMargin=margin,
                          topMargin=margin, bottomMargin=margin, title=title, author="kiosk",
                          creator="kiosk printing", invariant=1)
    frame = Frame(margin, margin, width, page_h - 2 * margin, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(flowables)
    return RenderedDocument(pdf=buffer.getvalue(), title=title, page_width_mm=page_w / mm,
                            page_height_mm=page_h / mm, pages=doc.page)

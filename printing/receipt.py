"""The one-stop receipt and appointment slip ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", Circular
01/2018/TT-VPCP Form 01) with the QR code of Circular 01/2023/TT-VPCP top-left, on 80 mm roll or A4.

It shows the file code (also as Code 128), the receiving agency, the applicant's name with the ID masked, the
procedure and documents received, processing time, received and appointment times, the delivery channel, plain
next steps and the hotline. The applicant's address is never printed.
"""

from __future__ import annotations

from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from printing import layout
from printing.documents import Paper, ReceiptData, ReceiptPayment, RenderedDocument
from printing.labels import Language, both, text
from printing.layout import paired
from printing.qr_payload import ReceiptQrPayload, encode
from printing.redaction import mask_id_number

DATE = "%d/%m/%Y"
DATE_TIME = "%H:%M %d/%m/%Y"
VIETQR_MM = 32.0  # a banking app reads a code this size from a phone held at arm's length


def qr_payload_for(data: ReceiptData) -> ReceiptQrPayload:
    return ReceiptQrPayload(
        kind="receipt", file_code=data.file_code, procedure_code=data.procedure_code,
        masked_id=mask_id_number(data.id_number), issued_at=data.received_at.replace(second=0, microsecond=0),
        appointment=_day(data.appointment_at), issuer=data.issuer.kiosk_id)


def render_receipt(data: ReceiptData, paper: Paper = "80mm") -> RenderedDocument:
    st = layout.styles_for(paper)
    width = layout.content_width(paper)
    lang = data.language
    body = st.body
    story: list[Flowable] = [
        layout.header(encode(qr_payload_for(data)), data.issuer.agency_name,
                      "receipt.supplement_title" if data.supplement else "receipt.title", st, width, language=lang),
        Spacer(1, 3 * mm),
        Paragraph(layout.label_html("receipt.local_reference" if data.pending_upload else "receipt.file_code",
                                    lang), st.body),
        Paragraph(layout.clean(data.file_code), layout.code_style(data.file_code, st)),
        Spacer(1, 1 * mm),
        *layout.barcode(data.file_code, width, st.barcode_height_mm),
        Spacer(1, 2 * mm),
    ]
    if data.pending_upload:
        story += layout.sentence("receipt.pending_note", st.small, lang)
    story += [
        layout.rule(width),
        layout.field("receipt.applicant", data.applicant_name, body, lang),
        layout.field("receipt.id_number", mask_id_number(data.id_number), body, lang),
        layout.field("receipt.supplement_of" if data.supplement else "receipt.procedure",
                     f"{data.procedure_name} ({data.procedure_code})" if data.procedure_code else data.procedure_name,
                     body, lang),
    ]
    if data.parts:
        story.append(Paragraph(layout.label_html("receipt.parts", lang) + ":", body))
        for number, part in enumerate(data.parts, start=1):
            line = text("receipt.part_line", "vi", n=number, name=part.name, code=part.procedure_code,
                        file_code=part.file_code or text("receipt.part_waiting", "vi"), status=part.status)
            story.append(Paragraph(layout.clean(line), body))
    if data.documents:
        story.append(Paragraph(layout.label_html("receipt.documents", lang) + ":", body))
        for number, document in enumerate(data.documents, start=1):
            copies = text("receipt.copies", "vi", count=document.copies)
            story.append(Paragraph(f"{number}. {layout.clean(document.name)} — {layout.clean(copies)}", body))
    if data.processing_days is not None:
        story.append(layout.field("receipt.processing_time", paired("receipt.working_days", lang,
                                                                   days=data.processing_days), body, lang))
    story.append(layout.field("receipt.received_at", data.received_at.strftime(DATE_TIME), body, lang))
    if data.appointment_at is not None:
        story.append(layout.field("receipt.appointment", _when(data.appointment_at), st.agency, lang))
    story.append(layout.field("receipt.delivery", paired(f"receipt.delivery.{data.delivery}", lang), body, lang))
    if data.payment is not None:
        story += [layout.rule(width), *payment_section(data.payment, st, lang)]
    story += [layout.rule(width), Paragraph(layout.label_html("receipt.next_steps", lang) + ":", body)]
    for line in next_steps(data):
        story.append(Paragraph("• " + layout.clean(line), body))
    story += [
        layout.rule(width),
        layout.kiosk_footer(data.issuer, st, lang),
    ]
    story += layout.sentence("receipt.keep", st.small, lang)
    return layout.build(story, paper, title=f"receipt {data.file_code}")


def payment_section(payment: ReceiptPayment, st: layout.Styles, lang: Language) -> list[Flowable]:
    """Amount, method, reference and whether it is paid; while awaited, the VietQR code to pay it later."""
    amount = f"{payment.amount_vnd:,}".replace(",", ".")  # Vietnamese groups thousands with dots
    story: list[Flowable] = [
        layout.field("receipt.fee", paired("receipt.amount", lang, amount=amount), st.agency, lang),
        layout.field("receipt.payment_method", paired(f"receipt.method.{payment.method}", lang), st.body, lang),
    ]
    if payment.reference:
        story.append(layout.field("receipt.payment_reference", payment.reference, st.body, lang))
    if payment.state == "paid":
        when = payment.paid_at.strftime(DATE_TIME) if payment.paid_at is not None else ""
        story += layout.sentence("receipt.payment_paid", st.body, lang, time=when)
        return story
    story += layout.sentence("receipt.payment_awaiting", st.agency, lang)
    if payment.qr_payload:
        story += layout.sentence("receipt.pay_with_qr", st.small, lang)
        code = layout.qr_code(payment.qr_payload, VIETQR_MM)
        code.hAlign = "CENTER"
        story += [Spacer(1, 1 * mm), code]
    return story


def next_steps(data: ReceiptData) -> list[str]:
    """Plain-language steps in Vietnamese, each followed by its English text when the citizen chose English."""
    steps: list[tuple[str, dict[str, object]]] = []
    if data.delivery == "counter" and data.appointment_at is not None:
        place = data.issuer.pickup_place or text("receipt.one_stop_of", "vi", agency=data.issuer.agency_name)
        steps.append(("receipt.next.bring_card", {"place": place, "date": data.appointment_at.strftime(DATE)}))
    elif data.delivery == "post":
        steps.append(("receipt.next.wait_post", {}))
    elif data.delivery == "online":
        steps.append(("receipt.next.wait_online", {}))
    steps.append(("receipt.next.lookup", {"hotline": data.issuer.hotline}))
    lines: list[str] = []
    for key, params in steps:
        vi, en = both(key, data.language, **params)
        lines.append(vi)
        if en:
            lines.append(en)
    return lines + list(data.extra_notes)


def _day(moment: datetime | date | None) -> date | None:
    if isinstance(moment, datetime):
        return moment.date()
    return moment


def _when(moment: datetime | date) -> str:
    return moment.strftime(DATE_TIME if isinstance(moment, datetime) else DATE)

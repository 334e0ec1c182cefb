"""The hospital exam slip ("phiếu khám bệnh") printed after a BHYT check-in: a large queue number, room and
floor, specialty, the insurance outcome (type, masked card number, benefit %, validity, route) and how many
people are ahead. The QR code (top-left, Circular 01/2023/TT-VPCP payload of kind ``T``) and the Code 128
barcode carry the hospital's visit number.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from printing import layout
from printing.documents import Paper, QueueTicketData, RenderedDocument
from printing.layout import paired
from printing.qr_payload import ReceiptQrPayload, encode
from printing.redaction import mask_id_number, mask_insurance_number

DATE = "%d/%m/%Y"
DATE_TIME = "%H:%M %d/%m/%Y"


def qr_payload_for(data: QueueTicketData) -> ReceiptQrPayload:
    return ReceiptQrPayload(
        kind="ticket", file_code=data.visit_id, procedure_code=data.specialty_code,
        masked_id=mask_id_number(data.id_number), issued_at=data.issued_at.replace(second=0, microsecond=0),
        appointment=None, issuer=data.issuer.kiosk_id)


def render_queue_ticket(data: QueueTicketData, paper: Paper = "80mm") -> RenderedDocument:
    st = layout.styles_for(paper)
    width = layout.content_width(paper)
    lang = data.language
    body = st.body
    story: list[Flowable] = [
        layout.header(encode(qr_payload_for(data)), data.issuer.agency_name, "ticket.title", st, width,
                      language=lang),
        Spacer(1, 2 * mm),
        Paragraph(layout.label_html("ticket.queue_number", lang), st.title),
        Paragraph(layout.clean(data.queue_number), st.huge),
        Spacer(1, 2 * mm),
        layout.field("ticket.room", data.room, st.code, lang),
        layout.field("ticket.floor", data.floor, body, lang),
        layout.field("ticket.specialty", data.specialty, body, lang),
        layout.rule(width),
        layout.field("ticket.patient", data.patient_name, body, lang),
    ]
    if data.birth_year is not None:
        sex = f" · {layout.label_html('ticket.sex', lang)}: {layout.clean(paired(f'ticket.sex.{data.sex}', lang))}" \
            if data.sex else ""
        story.append(Paragraph(f"{layout.label_html('ticket.birth_year', lang)}: {data.birth_year}{sex}", body))
    story.append(layout.field("ticket.patient_type", paired(f"ticket.type.{data.patient_type}", lang), body, lang))
    if data.patient_type == "insurance" and data.insurance_number:
        story.append(layout.field("ticket.insurance_number", mask_insurance_number(data.insurance_number), body,
                                  lang))
        if data.benefit_percent is not None:
            story.append(layout.field("ticket.benefit", f"{data.benefit_percent}%", body, lang))
        if data.insurance_valid_to is not None:
            story.append(layout.field("ticket.valid_to", data.insurance_valid_to.strftime(DATE), body, lang))
        if data.registered_facility:
            story.append(layout.field("ticket.registered_facility", data.registered_facility, body, lang))
        if data.route is not None:
            story.append(layout.field("ticket.route", paired(f"ticket.route.{data.route}", lang), body, lang))
    story += [
        layout.rule(width),
        layout.field("ticket.people_ahead", str(data.people_ahead), st.agency, lang),
        layout.field("ticket.estimated_wait", paired("ticket.minutes", lang, minutes=data.estimated_wait_min),
                     body, lang),
        Spacer(1, 1 * mm),
    ]
    story += layout.sentence("ticket.next_step", st.agency, lang, room=data.room, floor=data.floor)
    if data.patient_type == "self_pay":
        story += layout.sentence("ticket.self_pay_note", body, lang)
    story += [Paragraph(layout.clean(note), st.agency) for note in data.extra_notes]
    story += [
        Spacer(1, 2 * mm),
        *layout.barcode(data.visit_id, width, st.barcode_height_mm),
        Paragraph(layout.clean(data.visit_id), st.small),
        layout.rule(width),
        layout.kiosk_footer(data.issuer, st, lang, printed_at=data.issued_at.strftime(DATE_TIME)),
    ]
    return layout.build(story, paper, title=f"ticket {data.queue_number}")

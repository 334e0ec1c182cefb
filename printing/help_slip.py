"""The "needs help" slip: printed when a flow cannot finish (card unreadable, face check failed, portal
refused) so the citizen can hand it to the counter instead of explaining or starting over. It carries the
reason in Vietnamese for the staff, the message key for the technician, the service, the time, the kiosk and,
when the application is in the queue, its reference; the QR code (payload kind ``H``) lets the counter scan it.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from printing import layout
from printing.documents import HelpSlipData, Paper, RenderedDocument
from printing.qr_payload import ReceiptQrPayload, encode

DATE_TIME = "%H:%M %d/%m/%Y"


def qr_payload_for(data: HelpSlipData) -> ReceiptQrPayload:
    return ReceiptQrPayload(
        kind="help", file_code=data.reference or data.reason_code or "-", procedure_code=data.reason_code,
        masked_id="", issued_at=data.occurred_at.replace(second=0, microsecond=0), appointment=None,
        issuer=data.issuer.kiosk_id)


def render_help_slip(data: HelpSlipData, paper: Paper = "80mm") -> RenderedDocument:
    st = layout.styles_for(paper)
    width = layout.content_width(paper)
    lang = data.language
    body = st.body
    story: list[Flowable] = [
        layout.header(encode(qr_payload_for(data)), data.issuer.agency_name, "help.title", st, width,
                      language=lang),
        Spacer(1, 3 * mm),
    ]
    story += layout.sentence("help.intro", st.agency, lang)
    story += [
        layout.rule(width),
        layout.field("help.reason", data.reason, body, lang),
        layout.field("help.code", data.reason_code, body, lang),
        layout.field("help.service", data.service_name, body, lang),
        layout.field("help.time", data.occurred_at.strftime(DATE_TIME), body, lang),
    ]
    if data.reference:
        story.append(layout.field("help.reference", data.reference, layout.code_style(data.reference, st), lang))
    story += [
        layout.rule(width),
        layout.kiosk_footer(data.issuer, st, lang),
    ]
    return layout.build(story, paper, title="help slip")

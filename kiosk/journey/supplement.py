"""Adding papers to a filed case (status 5, "Cần bổ sung hồ sơ"): from the status look-up, a citizen whose card is
on the reader (the same ID number as the file's) sees what the officer asked for, scans the papers page by page and
sends them as a supplement to the same file, with a receipt.

The status answer carries the officer's request (`supplement_request`, kiosk/portal/contract.py). The pages are
scanned as on an attachment question (kiosk.journey.documents_step: shown, retaken, removed; one PDF), saved in the
encrypted offline queue and sent to `POST /v1/applications/<file code>/supplements` under the supplement's own
idempotency key (`SubmissionService.submit_supplement`): sent now or later by the sync worker, exactly once. The
receipt ("Giấy tiếp nhận hồ sơ bổ sung") names the file code and the pages received.

Screens: "supplement" (scan | retake:<i> | remove:<i> | send | finish) and "supplement_done" (print_again | finish).
"""

from __future__ import annotations

import logging

from devices.card.errors import CardError
from devices.printer import PrinterError
from kiosk.catalogue.model import AttachmentSpec
from kiosk.documents import DocumentCapture
from kiosk.journey import documents_step
from kiosk.journey.context import VisitContext
from kiosk.journey.flows import PagesFlow, SupplementFlow
from kiosk.journey.lookup_end import finish_lookup
from kiosk.journey.views import LineView, ScreenView
from kiosk.portal.contract import SUPPLEMENT_REQUESTED
from kiosk.receipts.desk import supplement_receipt
from kiosk.receipts.documents import print_document, render_for_config
from kiosk.submissions import SubmitOutcome
from offline_cache import Attachment, QueueError, new_submission_id

log = logging.getLogger(__name__)

# The pages of one supplement: one PDF, within the portal's usual size for an attachment.
SUPPLEMENT_DOCUMENT = AttachmentSpec(field="supplement", component_code="HS_BO_SUNG", max_pages=20,
                                     max_bytes=10 * 1024 * 1024)


def can_supplement(ctx: VisitContext) -> bool:
    """Status 5 with the officer's request, a document scanner, and the file's own holder's card on the reader
    (the last four ID digits the look-up was made with are those of the chip just read)."""
    status = ctx.state.status
    identity = ctx.state.identity
    return (status is not None and status.kind == "found" and status.status == SUPPLEMENT_REQUESTED
            and status.supplement is not None and ctx.parts.scanner is not None and identity is not None
            and identity.id_last4 == ctx.state.status_query[1])


def request_lines(ctx: VisitContext) -> list[LineView]:
    """What the officer asked for, as they wrote it."""
    status = ctx.state.status
    if status is None or status.supplement is None:
        return []
    request = status.supplement
    lines = [LineView(ctx.t("supplement.asked"), item, "info") for item in request.items]
    if request.note:
        lines.append(LineView(ctx.t("supplement.note"), request.note, "info"))
    return lines


def start(ctx: VisitContext) -> None:
    status = ctx.state.status
    assert status is not None and status.supplement is not None and ctx.parts.scanner is not None
    code, last4 = ctx.state.status_query
    capture = DocumentCapture(ctx.parts.scanner, SUPPLEMENT_DOCUMENT,
                              jpeg_quality=ctx.parts.config.scanner.jpeg_quality)
    ctx.session.add_scan(capture)   # a removed card or a timeout wipes the pages
    ctx.state.supplement = SupplementFlow(code, last4, status.supplement.items, status.supplement.note,
                                          pages=PagesFlow(SUPPLEMENT_DOCUMENT.field, capture))
    ctx.state.screen = "supplement"


def tap_supplement(ctx: VisitContext, target: str) -> None:
    flow = ctx.state.supplement
    if flow is None or flow.pages is None:
        return
    if target == "send":
        send(ctx, flow)
    elif target == "finish":
        finish_lookup(ctx)
    elif documents_step.handles(target):
        documents_step.page_tap(flow.pages, target)


def send(ctx: VisitContext, flow: SupplementFlow) -> None:
    """Save and send the supplement (once: a second tap replays the same idempotency key), then print."""
    assert flow.pages is not None
    attachment = documents_step.finish(flow.pages)
    if attachment is None:
        return
    flow.attachment = attachment
    flow.submission_id = flow.submission_id or new_submission_id()
    try:
        outcome = ctx.parts.submissions.submit_supplement(
            flow.file_code, flow.id_last4,
            [Attachment(attachment.component_code, attachment.filename, attachment.media_type, attachment.pdf)],
            flow.items, submission_id=flow.submission_id)
    except (QueueError, CardError) as exc:
        flow.pages.hint_key = exc.message_key
        return
    if outcome.kind == "rejected":
        flow.pages.hint_key = outcome.message_key
        flow.submission_id = ""
        return
    flow.outcome_kind = outcome.kind
    ctx.state.screen = "supplement_done"
    print_slip(ctx, flow, outcome)


def print_slip(ctx: VisitContext, flow: SupplementFlow, outcome: SubmitOutcome | None = None) -> None:
    if outcome is None:
        record = ctx.parts.submissions.record(flow.submission_id)
        facts = record.receipt
    else:
        facts = outcome.receipt
    identity = ctx.state.identity
    pages = flow.attachment.pages if flow.attachment is not None else 0
    data = supplement_receipt(ctx.parts.config, facts, file_code=flow.file_code, pages=pages, items=flow.items,
                              applicant_name=identity.full_name if identity is not None else "",
                              language=ctx.tr.language, received_at=ctx.parts.now())
    try:
        print_document(ctx.parts.printer, render_for_config(ctx.parts.config, data))
    except PrinterError as exc:
        flow.print_error = str(exc.message_key)
        return
    flow.print_error = ""


def tap_supplement_done(ctx: VisitContext, target: str) -> None:
    flow = ctx.state.supplement
    if flow is None:
        return
    if target == "print_again" and flow.print_error:
        print_slip(ctx, flow)
    elif target == "finish":
        finish_lookup(ctx)


def view_supplement(ctx: VisitContext) -> ScreenView:
    flow = ctx.state.supplement
    assert flow is not None and flow.pages is not None
    pages = flow.pages
    count = pages.capture.page_count
    lines = [LineView(ctx.t("journey.file_code"), flow.file_code, "info"), *request_lines(ctx)]
    if count:
        lines.append(LineView(ctx.t("documents.pages_label"), ctx.t(
            "documents.pages_count", count=count, limit=pages.capture.max_pages), "info"))
    choices = documents_step.page_choices(ctx, pages, "send", "supplement.send")
    prompts = ([ctx.prompt("supplement.say", count=len(flow.items))] if not count and not pages.hint_key else [])
    hint = pages.hint_key
    return ScreenView("supplement", "supplement.title", ctx.t("supplement.title"), lines=tuple(lines),
                      choices=(*choices, ctx.choice("finish", "supplement.cancel", "secondary"),
                               ctx.choice("help", "journey.help", "nav")),
                      prompts=(*prompts, *documents_step.page_prompts(ctx, pages)), error_key=hint,
                      error=ctx.t(hint, **pages.hint_params) if hint else "", language=ctx.tr.language,
                      pages=tuple(pages.capture.previews()))


def view_supplement_done(ctx: VisitContext) -> ScreenView:
    flow = ctx.state.supplement
    assert flow is not None
    pages = flow.attachment.pages if flow.attachment is not None else 0
    lines = (LineView(ctx.t("journey.file_code"), flow.file_code, "info"),
             LineView(ctx.t("supplement.kind"), ctx.t("supplement.kind_value"), "info"),
             LineView(ctx.t("documents.pages_label"), str(pages), "info"))
    said = "supplement.sent_say" if flow.outcome_kind == "sent" else "supplement.queued_say"
    error = flow.print_error
    choices = [ctx.choice("finish", "journey.finish")]
    if error:
        choices.insert(0, ctx.choice("print_again", "journey.print_again"))
    return ScreenView("supplement_done", "supplement.done_title", ctx.t("supplement.done_title"), lines=lines,
                      choices=(*choices, ctx.choice("help", "journey.help", "nav")),
                      prompts=(ctx.prompt(said, pages=pages), *((ctx.prompt(error),) if error else ())),
                      error_key=error, error=ctx.t(error) if error else "", language=ctx.tr.language)


__all__ = ["can_supplement", "request_lines", "start", "tap_supplement", "tap_supplement_done",
           "view_supplement", "view_supplement_done"]

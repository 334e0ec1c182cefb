"""Sending the form and printing the receipt: saved to the encrypted queue, one try at the portal, then printed.

A hospital check-in issues a numbered exam slip instead of a submission. A print failure keeps the visit on the
receipt screen with a retry; printer recovery remembers it so the counter gets a help slip when paper is back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from devices.card.errors import CardError
from devices.printer import PrinterError
from kiosk.forms.engine import FormSession
from kiosk.hospital.visit import AppointmentGoneError, TicketOutcome
from kiosk.journey import documents_step, hospital_step, metrics_hooks, payment_step
from kiosk.journey.context import VisitContext
from kiosk.journey.views import ChoiceView, LineView, Prompt, ScreenView
from kiosk.receipts.desk import due_note, parse_due, receipt_from_facts, receipt_parts
from kiosk.receipts.documents import print_document, render_for_config
from kiosk.session.events import SessionState as S
from kiosk.submissions import SubmitOutcome
from offline_cache import Attachment, QueueError, new_submission_id
from printing import ReceiptData, ReceivedDocument
from printing.qr_payload import encode as encode_qr
from printing.receipt import qr_payload_for


def send(ctx: VisitContext) -> None:
    form = ctx.state.form
    service = ctx.state.service
    if form is None or service is None or ctx.session.state is not S.REVIEW:
        return
    form.confirm()
    sid = ctx.state.submission_id or new_submission_id()
    ctx.state.submission_id = sid
    ctx.session.submission_started(sid)
    outcome: SubmitOutcome | TicketOutcome
    try:
        if ctx.state.hospital is not None:
            outcome = hospital_step.issue(ctx, sid)   # for the appointment tapped, or the clinic chosen
        else:
            identity = form.identity()
            outcome = ctx.parts.submissions.submit(
                service.code, form.payload(), attachments(ctx, form),
                identity.id_last4 if identity is not None else "", service_name=service.name.get("vi"),
                submission_id=sid, estimated_due=form.appointment_date())
    except (QueueError, CardError, AppointmentGoneError) as exc:
        ctx.session.submission_failed(sid, exc.message_key)
        ctx.state.review_error = exc.message_key
        ctx.state.submission_id = ""
        return
    if outcome.kind == "rejected":
        metrics_hooks.send_refused(ctx)
        ctx.session.submission_failed(sid, outcome.message_key)
        ctx.state.review_error = outcome.message_key
        ctx.state.submission_id = ""
        return
    ctx.state.outcome = outcome
    route: Literal["sent", "queued"] = "queued" if outcome.kind == "queued" else "sent"
    # A queued file has no file code yet: none is announced (the queue ID is no code for a citizen, and a random
    # hex ID can look like a long number the audit log refuses).
    ctx.session.submission_completed(sid, route, outcome.file_code or "")
    ctx.state.review_error = ""
    if isinstance(outcome, SubmitOutcome):
        payment_step.open_for_receipt(ctx, outcome)   # before printing: the receipt carries the fee
    print_receipt(ctx)


def attachments(ctx: VisitContext, form: FormSession) -> list[Attachment]:
    out: list[Attachment] = []
    for component, pages in form.attachment_pages().items():
        for i, page in enumerate(pages):
            extension = "pdf" if page.media_type == "application/pdf" else "jpg"   # kiosk.documents: one PDF
            out.append(Attachment(component, f"{component}-{i + 1}.{extension}", page.media_type, page.data))
    return out


def print_receipt(ctx: VisitContext) -> None:
    """The receipt (or the hospital's exam slip). A failure keeps the visit on the receipt screen with a retry;
    printer recovery remembers it so the counter gets a help slip when paper is back."""
    outcome = ctx.state.outcome
    form = ctx.state.form
    if outcome is None or form is None:
        return
    recovery = ctx.parts.recovery
    try:
        if ctx.state.hospital is not None:
            document = ctx.state.hospital.ticket_document(ctx.parts.config, ctx.tr.language)
        else:
            assert isinstance(outcome, SubmitOutcome)
            data = receipt_data(ctx, form, outcome)
            document = render_for_config(ctx.parts.config, data)
            ctx.state.receipt_qr = encode_qr(qr_payload_for(data))
        print_document(ctx.parts.printer, document)
    except PrinterError as exc:
        ctx.state.print_error = str(exc.message_key)
        if recovery is not None:
            recovery.remember(outcome.submission_id, service_code=form.service.code,
                              reason_key=ctx.state.print_error, file_code=outcome.file_code,
                              kind="ticket" if ctx.state.hospital is not None else "receipt")
        ctx.state.screen = "receipt"
        return
    if recovery is not None:
        recovery.forget(outcome.submission_id)
    ctx.state.print_error = ""
    ctx.state.printed = True
    ctx.session.receipt_printed()
    ctx.state.screen = payment_step.after_receipt(ctx)


def print_paid_receipt(ctx: VisitContext) -> str:
    """The receipt again once the fee is paid at the kiosk; the message key of a print failure, or ""."""
    outcome, form = ctx.state.outcome, ctx.state.form
    if not isinstance(outcome, SubmitOutcome) or form is None:
        return ""
    try:
        print_document(ctx.parts.printer, render_for_config(ctx.parts.config, receipt_data(ctx, form, outcome)))
    except PrinterError as exc:
        return str(exc.message_key)
    return ""


def receipt_data(ctx: VisitContext, form: FormSession, outcome: SubmitOutcome) -> ReceiptData:
    service = form.service
    identity = form.identity()
    methods = service.delivery_methods or ("counter",)
    delivery = str(form.values().get("delivery.method") or ("counter" if "counter" in methods else methods[0]))
    documents = [ReceivedDocument(spec.label.vi, documents_step.page_count(ctx, spec.key, len(pages)))
                 for spec in service.all_fields()
                 if spec.type == "attachment" and isinstance(pages := form.value(spec.key), list) and pages]
    return receipt_from_facts(
        ctx.parts.config, outcome.receipt, submission_id=outcome.submission_id, file_code=outcome.file_code,
        due_at=outcome.due_at, applicant_name=identity.full_name if identity is not None else "",
        service=service, documents=documents, delivery=delivery, language=ctx.tr.language,
        received_at=ctx.parts.now(),
        estimated_appointment=form.appointment_date() if outcome.file_code is None else None,
        calendar=ctx.parts.holidays, payment=payment_step.receipt_section(ctx, outcome),
        parts=receipt_parts(service.active_procedures(form.values()), outcome.parts))


def tap_receipt(ctx: VisitContext, target: str) -> None:
    if target == "print_again":
        print_receipt(ctx)
    elif target == "finish":
        # Going on without a receipt: the done screen keeps the file code in view and says no paper came out.
        ctx.state.screen = "done"


def tap_done(ctx: VisitContext, target: str) -> None:
    if target == "finish":
        if ctx.session.state is S.DONE:
            ctx.session.finish()
        else:       # no receipt was printed: the visit ends all the same
            ctx.session.cancel()


def view_submitting(ctx: VisitContext) -> ScreenView:
    return ctx.simple("submitting", "journey.submitting", "journey.submitting_say", pending=True)


def outcome_lines(ctx: VisitContext) -> tuple[LineView, ...]:
    outcome = ctx.state.outcome
    if outcome is None:
        return ()
    lang = ctx.tr.language
    if isinstance(outcome, TicketOutcome):
        lines = [LineView(ctx.t("journey.queue_number"), outcome.file_code, "info")]
        ticket = ctx.state.hospital.ticket if ctx.state.hospital is not None else None
        if ticket is not None:
            lines.append(LineView(ctx.t("journey.room"),
                                  f"{ticket.specialty.name.get(lang)} — {ticket.specialty.room}", "info"))
        return (*lines, *hospital_step.queue_lines(ctx))   # people ahead, as the hospital counts them
    lines = [LineView(ctx.t("journey.file_code"), outcome.file_code or outcome.submission_id, "info")]
    if outcome.due_at:
        try:
            due = datetime.fromisoformat(outcome.due_at).date()
        except ValueError:
            due = None
        if due is not None:
            lines.append(LineView(ctx.t("journey.result_date"), due.strftime("%d/%m/%Y"), "info"))
    return tuple(lines)


def outcome_prompts(ctx: VisitContext) -> list[Prompt]:
    outcome = ctx.state.outcome
    if outcome is None:
        return []
    if isinstance(outcome, TicketOutcome):
        ticket = ctx.state.hospital.ticket if ctx.state.hospital is not None else None
        room = ticket.specialty.room if ticket is not None else ""
        return [ctx.prompt("journey.ticket_say", number=outcome.file_code, room=room),
                *hospital_step.queue_prompts(ctx)]
    return [ctx.prompt("journey.sent_say" if outcome.kind == "sent" else "journey.queued_say")]


def view_receipt(ctx: VisitContext) -> ScreenView:
    error = ctx.state.print_error
    choices = (ctx.choice("print_again", "journey.print_again"),
               ctx.choice("finish", "journey.finish", "secondary"), ctx.choice("help", "journey.help", "nav"))
    return ScreenView("receipt", "journey.receipt", ctx.t("journey.receipt"), lines=(*outcome_lines(ctx),
                                                                                    *due_line(ctx)),
                      choices=choices, prompts=(*outcome_prompts(ctx), ctx.prompt(error or
                                                                                  "journey.print_failed")),
                      error_key=error, error=ctx.t(error) if error else "", language=ctx.tr.language)


def due_line(ctx: VisitContext) -> tuple[LineView, ...]:
    """The portal's result date differs from the one the review screen promised: say so (kiosk.receipts.desk)."""
    outcome = ctx.state.outcome
    note = due_note(outcome, ctx.tr.language) if isinstance(outcome, SubmitOutcome) else ""
    return (LineView("", note, "info"),) if note else ()


def receipt_head(ctx: VisitContext) -> tuple[LineView, ...]:
    """The file code and result date, as on the done screen: the head of the fee screen after a send."""
    return (*outcome_lines(ctx), *due_line(ctx))


def receipt_prompts(ctx: VisitContext) -> tuple[Prompt, ...]:
    """What the done screen says about the file and its result date, said again above the fee screen's own."""
    return (*outcome_prompts(ctx), *due_prompts(ctx))


def due_prompts(ctx: VisitContext) -> tuple[Prompt, ...]:
    outcome = ctx.state.outcome
    if not isinstance(outcome, SubmitOutcome) or not due_note(outcome, ctx.tr.language):
        return ()
    due, estimate = parse_due(outcome.due_at), parse_due(outcome.estimated_due)
    if due is None or estimate is None:
        return ()
    return (ctx.prompt("queue.due_differs", due=due.strftime("%d/%m/%Y"), estimate=estimate.strftime("%d/%m/%Y")),)


def view_done(ctx: VisitContext) -> ScreenView:
    due = due_line(ctx)
    # "Take your receipt" only when one came out of the printer.
    take = "journey.done_say" if ctx.state.printed else "journey.done_no_receipt_say"
    prompts = (*outcome_prompts(ctx), *due_prompts(ctx), ctx.prompt(take))
    lines = (*outcome_lines(ctx), *due, *payment_step.offer_lines(ctx, ctx.state.payment.offer
                                                                 if ctx.state.payment is not None else None))
    choices: tuple[ChoiceView, ...] = (ctx.choice("finish", "journey.finish"),)
    if not ctx.state.printed:
        lines = (*lines, LineView("", ctx.t("journey.done_no_receipt_say"), "info", state=""))
        choices = (*choices, ctx.choice("help", "journey.help", "nav"))
    return ScreenView("done", "journey.done", ctx.t("journey.done"), lines=lines, choices=choices, prompts=prompts,
                      language=ctx.tr.language)

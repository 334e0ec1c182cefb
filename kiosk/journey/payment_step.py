"""Paying a file's fee at the kiosk: the "payment" screen with the VietQR code (EMVCo merchant-presented QR in
the NAPAS VietQR layout, kiosk.payment.vietqr), polled on the visit's timer until the bank's transfer is confirmed.

Right after a file with a fee is sent, the payment is opened (idempotent by file code: a fee already paid comes
back as paid and is never asked for again) and the receipt is printed at once with the amount, the method and the
reference, and the same VietQR code, so the citizen leaves with everything needed to pay later even if the card is
taken away mid-payment. The "payment" screen then takes the place of the goodbye screen: it shows the code, asks the
portal every `poll_interval_s` on Tick, and when the bank confirms says so and prints the receipt again marked paid.
After `wait_s` without a confirmation it stops asking and says how to pay later. A file still waiting on this kiosk
for its file code prints the fee as awaited (paid later from the status look-up, status 6, "pay_now").
"""

from __future__ import annotations

import logging

from kiosk.forms.views import money
from kiosk.journey import metrics_hooks
from kiosk.journey.context import VisitContext, lang_of
from kiosk.journey.flows import PaymentFlow
from kiosk.journey.lookup_end import finish_lookup
from kiosk.journey.routes import routes
from kiosk.journey.views import ChoiceView, LineView, ScreenView
from kiosk.payment import PaymentError, PaymentOffer
from kiosk.receipts.desk import receipt_payment
from kiosk.submissions import SubmitOutcome
from printing.documents import ReceiptPayment

log = logging.getLogger(__name__)

QR_SCALE = 8   # pixels per module of the on-screen code: ~400 px for a VietQR payload, easy for a phone


def wanted(ctx: VisitContext, outcome: SubmitOutcome) -> bool:
    """A fee to take here: payments are on, the file has its file code and the form declares a fee."""
    form = ctx.state.form
    return (ctx.parts.payments is not None and form is not None and outcome.kind == "sent"
            and bool(outcome.file_code) and form.fee() > 0)


def open_for_receipt(ctx: VisitContext, outcome: SubmitOutcome) -> None:
    """Open the payment of a just-sent file before its receipt is printed, so the receipt carries it."""
    if not wanted(ctx, outcome):
        ctx.state.payment = None
        return
    identity = ctx.state.form.identity() if ctx.state.form is not None else None
    assert outcome.file_code is not None
    flow = ctx.state.payment
    if flow is None or flow.file_code != outcome.file_code:
        flow = PaymentFlow(outcome.file_code, identity.id_last4 if identity is not None else "", "submit")
        ctx.state.payment = flow
    if flow.offer is None:
        request(ctx, flow)


def receipt_section(ctx: VisitContext, outcome: SubmitOutcome) -> ReceiptPayment | None:
    """The receipt's fee section: the payment as it stands, or the fee awaited (file still on this kiosk, or the
    payment could not be opened); None on a kiosk without payments or for a file without a fee."""
    form = ctx.state.form
    if ctx.parts.payments is None or form is None:
        return None
    flow = ctx.state.payment
    if flow is not None and flow.offer is not None:
        return receipt_payment(flow.offer)
    return receipt_payment(None, fee_vnd=form.fee()) if outcome.kind != "rejected" else None


def after_receipt(ctx: VisitContext) -> str:
    """The screen after the receipt printed: "payment" while the fee is still to be paid here, else "done"."""
    flow = ctx.state.payment
    if flow is None or flow.origin != "submit":
        return "done"
    if flow.offer is not None and flow.offer.settled:
        return "done"
    flow.opened_at = flow.polled_at = ctx.parts.monotonic()
    return "payment"


def pay_from_status(ctx: VisitContext) -> None:
    """"Nộp phí ngay" on a file in status 6: the same idempotent payment, shown on the same screen."""
    code, last4 = ctx.state.status_query
    flow = PaymentFlow(code, last4, "status")
    ctx.state.payment = flow
    request(ctx, flow)
    flow.opened_at = flow.polled_at = ctx.parts.monotonic()
    ctx.state.screen = "payment"


def request(ctx: VisitContext, flow: PaymentFlow) -> None:
    desk = ctx.parts.payments
    if desk is None:
        flow.error_key = "payment.off"
        return
    try:
        flow.offer = desk.request(flow.file_code, flow.id_last4)
        flow.error_key = ""
        flow.paid_before = flow.offer.paid
    except PaymentError as exc:
        log.warning("payment could not be opened: %s", exc.message_key)
        flow.error_key = exc.message_key


def tick(ctx: VisitContext) -> None:
    """On the payment screen: ask whether the bank confirmed, at most every `poll_interval_s`; give up after
    `wait_s`. While it waits, the citizen is busy with a banking app, so the inactivity timer is held off."""
    flow = ctx.state.payment
    desk = ctx.parts.payments
    if flow is None or desk is None or flow.gave_up or flow.offer is None or flow.offer.settled:
        return
    now = ctx.parts.monotonic()
    if now - flow.opened_at >= desk.wait_s:
        flow.gave_up = True
        return
    if now - flow.polled_at < desk.poll_interval_s:
        return
    flow.polled_at = now
    ctx.session.activity()
    try:
        offer = desk.check(flow.file_code, flow.id_last4)
    except PaymentError as exc:
        flow.error_key = exc.message_key   # shown; the next poll tries again
        return
    flow.error_key = ""
    flow.offer = offer
    if offer.paid:
        metrics_hooks.payment_settled(ctx, "paid")
    if offer.paid and flow.origin == "submit":
        reprint_paid(ctx)


def reprint_paid(ctx: VisitContext) -> None:
    """The receipt again, now marked paid with the time the bank confirmed (the first one said "awaiting")."""
    flow = ctx.state.payment
    if flow is None:
        return
    ctx.state.print_error = routes().print_paid_receipt(ctx)


def tap_payment(ctx: VisitContext, target: str) -> None:
    flow = ctx.state.payment
    if flow is None:
        return
    if target == "retry" and flow.offer is None:
        request(ctx, flow)
        flow.opened_at = flow.polled_at = ctx.parts.monotonic()
    elif target == "print_again" and ctx.state.print_error:
        reprint_paid(ctx)
    elif target in ("pay_later", "finish"):
        leave(ctx, flow)


def leave(ctx: VisitContext, flow: PaymentFlow) -> None:
    if flow.origin == "status":
        finish_lookup(ctx)
    else:
        ctx.session.finish()


def offer_lines(ctx: VisitContext, offer: PaymentOffer | None) -> list[LineView]:
    lang = lang_of(ctx.tr.language)
    if offer is None or offer.amount_vnd <= 0:
        return []
    return [LineView(ctx.t("payment.amount_label"), money(offer.amount_vnd, lang, ctx.tr), "computed"),
            LineView(ctx.t("payment.method_label"), ctx.t(f"payment.method_{offer.method}"), "info"),
            LineView(ctx.t("payment.reference_label"), offer.reference, "info")]


def qr_image(flow: PaymentFlow, offer: PaymentOffer) -> bytes:
    """The code as PNG, drawn once per payload (the view is asked for on every timer tick)."""
    if flow.qr_cache[0] != offer.qr_payload:
        matrix = offer.qr()
        flow.qr_cache = (offer.qr_payload, matrix.png(QR_SCALE) if matrix is not None else b"")
    return flow.qr_cache[1]


def view_payment(ctx: VisitContext) -> ScreenView:
    flow = ctx.state.payment
    assert flow is not None
    offer = flow.offer
    lang = lang_of(ctx.tr.language)
    if flow.origin == "submit":
        head = list(routes().receipt_head(ctx))   # file code and result date, as on "done"
    else:
        head = [LineView(ctx.t("journey.file_code"), flow.file_code, "info")]
    lines = [*head, *offer_lines(ctx, offer)]
    choices: list[ChoiceView]
    qr_png = b""
    error = flow.error_key or ctx.state.print_error
    if offer is not None and offer.paid:
        amount = money(offer.amount_vnd, lang, ctx.tr)
        prompts = [ctx.prompt("payment.already_paid") if flow.paid_before else ctx.prompt("payment.paid",
                                                                                            amount=amount)]
        if flow.origin == "submit" and not flow.paid_before:
            prompts.append(ctx.prompt("payment.paid_receipt"))
        choices = [ctx.choice("finish", "journey.finish")]
        if ctx.state.print_error:
            choices.insert(0, ctx.choice("print_again", "journey.print_again"))
    elif offer is not None and offer.state == "not_required":
        prompts = [ctx.prompt("payment.not_required")]
        choices = [ctx.choice("finish", "journey.finish")]
    elif offer is None:
        prompts = [ctx.prompt(flow.error_key or "payment.failed")]
        choices = [ctx.choice("retry", "payment.retry"), ctx.choice("pay_later", "payment.pay_later_button",
                                                                    "secondary")]
    else:
        qr_png = b"" if flow.gave_up else qr_image(flow, offer)
        if flow.gave_up:
            prompts = [ctx.prompt("payment.pay_later")]
            choices = [ctx.choice("pay_later", "payment.pay_later_button")]
        else:
            # Said short; the screen shows the longer instructions and the transfer note.
            prompts = [ctx.prompt("payment.scan_say", amount=money(offer.amount_vnd, lang, ctx.tr))]
            lines += [LineView("", ctx.t("payment.scan_prompt", amount=money(offer.amount_vnd, lang, ctx.tr),
                                         reference=offer.reference), "info"),
                      LineView(ctx.t("payment.status_label"), ctx.t("payment.waiting_line"), "info")]
            choices = [ctx.choice("pay_later", "payment.pay_later_button", "secondary")]
    if flow.origin == "submit":
        prompts = [*routes().receipt_prompts(ctx), *prompts]
    return ScreenView("payment", "payment.title", ctx.t("payment.title"), lines=tuple(lines),
                      choices=(*choices, ctx.choice("help", "journey.help", "nav")), prompts=tuple(prompts),
                      error_key=error, error=ctx.t(error) if error else "", language=ctx.tr.language,
                      qr_png=qr_png)


__all__ = ["after_receipt", "open_for_receipt", "pay_from_status", "receipt_section", "tap_payment", "tick",
           "view_payment", "wanted"]

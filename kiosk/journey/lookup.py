"""Status look-up and withdrawal, without a card: the receipt's QR code (or its typed file code and the last four
digits of the ID number) finds the file; a file still waiting can be withdrawn.
"""

from __future__ import annotations

from devices.qr.scanner import QrScannerUnavailableError
from kiosk.journey import payment_step, reprint_step, supplement, withdraw
from kiosk.journey import questions as q
from kiosk.journey.commands import Frame
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.lookup_end import finish_lookup
from kiosk.journey.views import InputView, LineView, ScreenView
from kiosk.portal.contract import PAYMENT_REQUESTED


def decode(ctx: VisitContext, frame: Frame) -> list[str]:
    try:
        return [c.text for c in ctx.parts.qr_scanner.decode(frame)]
    except QrScannerUnavailableError:
        return []


def tap_status_find(ctx: VisitContext, target: str) -> None:
    if target == "next":
        code = ctx.state.typed.get("file_code", "").strip().upper()
        last4 = q.digits_only(ctx.state.typed.get("id_last4", ""))
        if not code:
            ctx.state.input_error = "forms.file_code_format"
            return
        if ctx.state.typed.get("_step") != "last4":
            ctx.state.typed["_step"] = "last4"
            ctx.state.input_error = ""
            return
        if len(last4) != 4:
            ctx.state.input_error = "forms.id_last4_format"
            return
        ctx.stop_camera()
        lookup(ctx, code, last4)


def lookup(ctx: VisitContext, file_code: str, id_last4: str) -> None:
    ctx.state.status_query = (file_code, id_last4)
    ctx.state.status = ctx.parts.submissions.lookup_status(file_code, id_last4)
    ctx.state.withdrawn = None
    ctx.state.screen = "status"


def tap_status(ctx: VisitContext, target: str) -> None:
    if target == "withdraw" and can_withdraw(ctx):
        withdraw.open_confirm(ctx)
    elif target == "pay_now" and can_pay(ctx):
        payment_step.pay_from_status(ctx)
    elif target == "supplement" and supplement.can_supplement(ctx):
        supplement.start(ctx)
    elif target == "reprint":
        reprint_step.reprint_receipt(ctx)
    elif target == "finish":
        finish_lookup(ctx)


def tap_withdraw_done(ctx: VisitContext, target: str) -> None:
    if target == "finish":
        finish_lookup(ctx)


def can_withdraw(ctx: VisitContext) -> bool:
    """The service's own `withdraw_statuses`, or a file still waiting on this kiosk (kiosk.journey.withdraw)."""
    return withdraw.can_withdraw(ctx)


def view_status_find(ctx: VisitContext) -> ScreenView:
    field = "id_last4" if ctx.state.typed.get("file_code") and ctx.state.typed.get("_step") == "last4" else "file_code"
    error = ctx.state.input_error
    input_view = InputView(field, "code" if field == "file_code" else "digits", ctx.state.typed.get(field, ""),
                           40 if field == "file_code" else 4, error, ctx.t(error) if error else "")
    view = ctx.simple("status_find", "journey.status_find", "journey.status_find_say",
                      choices=(ctx.choice("next", "journey.next"), *ctx.nav(back=False)))
    return replace_view(view, input=input_view, camera=True)


def can_pay(ctx: VisitContext) -> bool:
    """Status 6 ("Cần nộp phí") on a kiosk that takes fees: "Nộp phí ngay" leads to the payment screen."""
    status = ctx.state.status
    return (ctx.parts.payments is not None and status is not None and status.kind == "found"
            and status.status == PAYMENT_REQUESTED)


def view_status(ctx: VisitContext) -> ScreenView:
    status = ctx.state.status
    assert status is not None
    code, _ = ctx.state.status_query
    lines = [LineView(ctx.t("journey.file_code"), code, "info")]
    if status.due_at:
        lines.append(LineView(ctx.t("journey.result_date"), status.due_at[:10], "info"))
    choices = []
    if can_pay(ctx):
        choices.append(ctx.choice("pay_now", "payment.pay_now"))
    if supplement.can_supplement(ctx):
        lines += supplement.request_lines(ctx)
        choices.append(ctx.choice("supplement", "supplement.start"))
    more_lines, more_choices = reprint_step.status_parts(ctx)
    lines += more_lines
    choices += more_choices
    if can_withdraw(ctx):
        choices.append(ctx.choice("withdraw", "journey.withdraw", "secondary"))
    choices.append(ctx.choice("finish", "journey.finish"))
    error = ctx.state.print_error   # a reprint that did not print: what is wrong with the printer
    return ScreenView("status", "journey.status_title", ctx.t("journey.status_title"), lines=tuple(lines),
                      choices=(*choices, ctx.choice("help", "journey.help", "nav")),
                      prompts=(ctx.prompt(status.message_key),), language=ctx.tr.language, error_key=error,
                      error=ctx.t(error) if error else "")

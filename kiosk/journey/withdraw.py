"""Withdrawing a file: only its holder (the chip card read again) or a volunteer may, with a reason, after a
confirmation that says what will happen.

A receipt's QR code carries the file code and the last four digits of the ID number, so anyone holding a receipt
can look a file up; withdrawing it takes more. On `withdraw_confirm` the citizen picks a reason (`reason:<code>`,
WITHDRAW_REASONS) and places their card on the reader: the card's front QR code gives the access key and the chip
is read as at the start of a visit (ICAO 9303-11), and its ID number must end in the file's four digits. A
volunteer or staff member signed in (assisted mode, PIN) stands in for the card. Only then is `withdraw_yes`
offered. The identity read is compared and dropped at once: nothing of it is kept.

Which statuses allow a withdrawal is each service's `withdraw_statuses` in the catalogue (the file's service is
known for a file this kiosk sent; otherwise only what every service allows). A file still waiting on this kiosk
(offline) can be withdrawn too: kiosk.submissions cancels it if it never left, or asks the portal, and its outcome
message says which. The reason goes to the portal with the withdrawal.
"""

from __future__ import annotations

from devices.card.access_keys import InvalidAccessKeyError, from_qr
from devices.card.errors import CardError
from kiosk.journey import identify, metrics_hooks
from kiosk.journey.context import VisitContext
from kiosk.journey.views import ChoiceView, LineView, Prompt, ScreenView

# Why a citizen withdraws, as the portal records it (message keys journey.withdraw_reason_<code>).
WITHDRAW_REASONS = ("wrong_file", "resubmit", "not_needed", "other")


def service_code_of(ctx: VisitContext, file_code: str) -> str:
    """The service of a file this kiosk sent or holds ("" for a file from elsewhere)."""
    from offline_cache import SubmissionNotFoundError

    queue = ctx.parts.submissions.queue
    record = queue.find_by_file_code(file_code)
    if record is None:
        try:
            record = queue.get(file_code.lower())
        except SubmissionNotFoundError:
            return ""
    return record.service_code


def can_withdraw(ctx: VisitContext) -> bool:
    status = ctx.state.status
    if status is None:
        return False
    if status.kind == "waiting":      # still on this kiosk: kiosk.submissions knows what can be done
        return True
    if status.kind != "found" or status.status is None:
        return False
    code, _ = ctx.state.status_query
    return status.status in ctx.parts.catalogue.withdraw_statuses(service_code_of(ctx, code))


def open_confirm(ctx: VisitContext) -> None:
    ctx.state.withdraw_reason = ""
    ctx.state.withdraw_holder = False
    ctx.state.withdraw_error = ""
    ctx.state.screen = "withdraw_confirm"


def leave(ctx: VisitContext) -> None:
    ctx.stop_camera()
    ctx.state.withdraw_holder = False
    ctx.state.screen = "status"


def vouched(ctx: VisitContext) -> bool:
    """The citizen's card matched, or a volunteer or staff member is signed in (assisted mode)."""
    return ctx.state.withdraw_holder or ctx.session.helper is not None


def tap_withdraw_confirm(ctx: VisitContext, target: str) -> None:
    if target.startswith("reason:") and target.removeprefix("reason:") in WITHDRAW_REASONS:
        ctx.state.withdraw_reason = target.removeprefix("reason:")
    elif target == "withdraw_yes" and ctx.state.withdraw_reason and vouched(ctx):
        code, last4 = ctx.state.status_query
        ctx.state.withdrawn = ctx.parts.submissions.withdraw(file_code=code, id_last4=last4,
                                                             reason_code=ctx.state.withdraw_reason)
        metrics_hooks.withdrawal(ctx, ctx.state.withdrawn.kind)
        ctx.state.withdraw_holder = False
        # The look-up again, so the done screen shows (and says) the status the file has now.
        ctx.state.status = ctx.parts.submissions.lookup_status(code, last4)
        ctx.state.screen = "withdraw_done"
    elif target == "withdraw_no":
        leave(ctx)


def card_placed(ctx: VisitContext) -> None:
    """The card on the reader while withdrawal is asked: read it as at the start of a visit, compare the ID
    number's last four digits with the file's, keep only the answer."""
    ctx.session.card_inserted()
    text = identify.seen_card_qr(ctx)
    ctx.stop_camera()
    if not text:
        ctx.state.withdraw_error = "journey.card_qr_not_seen"
        return
    card_qr(ctx, text)


def card_qr(ctx: VisitContext, text: str) -> None:
    """The card front's QR code (seen by the kiosk's camera or the UI's preview): open the chip with it and compare
    the ID number's last four digits with the file's."""
    try:
        keys = from_qr(text)
    except InvalidAccessKeyError:
        return   # not a CCCD's code: keep waiting for the card
    if not ctx.parts.card_reader.card_present():
        ctx.state.withdraw_error = "card.no_card"
        return
    try:
        identity = ctx.parts.card_reader.read_identity(keys)
    except CardError as exc:
        ctx.state.withdraw_error = exc.message_key
        return
    _, last4 = ctx.state.status_query
    same = bool(last4) and identity.id_number[-4:] == last4
    ctx.state.withdraw_holder = same
    ctx.state.withdraw_error = "" if same else "journey.withdraw_not_holder"


def what_happens(ctx: VisitContext) -> str:
    """The message key saying what withdrawing this file does."""
    status = ctx.state.status
    if status is not None and status.kind == "waiting":
        return "journey.withdraw_what_waiting"
    if status is not None and status.status == 1:
        return "journey.withdraw_what_now"
    return "journey.withdraw_what_officer"


def view_withdraw_confirm(ctx: VisitContext) -> ScreenView:
    code, _ = ctx.state.status_query
    what = what_happens(ctx)
    lines = [LineView(ctx.t("journey.file_code"), code, "info", state=""),
             LineView("", ctx.t(what), "info", state="")]
    reason = ctx.state.withdraw_reason
    choices: list[ChoiceView] = [
        ChoiceView(f"reason:{r}", ctx.t(f"journey.withdraw_reason_{r}"), "answer", selected=r == reason)
        for r in WITHDRAW_REASONS]
    prompts: list[Prompt] = []
    if not reason:
        prompts = [ctx.prompt(what), ctx.prompt("journey.withdraw_reason_say")]
    elif not vouched(ctx):
        prompts = [ctx.prompt("journey.withdraw_card_say")]
        lines.append(LineView("", ctx.t("journey.withdraw_card_say"), "info", state=""))
    else:
        prompts = [ctx.prompt("journey.withdraw_confirm_say")]
        choices.append(ctx.choice("withdraw_yes", "journey.withdraw_yes", "danger"))
    choices.append(ctx.choice("withdraw_no", "journey.withdraw_no", "secondary"))
    error = ctx.state.withdraw_error
    if error:
        prompts = [ctx.prompt(error), *prompts]
    return ScreenView("withdraw_confirm", "journey.withdraw_confirm", ctx.t("journey.withdraw_confirm"),
                      lines=tuple(lines), choices=(*choices, ctx.choice("help", "journey.help", "nav")),
                      prompts=tuple(prompts), error_key=error, error=ctx.t(error) if error else "",
                      language=ctx.tr.language)


def view_withdraw_done(ctx: VisitContext) -> ScreenView:
    result = ctx.state.withdrawn
    key = result.message_key if result is not None else "queue.nothing_to_withdraw"
    lines = [LineView("", ctx.t(key), "info", state="")]
    prompts = [ctx.prompt(key)]
    status = ctx.state.status
    if status is not None and status.kind == "found" and status.status is not None:
        # The status the file has now, shown and said (not the one it had before the withdrawal).
        lines.append(LineView(ctx.t("journey.status_now"), ctx.t(status.message_key), "info", state=""))
        prompts.append(ctx.prompt("journey.status_now_say", status=ctx.t(status.message_key)))
    return ScreenView("withdraw_done", "journey.withdraw_done", ctx.t("journey.withdraw_done"),
                      lines=tuple(lines), choices=(ctx.choice("finish", "journey.finish"),),
                      prompts=tuple(prompts), language=ctx.tr.language)


__all__ = ["WITHDRAW_REASONS", "can_withdraw", "card_placed", "card_qr", "leave", "open_confirm",
           "tap_withdraw_confirm", "view_withdraw_confirm", "view_withdraw_done"]

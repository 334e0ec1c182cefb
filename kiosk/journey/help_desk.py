"""Help from any screen: the help screen, a printed help slip for the counter, and a volunteer's PIN sign-in
(assisted mode, in which a volunteer may vouch for the face check).
"""

from __future__ import annotations

import logging

from devices.printer import PrinterError
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.views import ChoiceView, InputView, LineView, ScreenView
from kiosk.receipts.documents import issuer_for, print_document, render_for_config
from kiosk.session.events import SessionState
from kiosk.staff import StaffError
from printing import HelpSlipData

log = logging.getLogger(__name__)
HELP_CHECK_S = 3.0   # how often the help desk is asked whether staff answered, while the help screen is up


def open_help(ctx: VisitContext) -> None:
    """"Gọi cán bộ": the help screen, and the request goes to the help desk at once (a slip printed, or staff
    alerted); the screen then says only what the desk confirmed. From the welcome screen this begins the visit, so
    the help screen is not taken back to welcome as an idle kiosk's leftover."""
    if ctx.session.state is SessionState.IDLE:
        ctx.notice = ""
        ctx.session.start()
    if ctx.state.screen != "help":
        ctx.state.help_from = ctx.state.screen
        ctx.state.help_printed = False
    ctx.state.screen = "help"
    desk = ctx.parts.help_desk
    if desk is None:
        return
    if ctx.state.help_request:
        check_request(ctx, force=True)
        return
    try:
        result = desk.request("citizen")
    except Exception:  # a broken back end must not stop the visit: the screen then sends the citizen to the counter
        log.warning("the help desk (%s) failed to take a request", desk.backend)
        return
    ctx.state.help_request = result.request_id
    ctx.state.help_result = result
    ctx.state.help_checked = ctx.parts.monotonic()
    if result.kind == "slip_printed":
        ctx.state.help_printed = True


def check_request(ctx: VisitContext, *, force: bool = False) -> None:
    """On a Tick while help is shown: ask the desk again (every few seconds) for an answer and the time waited."""
    desk = ctx.parts.help_desk
    if desk is None or not ctx.state.help_request:
        return
    now = ctx.parts.monotonic()
    if not force and now - ctx.state.help_checked < HELP_CHECK_S:
        return
    ctx.state.help_checked = now
    try:
        ctx.state.help_result = desk.check(ctx.state.help_request)
    except Exception:  # unknown now: keep what was last confirmed
        log.warning("the help desk (%s) could not be asked about a request", desk.backend)


def close_request(ctx: VisitContext) -> None:
    """The visit ends: the open request is closed (an alert resolved)."""
    desk = ctx.parts.help_desk
    rid = ctx.state.help_request
    ctx.state.help_request = ""
    if desk is None or not rid:
        return
    try:
        desk.close(rid)
    except Exception:
        log.warning("the help desk (%s) could not close a request", desk.backend)


def tap_help(ctx: VisitContext, target: str) -> None:
    if target == "print_help_slip":
        print_help_slip(ctx)
    elif target == "close_help":
        ctx.state.screen = ctx.state.help_from or "welcome"
    elif target == "volunteer_sign_in" and ctx.parts.staff is not None:
        ask_volunteer_pin(ctx)
    elif target == "volunteer_sign_out":
        ctx.session.end_assistance()


def ask_volunteer_pin(ctx: VisitContext) -> None:
    """The volunteer's PIN screen; after sign-in the visit goes back to where help was asked from."""
    if ctx.state.screen not in ("help", "volunteer_pin"):
        ctx.state.help_from = ctx.state.screen
    ctx.state.typed.pop("pin", None)
    ctx.state.input_error = ""
    ctx.state.screen = "volunteer_pin"


def tap_volunteer_pin(ctx: VisitContext, target: str) -> None:
    staff = ctx.parts.staff
    if target != "next" or staff is None:
        return
    pin = ctx.state.typed.pop("pin", "")
    try:
        helper = staff.authenticate_volunteer(pin)
        ctx.session.begin_assistance(helper)
    except StaffError as exc:
        ctx.state.input_error = exc.message_key
        ctx.state.error_params = dict(exc.message_params)
        return
    ctx.state.input_error = ""
    ctx.state.screen = ctx.state.help_from if ctx.state.help_from not in ("", "welcome") else "card_wait"


def print_help_slip(ctx: VisitContext) -> None:
    config = ctx.parts.config
    service = ctx.state.service
    reference = ctx.state.submission_id or ctx.session.session_hash[:8]
    data = HelpSlipData(issuer=issuer_for(config), reason=ctx.tr_vi("printer.help_reason_generic"),
                        reason_code="printer.help_reason_generic",
                        service_name=service.name.vi if service is not None else "",
                        occurred_at=ctx.parts.now(), reference=reference, language=ctx.tr.language)
    try:
        print_document(ctx.parts.printer, render_for_config(config, data))
        ctx.state.help_printed = True
    except PrinterError as exc:
        ctx.state.print_error = str(exc.message_key)


def view_volunteer_pin(ctx: VisitContext) -> ScreenView:
    error = ctx.state.input_error
    text = ctx.t(error, **ctx.state.error_params) if error else ""
    view = ctx.simple("volunteer_pin", "journey.volunteer_pin", "journey.volunteer_pin_say",
                      choices=(ctx.choice("next", "journey.next"), ctx.choice("back", "journey.back", "nav")))
    return replace_view(view, input=InputView("pin", "pin", "", 12, error, text), error_key=error, error=text)


def view_help(ctx: VisitContext) -> ScreenView:
    result = ctx.state.help_result
    choices: tuple[ChoiceView, ...] = (ctx.choice("close_help", "journey.close_help"),)
    if result is None or result.kind != "slip_printed":
        choices = (ctx.choice("print_help_slip", "journey.print_help_slip", "secondary"), *choices)
    if ctx.session.helper is not None:
        choices = (*choices, ctx.choice("volunteer_sign_out", "journey.volunteer_sign_out", "secondary"))
    elif ctx.parts.staff is not None:
        choices = (*choices, ctx.choice("volunteer_sign_in", "journey.volunteer_sign_in", "secondary"))
    if result is not None:
        # Only what the desk confirmed ("a slip has been printed" / "staff have been told"), and the time waited.
        said, waited = result.lines(ctx.tr)
        lines = [LineView("", said, "info", state=""), LineView("", waited, "info", state="")]
        prompts = [ctx.prompt(result.message_key, counter=result.counter)]
        if ctx.state.help_printed and result.kind != "slip_printed":
            lines.append(LineView("", ctx.t("journey.help_slip_printed"), "info", state=""))
        return ScreenView("help", "journey.help_title", ctx.t("journey.help_title"), lines=tuple(lines),
                          choices=choices, prompts=tuple(prompts), language=ctx.tr.language)
    view = ctx.simple("help", "journey.help_title", "journey.help_no_desk_say", choices=choices)
    if ctx.state.help_printed:
        view = replace_view(view, lines=(LineView("", ctx.t("journey.help_slip_printed"), "info", state=""),),
                            prompts=(ctx.prompt("journey.help_slip_printed"),))
    return view

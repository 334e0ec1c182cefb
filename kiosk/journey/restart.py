"""Start over ("Làm lại") in two steps: a confirmation that names what would be lost, then the wipe.

One tap on a button beside "Quay lại" used to wipe the whole visit. Now Restart/Tap("restart") opens
`restart_confirm`, which says which service is under way and how many answers and scanned pages would be erased;
only `restart_yes` (kind "danger") wipes, `restart_no` (or Back) returns to the screen the citizen was on, with
everything kept. Where nothing has been given yet (the welcome screen) there is nothing to confirm.
"""

from __future__ import annotations

from kiosk.journey.context import VisitContext
from kiosk.journey.views import LineView, ScreenView

# Screens where a start-over loses nothing, so it happens at once.
NOTHING_HELD = ("welcome", "restart_confirm")


def ask_restart(ctx: VisitContext) -> None:
    if ctx.state.screen == "welcome":
        ctx.session.cancel()
        return
    if ctx.state.screen in NOTHING_HELD:
        return
    ctx.state.restart_from = ctx.state.screen
    ctx.state.screen = "restart_confirm"


def back_from_confirm(ctx: VisitContext) -> None:
    ctx.state.screen = ctx.state.restart_from or "welcome"


def tap_restart_confirm(ctx: VisitContext, target: str) -> None:
    if target == "restart_yes":
        ctx.session.cancel()
    elif target == "restart_no":
        back_from_confirm(ctx)


def held(ctx: VisitContext) -> tuple[str, int, int]:
    """The service under way (its name in the visit's language, "" before one is chosen), the answers given and
    the document pages scanned so far."""
    service = ctx.state.service
    name = service.name.get(ctx.tr.language) if service is not None else ""
    pages = 0
    if ctx.state.form is not None:
        pages = sum(len(p) for p in ctx.state.form.attachment_pages().values())
    return name, len(ctx.state.answered), pages


def view_restart_confirm(ctx: VisitContext) -> ScreenView:
    name, answers, pages = held(ctx)
    lines: list[LineView] = []
    if name:
        lines.append(LineView(ctx.t("journey.restart_lost_service"), name, "info", state=""))
        lines.append(LineView(ctx.t("journey.restart_lost_answers"), str(answers), "info", state=""))
        if pages:
            lines.append(LineView(ctx.t("journey.restart_lost_pages"), str(pages), "info", state=""))
        say = ctx.prompt("journey.restart_confirm_say", service=name, answers=answers, pages=pages)
    else:
        say = ctx.prompt("journey.restart_confirm_say_none")
    choices = (ctx.choice("restart_no", "journey.restart_no"),
               ctx.choice("restart_yes", "journey.restart_yes", "danger"))
    return ScreenView("restart_confirm", "journey.restart_confirm", ctx.t("journey.restart_confirm"),
                      lines=tuple(lines), choices=choices, prompts=(say,), language=ctx.tr.language)

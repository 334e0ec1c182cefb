"""A service offered with a volunteer beside the citizen: before its first question, the visit offers the
volunteer's PIN sign-in (assisted mode, in which the volunteer may also vouch for the face check).

The catalogue marks such a service `assisted: recommended` (the combined death procedure: a grieving family, many
papers; the kiosk-fit note "M–H (assisted)" of the Project 06 list). The offer is gentle and never a gate: the
citizen may go on alone. On a kiosk without volunteers (`[staff] volunteers` empty) the offer is to call the staff
("Gọi cán bộ", the help desk), who may come and vouch; the volunteer sign-in is shown only where one can sign in.
"""

from __future__ import annotations

from kiosk.catalogue.model import ServiceSpec
from kiosk.journey import service_steps
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.views import LineView, ScreenView


def offer(ctx: VisitContext, spec: ServiceSpec) -> bool:
    """Show the offer instead of starting `spec` when it recommends a volunteer and none is signed in."""
    if spec.assisted != "recommended" or ctx.session.helper is not None:
        return False
    ctx.state.offered_service = spec.code
    ctx.state.screen = "assisted_offer"
    return True


def tap_services(ctx: VisitContext, target: str) -> None:
    """The services screen: a service that recommends a volunteer opens the offer first."""
    if target.startswith("service:"):
        spec = ctx.parts.catalogue.get(target.removeprefix("service:"))
        if offer(ctx, spec):
            return
    service_steps.tap_services(ctx, target)


def _volunteers(ctx: VisitContext) -> bool:
    staff = ctx.parts.staff
    return staff is not None and bool(staff.volunteers)


def tap_assisted_offer(ctx: VisitContext, target: str) -> None:
    if target == "volunteer_sign_in" and _volunteers(ctx):
        ctx.state.help_from = "assisted_offer"   # the PIN screen comes back here once the volunteer is in
        ctx.state.typed.pop("pin", None)
        ctx.state.input_error = ""
        ctx.state.screen = "volunteer_pin"
    elif target in ("continue_alone", "start_assisted") and ctx.state.offered_service:
        spec = ctx.parts.catalogue.get(ctx.state.offered_service)
        ctx.state.offered_service = ""
        ctx.state.help_from = ""
        service_steps.choose_service(ctx, spec)


def back(ctx: VisitContext) -> None:
    ctx.state.offered_service = ""
    ctx.state.screen = "services"


def view_assisted_offer(ctx: VisitContext) -> ScreenView:
    code = ctx.state.offered_service
    name = ctx.parts.catalogue.get(code).name.get(ctx.tr.language) if code else ""
    helper = ctx.session.helper
    if helper is not None:
        choices = (ctx.choice("start_assisted", "assisted.start_with_volunteer"), *ctx.nav())
        view = ctx.simple("assisted_offer", "assisted.title", "assisted.volunteer_here_say", choices=choices)
        return replace_view(view, lines=(LineView("", ctx.t("assisted.volunteer_here"), "info"),))
    sign_in = (ctx.choice("volunteer_sign_in", "assisted.volunteer_sign_in"),) if _volunteers(ctx) else ()
    choices = (*sign_in, ctx.choice("continue_alone", "assisted.continue_alone", "secondary"), *ctx.nav())
    say = "assisted.offer_say" if sign_in else "assisted.offer_staff_say"
    view = ctx.simple("assisted_offer", "assisted.title", say, choices=choices)
    return replace_view(view, lines=(LineView("", ctx.t("assisted.offer", service=name), "info"),))

"""The home owner's consent given at the kiosk (permanent residence, Law on Residence 2020 Art. 20 §2: a relative's
or a rented home needs its owner's agreement): the owner places their own ID card and agrees on screen.

A catalogue field of type `owner_card` is answered on the `owner_card` screen by a card swap:

    swap_out        the applicant takes their card away (CardRemoved here is expected: no wipe)
    owner_wait      the owner places theirs (CardPlaced): the card-front QR gives the access key and the chip is
                    read with the same machinery as the applicant's (ICAO 9303-11 BAC/PACE; kiosk.journey.identify);
                    a QrRead of the owner's card front does the same when the camera did not see it
    owner_consent   the owner's name is shown and they tap consent_yes (or consent_no)
    swap_back       the owner takes their card away
    applicant_wait  the applicant places their own card again; it must be the same card holder, and only then is
                    the answer stored and the questions go on

Only the owner's ID number and name and their "agreed" are kept (in the answer, and in the portal's form data);
nothing else from the owner's chip is held, and the applicant's identity held by the session is never replaced.
Throughout, the inactivity timer keeps running: an abandoned swap is wiped like any visit. The citizen can switch
to scanning the owner's signed consent instead (`use_paper`).
"""

from __future__ import annotations

import logging

from devices.card.access_keys import InvalidAccessKeyError, from_qr
from devices.card.errors import CardError
from devices.card.identity import Identity
from kiosk.catalogue.model import FieldSpec
from kiosk.journey import identify, service_steps
from kiosk.journey import questions as q
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.owner_flow import OwnerCardFlow
from kiosk.journey.views import ChoiceView, LineView, ScreenView

log = logging.getLogger(__name__)

# The catalogue field choosing how consent is given; "paper" scans the owner's signed consent instead.
METHOD_FIELD = "consent.method"


def begin(ctx: VisitContext, spec: FieldSpec) -> None:
    """Open the card swap for the `owner_card` field `spec`."""
    flow = OwnerCardFlow(spec.key)
    if not ctx.parts.card_reader.card_present():
        flow.phase = "owner_wait"
    ctx.state.owner_card = flow
    ctx.state.cursor = q.Cursor(spec.key)
    ctx.state.screen = "owner_card"


def card_removed(ctx: VisitContext) -> None:
    """A card left the pad during the swap: the applicant's (expected) or the owner's."""
    flow = ctx.state.owner_card
    if flow is None:
        return
    flow.error_key = ""
    if flow.phase == "swap_out":
        flow.phase = "owner_wait"
    elif flow.phase in ("owner_consent", "swap_back"):
        # The owner's card has gone: what was read of it is forgotten unless they already agreed.
        if not flow.agreed:
            flow.owner_id = ""
            flow.owner_name = ""
        flow.phase = "applicant_wait"


def card_placed(ctx: VisitContext) -> None:
    """A card on the pad: the owner's (owner_wait) or the applicant's own again (applicant_wait)."""
    flow = ctx.state.owner_card
    if flow is None:
        return
    ctx.session.activity()
    if flow.phase not in ("owner_wait", "applicant_wait"):
        return
    text = _card_qr(ctx, skip_id=ctx.state.identity.id_number if (
        flow.phase == "owner_wait" and ctx.state.identity is not None) else "")
    if not text:
        flow.error_key = "owner.card_qr_not_seen"
        return
    qr_text(ctx, text)


def qr_text(ctx: VisitContext, text: str) -> None:
    """A card-front QR code (seen by the camera or held up to it): its key opens the chip on the pad."""
    flow = ctx.state.owner_card
    if flow is None or flow.phase not in ("owner_wait", "applicant_wait"):
        return
    try:
        keys = from_qr(text)
    except InvalidAccessKeyError:
        return  # not a CCCD's code
    if not ctx.parts.card_reader.card_present():
        flow.error_key = "owner.place_card"
        return
    try:
        identity = ctx.parts.card_reader.read_identity(keys)
    except CardError as exc:
        flow.error_key = exc.message_key
        return
    finally:
        ctx.stop_camera()
    if flow.phase == "owner_wait":
        _owner_read(ctx, flow, identity)
    else:
        _applicant_back(ctx, flow, identity)


def _owner_read(ctx: VisitContext, flow: OwnerCardFlow, owner: Identity) -> None:
    applicant = ctx.state.identity
    if applicant is not None and owner.id_number == applicant.id_number:
        flow.error_key = "owner.own_card"
        return
    if owner.security is not None and not owner.security.trustworthy:
        flow.error_key = "owner.card_not_trusted"
        return
    flow.owner_id = owner.id_number
    flow.owner_name = owner.full_name
    flow.error_key = ""
    flow.phase = "owner_consent"
    log.info("owner card read for consent")


def _applicant_back(ctx: VisitContext, flow: OwnerCardFlow, identity: Identity) -> None:
    applicant = ctx.state.identity
    if applicant is None or identity.id_number != applicant.id_number:
        flow.error_key = "owner.not_applicant"
        return
    ctx.session.card_inserted()
    form = ctx.state.form
    ctx.state.owner_card = None
    if form is None:
        return
    if flow.agreed:
        form.set_value(flow.field_key, {"id_number": flow.owner_id, "full_name": flow.owner_name, "consent": True,
                                        "method": "chip"})
        ctx.state.answered.add(flow.field_key)
        service_steps.advance(ctx)
        return
    # The owner did not agree: back to how consent is given (the signed paper, or another try).
    form.set_value(flow.field_key, None)
    form.set_value(METHOD_FIELD, None)
    ctx.state.answered.discard(METHOD_FIELD)
    if METHOD_FIELD in ctx.state.asked:
        ctx.state.asked.remove(METHOD_FIELD)
    service_steps.advance(ctx)
    ctx.state.input_error = "owner.declined"


def tap_owner_card(ctx: VisitContext, target: str) -> None:
    flow = ctx.state.owner_card
    if flow is None:
        return
    if target in ("consent_yes", "consent_no") and flow.phase == "owner_consent":
        flow.agreed = target == "consent_yes"
        if not flow.agreed:
            flow.owner_id = ""
            flow.owner_name = ""
        flow.phase = "swap_back"
    elif target == "try_again" and flow.phase in ("owner_wait", "applicant_wait"):
        flow.error_key = ""
        card_placed(ctx)
    elif target == "use_paper" and flow.phase == "swap_out":
        form = ctx.state.form
        ctx.state.owner_card = None
        if form is not None:
            form.set_value(METHOD_FIELD, "paper")
            ctx.state.answered.add(METHOD_FIELD)
        service_steps.advance(ctx)


def back(ctx: VisitContext) -> None:
    """Back before the swap began returns to the question of how consent is given."""
    flow = ctx.state.owner_card
    if flow is None or flow.phase != "swap_out":
        return
    ctx.state.owner_card = None
    service_steps.back_question(ctx)


def view_owner_card(ctx: VisitContext) -> ScreenView:
    flow = ctx.state.owner_card
    assert flow is not None
    say = f"owner.{flow.phase}_say"
    choices: tuple[ChoiceView, ...]
    lines: tuple[LineView, ...] = ()
    if flow.phase == "swap_out":
        choices = (ctx.choice("use_paper", "owner.use_paper", "secondary"), *ctx.nav())
    elif flow.phase == "owner_consent":
        lines = (LineView(ctx.t("owner.owner"), flow.owner_name, "chip"),)
        choices = (ctx.choice("consent_yes", "owner.consent_yes"), ctx.choice("consent_no", "owner.consent_no",
                                                                               "secondary"), *ctx.nav(back=False))
    elif flow.phase in ("owner_wait", "applicant_wait"):
        retry = (ctx.choice("try_again", "owner.try_again", "secondary"),) if flow.error_key else ()
        choices = (*retry, *ctx.nav(back=False))
    else:
        choices = ctx.nav(back=False)
    if flow.phase == "owner_consent" and ctx.state.identity is not None:
        # The owner is told who asks and what is kept of their card (Law 91/2025/QH15: purpose and minimum data).
        lines = (*lines, LineView("", ctx.t("owner.request", applicant=ctx.state.identity.full_name), "info"))
    view = ctx.simple("owner_card", f"owner.{flow.phase}", say, choices=choices)
    error = flow.error_key
    return replace_view(view, lines=lines, field=flow.field_key, error_key=error, error=ctx.t(error) if error else "",
                        camera=flow.phase in ("owner_wait", "applicant_wait"))


def _card_qr(ctx: VisitContext, skip_id: str = "") -> str:
    """The card-front QR the camera above the pad sees (a few frames), skipping the applicant's own card."""
    try:
        return identify.seen_card_qr(ctx, skip_id)
    finally:
        ctx.stop_camera()

"""The face check: camera frames judged against the chip's photo by the face verifier, and its views.

The chip's portrait (ICAO 9303-10 DG2) is the reference; a volunteer signed in from the help screen may vouch
instead when the check cannot decide. Each check that ends without a match is recorded through
`Session.face_check_failed` (audited, so the statistics count the paths taken); once it says the assisted path is
due, the failed screen offers a volunteer's sign-in (EN 301 549 §5.3: never biometrics only).
"""

from __future__ import annotations

import logging

from devices.face.errors import FaceCheckError
from kiosk.journey import help_desk, metrics_hooks
from kiosk.journey.commands import Frame
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.views import LineView, ScreenView

log = logging.getLogger(__name__)


def start_face(ctx: VisitContext) -> None:
    ctx.state.face = None
    ctx.state.face_frames = 0
    ctx.state.face_started_at = ctx.parts.monotonic()
    ctx.state.face_failed = ""
    photo = ctx.state.identity.photo if ctx.state.identity is not None else None
    try:
        if photo is None:
            raise FaceCheckError("the chip holds no photo")
        ctx.parts.face_verifier.set_reference(photo)
    except FaceCheckError as exc:
        ctx.stop_camera()
        ctx.state.face_failed = getattr(exc, "message_key", "") or "face.check_unavailable"
        ctx.state.screen = "face_failed"
        return
    ctx.start_camera()
    ctx.state.screen = "face"


def face_decided(ctx: VisitContext) -> None:
    result = ctx.parts.face_verifier.result()
    ctx.stop_camera()
    log.info("face check decision=%s frames=%s", result.decision.value, result.frames_seen)
    metrics_hooks.face_decided(ctx, result.decision.value)
    if result.matched:
        ctx.session.face_verified("camera")
        ctx.state.screen = "services"
        return
    ctx.state.face_failed = f"journey.face_{result.decision.value}"
    ctx.state.screen = "face_failed"
    ctx.session.face_check_failed(result.decision.value)


def tap_face_failed(ctx: VisitContext, target: str) -> None:
    if target == "try_again":
        start_face(ctx)
    elif target == "staff_vouch" and ctx.session.helper is not None:
        ctx.session.face_verified("staff")
        metrics_hooks.face_decided(ctx, "staff_vouched")   # the assisted path, counted apart from a match
        ctx.state.screen = "services"
    elif target == "volunteer_sign_in" and ctx.session.face_assistance_due and ctx.parts.staff is not None:
        help_desk.ask_volunteer_pin(ctx)


def view_face(ctx: VisitContext) -> ScreenView:
    view = ctx.simple("face", "journey.face", "journey.face_say", choices=ctx.nav(back=False))
    feedback = ctx.state.face
    lines: tuple[LineView, ...] = ()
    if feedback is not None:
        key = feedback.challenge_key or feedback.hint_key
        if key:
            lines = (LineView("", ctx.t(key), "info"),)
    return replace_view(view, camera=True, lines=lines)


def view_face_failed(ctx: VisitContext) -> ScreenView:
    choices = [ctx.choice("try_again", "journey.try_again")]
    if ctx.session.helper is not None:
        choices.append(ctx.choice("staff_vouch", "journey.staff_vouch", "secondary"))
    elif ctx.session.face_assistance_due and ctx.parts.staff is not None:
        choices.append(ctx.choice("volunteer_sign_in", "journey.volunteer_sign_in", "secondary"))
    view = ctx.simple("face_failed", "journey.face_failed", choices=(*choices, *ctx.nav(back=False)))
    key = ctx.state.face_failed or "journey.face_needs_assistance"
    return replace_view(view, error_key=key, error=ctx.t(key), prompts=(ctx.prompt(key),))


def face_frame(ctx: VisitContext, frame: Frame) -> None:
    """One camera frame on the face screen: judged, then decided, failed or kept looking."""
    state = ctx.state
    state.face_frames += 1
    try:
        state.face = ctx.parts.face_verifier.process(frame)
    except FaceCheckError as exc:
        state.face_failed = getattr(exc, "message_key", "") or "face.check_unavailable"
        state.screen = "face_failed"
        ctx.stop_camera()
        return
    if state.face.done:
        face_decided(ctx)
    elif ctx.parts.monotonic() - state.face_started_at >= ctx.parts.face_seconds:
        decision = "gave_up" if state.face.face_box is not None else "no_face"
        metrics_hooks.face_decided(ctx, decision)
        state.face_failed = "face.needs_assistance"
        state.screen = "face_failed"
        ctx.stop_camera()
        ctx.session.face_check_failed(decision)

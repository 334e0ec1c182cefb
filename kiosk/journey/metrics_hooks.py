"""What the journey core tells the kiosk's metrics (kiosk.fleet.metrics, Prometheus): how visits end, how the face
check decided, how fees and withdrawals turned out. Counts and durations only, never a person.

Every hook does nothing on a kiosk without metrics (`JourneyParts.metrics` is None: `fleet.metrics_address` not
set). The steps call them where the thing happens:

- a visit ends (`visit_ended`, from `Visit.wipe`, which every exit path runs): `journey_completed(service, outcome,
  seconds)` with the time from the visit's first command to its end. Outcome: the file's first-try outcome
  ("sent" or "queued"), "ticket" for a hospital exam slip; without one, "rejected" when the portal refused the
  last send, "handed_to_staff" when staff took over (a volunteer vouched for the face, a volunteer signed in, or
  help was called: a slip for the counter or the help desk told), else "abandoned" (card removed, inactivity or
  "Làm lại" mid-service). A visit is counted once a card was read or a service chosen (service "other" when none
  was); look-up services, the status look-up and withdrawals file nothing and are not counted as journeys.
- each face decision (`face_decided`): the verifier's "match", "no_match", "liveness_failed"; "gave_up" when it
  could not finish ("no_face" when no face was in view at the end); "staff_vouched" when a volunteer or staff member
  vouched instead (the assisted path, counted apart from the automatic match so a province sees how often each
  path is used: EN 301 549 §5.3, never biometrics only).
- a fee (`payment_settled`): "paid" when the bank confirmed the transfer at the kiosk, "not_required",
  "failed" when the payment could not be opened, "cancelled" when the citizen left before paying (they may pay
  later); one count per file code per visit, a fee found already paid is not counted again.
- a withdrawal (`withdrawal`): the outcome kind of `kiosk.submissions.WithdrawOutcome`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.session.events import SessionState

if TYPE_CHECKING:
    from kiosk.fleet.metrics import KioskMetrics
    from kiosk.journey.context import VisitContext
    from kiosk.payment import PaymentOffer

def _metrics(ctx: VisitContext) -> KioskMetrics | None:
    return ctx.parts.metrics


def visit_began(ctx: VisitContext, at: float) -> None:
    """After each command: the first one that took the session out of the welcome screen starts the clock."""
    track = ctx.state.track
    if track.started is None and ctx.session.state is not SessionState.IDLE:
        track.started = at


def visit_ended(ctx: VisitContext) -> None:
    """The visit is being wiped (before its state is forgotten): count the journey and an unsettled fee."""
    metrics = _metrics(ctx)
    state = ctx.state
    if metrics is None or state.track.started is None:
        return
    if state.payment is not None:
        payment_settled(ctx, payment_outcome(state.payment.offer))
    service = state.service
    handed = state.track.staff or ctx.session.helper is not None or state.help_printed \
        or state.help_result is not None
    if service is not None and service.kind == "lookup":
        return
    if service is None and state.identity is None:
        return   # no card read, no service: a look-up, a withdrawal or a tap that went nowhere
    seconds = max(0.0, ctx.parts.monotonic() - state.track.started)
    metrics.journey_completed(service.code if service is not None else "", journey_outcome(ctx, handed), seconds)


def journey_outcome(ctx: VisitContext, handed: bool) -> str:
    from kiosk.hospital.visit import TicketOutcome

    outcome = ctx.state.outcome
    if isinstance(outcome, TicketOutcome):
        return "ticket"
    if outcome is not None and outcome.kind in ("sent", "queued"):
        return outcome.kind
    if ctx.state.track.rejected:
        return "rejected"
    return "handed_to_staff" if handed else "abandoned"


def send_refused(ctx: VisitContext) -> None:
    """The portal's checks refused the file: the visit, if it ends now, ends "rejected"."""
    ctx.state.track.rejected = True


def face_decided(ctx: VisitContext, outcome: str) -> None:
    """One face decision: a verifier's decision value, "gave_up"/"no_face", or "staff_vouched"."""
    if outcome == "staff_vouched":
        ctx.state.track.staff = True
    metrics = _metrics(ctx)
    if metrics is not None:
        metrics.face_check(FACE_DECISIONS.get(outcome, outcome))


# The verifier's decisions (devices.face.verifier.FaceDecision) as the metric's vocabulary names them.
FACE_DECISIONS = {"needs_assistance": "gave_up"}


def payment_settled(ctx: VisitContext, outcome: str) -> None:
    """The fee of the payment flow now open came to `outcome` (counted once per file code in a visit)."""
    flow = ctx.state.payment
    if flow is None or flow.file_code in ctx.state.track.payments:
        return
    if flow.offer is not None and flow.paid_before:
        outcome = ""   # paid on an earlier visit: counted then, not again
    ctx.state.track.payments.add(flow.file_code)
    metrics = _metrics(ctx)
    if metrics is not None and outcome:
        metrics.payment(outcome)


def payment_outcome(offer: PaymentOffer | None) -> str:
    """How an open payment stands when the citizen leaves it."""
    if offer is None:
        return "failed"
    if offer.paid:
        return "paid"
    return "not_required" if offer.state == "not_required" else "cancelled"


def withdrawal(ctx: VisitContext, kind: str) -> None:
    metrics = _metrics(ctx)
    if metrics is not None:
        metrics.withdrawal(kind)


__all__ = ["face_decided", "payment_settled", "send_refused", "visit_began", "visit_ended",
           "withdrawal"]

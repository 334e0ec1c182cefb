"""Hospital check-in beyond its form: an appointment booked earlier, checked in with one tap, and a true "people
ahead" count on the done screen.

When hospital check-in is chosen, today's appointments booked for the card's ID number are looked up on the
hospital's system (an HL7 FHIR R4 Appointment search by the patient's personal identifier, kiosk.hospital.system).
When one is found the first question (field "appointment") offers "check in for your appointment at <time>,
<clinic>": one tap checks the insurance, records the arrival on the hospital's system and prints the exam slip
(nothing was typed, so there is nothing to review); "another clinic" leads to the usual clinic question. Found
nothing (or no link to the hospital), the clinic question comes first as before, so the common path has no extra
screen; when the hospital's system could not be asked, that question says so.

On the done screen the count of people ahead is read again from the hospital's system every `QUEUE_REFRESH_S`
seconds of the visit's clock (on Tick, `HospitalVisit.refresh_queue`), so it goes down as the clinic calls numbers.
Only the hospital's own count is shown; when a later read fails the screen says the count is the last one read,
and a ticket the hospital never confirmed says so (kiosk's own number, staff will confirm) instead of a count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.hospital.system import BookedAppointment
from kiosk.hospital.visit import AppointmentGoneError, CardNeededError, TicketOutcome
from kiosk.journey import questions as q
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.hospital_flow import HospitalFlow
from kiosk.journey.views import ChoiceView, LineView, Prompt, ScreenView
from kiosk.vietnam import VIETNAM_TIME

log = logging.getLogger(__name__)

APPOINTMENT = "appointment"   # the question's field key (not a form field: the booked appointment to check in for)
OTHER_CLINIC = "other_clinic"
# Seconds between two reads of "people ahead" while the done screen shows an exam slip's number: a clinic calls a
# patient every few minutes, so twenty seconds keeps the count current without loading the hospital's system.
QUEUE_REFRESH_S = 20.0


# ---- the appointment question -------------------------------------------------------------------------------
def start(ctx: VisitContext) -> None:
    """Hospital check-in was chosen: nothing tapped yet, and today's appointments for the card's ID number."""
    ctx.state.hospital_flow = HospitalFlow()
    find_appointments(ctx)


def find_appointments(ctx: VisitContext) -> None:
    flow = ctx.state.hospital_flow
    hospital = ctx.state.hospital
    flow.lookup, flow.appointments = "", ()
    if hospital is None:
        return
    try:
        found = hospital.appointments()
    except CardNeededError:
        return
    flow.lookup, flow.appointments = found.status, found.appointments
    log.info("appointment look-up: %s (%d)", found.status, len(found.appointments))


def wants_appointment(ctx: VisitContext) -> bool:
    """The appointment question is due: one was found, and neither tapped nor declined yet."""
    flow = ctx.state.hospital_flow
    return (ctx.state.hospital is not None and bool(flow.appointments) and not flow.declined and not flow.chosen
            and APPOINTMENT not in ctx.state.answered)


def tap_appointment(ctx: VisitContext, target: str, advance: Callable[[VisitContext], None],
                    send: Callable[[VisitContext], None]) -> None:
    """A booked appointment tapped: the clinic is the appointment's and the slip is issued at once (`send`, the
    caller's kiosk.journey.submit.send); "another clinic": on to the usual questions."""

    flow = ctx.state.hospital_flow
    hospital = ctx.state.hospital
    if hospital is None:
        return
    if target == OTHER_CLINIC:
        flow.declined = True
    elif target.startswith("choice:"):
        booked = next((a for a in flow.appointments if a.appointment_id == target.removeprefix("choice:")), None)
        if booked is None:
            return
        flow.chosen = booked.appointment_id
        flow.gone_key = ""
        hospital.specialty = booked.specialty_code
    else:
        return
    ctx.state.answered.add(APPOINTMENT)
    ctx.state.asked.append(APPOINTMENT)
    advance(ctx)
    if flow.chosen and ctx.state.screen == "review":
        send(ctx)


def issues_at_once(ctx: VisitContext, target: str) -> bool:
    """This tap checks in for a booked appointment: a slow command (insurance, hospital system, printer)."""
    cursor = ctx.state.cursor
    return (ctx.state.screen == "question" and cursor is not None and cursor.key == APPOINTMENT
            and target.startswith("choice:"))


def back_to_appointment(ctx: VisitContext) -> None:
    """Back onto the appointment question (from the clinic question or the review)."""
    flow = ctx.state.hospital_flow
    flow.declined = False
    flow.chosen = ""
    if ctx.state.hospital is not None:
        ctx.state.hospital.specialty = ""
    ctx.state.cursor = q.Cursor(APPOINTMENT)


def view_appointment(ctx: VisitContext, base: ScreenView) -> ScreenView:
    flow = ctx.state.hospital_flow
    choices = [ChoiceView(f"choice:{a.appointment_id}", appointment_label(ctx, a), "answer")
               for a in flow.appointments]
    choices.append(ctx.choice(OTHER_CLINIC, "hospital.appointment_other", "secondary"))
    prompts: list[Prompt] = [ctx.prompt("hospital.appointments_found")]
    error = flow.gone_key
    if error:
        prompts.insert(0, ctx.prompt(error))
    asked = base.step[0]
    return replace_view(base, title=ctx.t("hospital.appointment_title"), choices=(*choices, *ctx.nav()),
                        prompts=tuple(prompts), step=(asked, asked), error_key=error,
                        error=ctx.t(error) if error else "")


def appointment_label(ctx: VisitContext, booked: BookedAppointment) -> str:
    hospital = ctx.parts.hospital
    assert hospital is not None
    try:
        clinic = hospital.specialties.get(booked.specialty_code).name.get(ctx.tr.language)
    except KeyError:
        clinic = booked.specialty_code
    if booked.start is None:
        return ctx.t("hospital.appointment_choice_none", clinic=clinic)
    start = booked.start.astimezone(VIETNAM_TIME) if booked.start.tzinfo is not None else booked.start
    return ctx.t("hospital.appointment_choice", time=start.strftime("%H:%M"), clinic=clinic)


def specialty_notes(ctx: VisitContext, view: ScreenView) -> ScreenView:
    """The clinic question says why no appointment is offered when the hospital's system could not be asked, or
    that the appointment tapped is no longer booked."""
    flow = ctx.state.hospital_flow
    key = flow.gone_key or ("hospital.appointments_unavailable" if flow.lookup == "unavailable" else "")
    if not key:
        return view
    return replace_view(view, lines=(*view.lines, LineView("", ctx.t(key), "info", state="")),
                        prompts=(ctx.prompt(key), *view.prompts))


# ---- the exam slip -------------------------------------------------------------------------------------------
def issue(ctx: VisitContext, submission_id: str) -> TicketOutcome:
    """The number (and slip data): for the appointment tapped, or for the clinic chosen. An appointment no longer
    booked raises `AppointmentGoneError` after the list is read again (the review then takes a number for the
    same clinic)."""
    hospital = ctx.state.hospital
    flow = ctx.state.hospital_flow
    assert hospital is not None
    booked = next((a for a in flow.appointments if a.appointment_id == flow.chosen), None)
    if booked is not None and booked.specialty_code == hospital.specialty:
        try:
            outcome = hospital.issue_booked(flow.chosen, submission_id)
        except AppointmentGoneError as exc:
            flow.chosen = ""
            flow.gone_key = exc.message_key
            find_appointments(ctx)
            raise
    else:
        outcome = hospital.issue(submission_id)
    flow.queue_read_at = ctx.parts.monotonic()
    flow.queue_fresh = True
    return outcome


def tick(ctx: VisitContext) -> None:
    """On the done screen of a confirmed exam slip: read "people ahead" again every QUEUE_REFRESH_S seconds."""
    hospital = ctx.state.hospital
    flow = ctx.state.hospital_flow
    if hospital is None or hospital.ticket is None or hospital.ticket.hospital_status != "confirmed":
        return
    now = ctx.parts.monotonic()
    if now - flow.queue_read_at < QUEUE_REFRESH_S:
        return
    flow.queue_read_at = now
    refreshed = hospital.refresh_queue()
    flow.queue_fresh = refreshed is not None and refreshed.fresh


def queue_lines(ctx: VisitContext) -> tuple[LineView, ...]:
    """The done screen's lines under the number and room: the hospital's count of people ahead (and whether it is
    the last one read), or that the hospital has not confirmed the number."""
    hospital = ctx.state.hospital
    ticket = hospital.ticket if hospital is not None else None
    if ticket is None:
        return ()
    if ticket.hospital_status == "unconfirmed":
        return (LineView("", ctx.t("hospital.ticket_unconfirmed"), "info", state=""),)
    if ticket.hospital_status != "confirmed":
        return ()
    lines = [LineView(ctx.t("hospital.people_ahead"), str(ticket.people_ahead), "info")]
    if not ctx.state.hospital_flow.queue_fresh:
        lines.append(LineView("", ctx.t("hospital.queue_not_updated"), "info", state=""))
    return tuple(lines)


def queue_prompts(ctx: VisitContext) -> tuple[Prompt, ...]:
    """An unconfirmed number is said to be unconfirmed (the slip says so too)."""
    hospital = ctx.state.hospital
    ticket = hospital.ticket if hospital is not None else None
    if ticket is not None and ticket.hospital_status == "unconfirmed":
        return (ctx.prompt("hospital.ticket_unconfirmed"),)
    return ()


__all__ = ["APPOINTMENT", "QUEUE_REFRESH_S", "back_to_appointment", "find_appointments", "issue", "issues_at_once",
           "queue_lines", "queue_prompts", "specialty_notes", "start", "tap_appointment", "tick", "view_appointment",
           "wants_appointment"]

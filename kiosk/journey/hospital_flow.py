"""The state of a hospital check-in beyond its form: the appointments found for the card's ID number, the one
tapped, and when the "people ahead" count was last read. Plain data in `VisitState`, wiped with the visit; the step
that drives it is kiosk.journey.hospital_step.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.hospital.system import BookedAppointment


@dataclass
class HospitalFlow:
    # "found", "none", "unavailable" or "not_linked" (kiosk.hospital.checkin.AppointmentLookup), "" before a look-up
    lookup: str = ""
    appointments: tuple[BookedAppointment, ...] = ()
    declined: bool = False          # "another clinic": the usual clinic question instead
    chosen: str = ""                # the appointment id tapped (checked in with `issue_booked`)
    gone_key: str = ""              # the tapped appointment was no longer booked: the message to show
    queue_read_at: float = 0.0      # the visit clock's monotonic seconds when "people ahead" was last read
    queue_fresh: bool = True        # the last read reached the hospital (False: the count shown is older)


__all__ = ["HospitalFlow"]

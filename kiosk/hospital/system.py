"""The hospital's own information system (HIS) as the kiosk sees it: register a visit, follow the queue, find a
booked appointment.

Back ends: `kiosk.hospital.fhir.FhirHospitalSystem` speaks HL7 FHIR R4 REST to the hospital (Patient by the
citizen's personal ID number, Encounter with status `arrived` and class `AMB`, Appointment check-in), and
`kiosk.hospital.simulated_system.SimulatedHospitalSystem` keeps the same resources in memory for demos. Every
failure of the hospital's system is a `HospitalSystemError`: the kiosk then still gives its own number and says
honestly that the hospital has not confirmed it (see `kiosk.hospital.checkin`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from devices.card.identity import Identity
    from kiosk.hospital.insurance import InsuranceCheckResult

VisitStatus = Literal["arrived", "in-progress", "finished", "cancelled", "unknown"]


class HospitalSystemError(ConnectionError):
    """The hospital's system could not be reached, refused the request or answered something unreadable."""

    message_key = "hospital.system_unavailable"


@dataclass(frozen=True)
class PatientDetails:
    """Who is checking in, as the chip (and the insurance check) tell it; never in a log or a repr."""

    id_number: str = field(repr=False)
    full_name: str = field(repr=False)
    birth_date: date | None = field(default=None, repr=False)
    sex: str = field(default="", repr=False)            # "M", "F", "X" or "" as on the chip
    insurance_number: str = field(default="", repr=False)

    @classmethod
    def from_identity(cls, identity: Identity, insurance: InsuranceCheckResult | None = None) -> PatientDetails:
        card = insurance.card_number if insurance is not None and insurance.code == "000" else ""
        return cls(identity.id_number, identity.full_name, identity.date_of_birth, identity.sex, card)


@dataclass(frozen=True)
class VisitRequest:
    """One numbered visit to one clinic on one day; `visit_id` is unique and makes a retried registration safe."""

    specialty_code: str
    specialty_name: str
    day: date
    queue_number: int
    visit_id: str
    appointment_id: str = ""         # the booked appointment this visit fulfils, when there is one
    arrived_at: datetime | None = None


@dataclass(frozen=True)
class VisitRegistration:
    """The hospital's record of the visit: its ids, and the queue as the hospital sees it right now."""

    patient_id: str
    encounter_id: str
    people_ahead: int | None = None  # None: the hospital did not say


@dataclass(frozen=True)
class QueueProgress:
    encounter_id: str
    status: VisitStatus
    people_ahead: int
    now_serving: int = 0             # the highest number of this clinic the hospital has called today (0: none)


@dataclass(frozen=True)
class BookedAppointment:
    """An appointment booked earlier on the hospital's system (by phone, website or at a previous visit)."""

    appointment_id: str
    specialty_code: str
    start: datetime | None = None
    description: str = ""


class HospitalSystem(Protocol):
    """The hospital's system; every method raises `HospitalSystemError` when it cannot be used."""

    def register_visit(self, patient: PatientDetails, visit: VisitRequest) -> VisitRegistration:
        """Find or create the patient (never a duplicate), then record the visit as arrived; with
        `visit.appointment_id`, mark that appointment arrived too. Safe to repeat with the same `visit_id`."""
        ...

    def queue_progress(self, encounter_id: str) -> QueueProgress: ...

    def find_appointments(self, id_number: str, day: date) -> list[BookedAppointment]:
        """The patient's appointments still to be checked in (status booked) on `day`."""
        ...

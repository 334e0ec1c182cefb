"""Hospital check-in with the chip ID card: insurance check → specialty → queue number → exam slip data.

The reception flow of letter 931/BYT-BH (28 Feb 2022) as provincial hospitals run it: the chip replaces the
BHYT card; on code 000 the patient picks a specialty and gets a numbered exam slip; on any other code the kiosk
never dead-ends: a new card is re-checked, a refused or unreachable gateway is retried and the technician
alerted, and everything else ends with a reception-counter ticket that says why.

With the hospital's own system linked (`kiosk.hospital.system`), a clinic number is also registered there (Patient
and an arrived Encounter); the "people ahead" count is then the hospital's, and `refresh_queue` reads it again as
the clinic calls patients (which also marks them called in the kiosk's own count). When the hospital's system
cannot be reached the kiosk still gives its number, and the ticket says plainly that the hospital has not confirmed
it yet and staff will. An appointment booked earlier is found by the chip's ID number and checked in with one tap
(`find_appointments`, `check_in_appointment`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import yaml

from devices.card.identity import Identity
from kiosk.catalogue.model import LocalText
from kiosk.hospital.insurance import (
    UNAVAILABLE,
    CodeMeaning,
    InsuranceAction,
    InsuranceCheckResult,
    InsuranceGateway,
    InsuranceQuery,
    InsuranceUnavailableError,
)
from kiosk.hospital.queue_numbers import SqliteQueueNumbers
from kiosk.hospital.system import (
    BookedAppointment,
    HospitalSystem,
    HospitalSystemError,
    PatientDetails,
    VisitRequest,
)

log = logging.getLogger(__name__)
SHIPPED_SPECIALTIES = Path(__file__).with_name("specialties.yaml")


class SpecialtiesInvalidError(ValueError):
    message_key = "hospital.specialties_refused"


@dataclass(frozen=True)
class Specialty:
    code: str
    name: LocalText
    room: str
    floor: str
    doctors: int = 1
    icon: str = ""


@dataclass(frozen=True)
class Specialties:
    clinics: tuple[Specialty, ...]
    counter: Specialty

    def get(self, code: str) -> Specialty:
        for s in (*self.clinics, self.counter):
            if s.code == code:
                return s
        raise KeyError(code)


def load_specialties(path: Path | None = None) -> Specialties:
    path = path or SHIPPED_SPECIALTIES
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        clinics = tuple(_specialty(s) for s in raw["specialties"])
        counter = _specialty(raw["counter"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise SpecialtiesInvalidError(f"{path}: {type(exc).__name__}: {exc}") from exc
    if not clinics:
        raise SpecialtiesInvalidError(f"{path}: no specialties")
    return Specialties(clinics, counter)


def _specialty(raw: dict[str, object]) -> Specialty:
    doctors = raw.get("doctors", 1)
    if not isinstance(doctors, int) or doctors < 1:
        raise ValueError(f"{raw.get('code')}: doctors must be a whole number ≥ 1")
    return Specialty(str(raw["code"]), LocalText(str(raw["vi"]), str(raw["en"])), str(raw["room"]),
                     str(raw["floor"]), doctors, str(raw.get("icon", "")))


@dataclass(frozen=True)
class InsuranceDecision:
    """What the check-in screen does next, and the sentence (message key) it tells the patient."""

    action: InsuranceAction
    message_key: str
    result: InsuranceCheckResult | None   # None when the gateway could not be reached
    self_pay_possible: bool = False
    technician_alert: bool = False        # 401 or unreachable: the kiosk's link or credentials need a look


HospitalStatus = Literal["confirmed", "unconfirmed", "not_linked"]


@dataclass(frozen=True)
class ExamTicket:
    """The data of one numbered slip; `to_queue_ticket_data` turns it into the printer's document."""

    queue_number: str
    number: int
    visit_id: str
    specialty: Specialty
    patient_name: str = field(repr=False)
    id_number: str = field(repr=False)
    birth_year: int | None = field(default=None, repr=False)
    sex: str = field(default="", repr=False)   # "M", "F" or ""
    patient_type: str = "insurance"             # "insurance" | "self_pay"
    insurance: InsuranceCheckResult | None = None
    reason_key: str = ""                        # counter tickets: why the patient goes to the counter
    people_ahead: int = 0
    estimated_wait_min: int = 0
    issued_at: datetime = field(default_factory=datetime.now)
    # "confirmed": the hospital's system recorded the visit; "unconfirmed": it could not be reached, the number is
    # the kiosk's alone; "not_linked": this kiosk has no link to the hospital's system (or a counter ticket).
    hospital_status: HospitalStatus = "not_linked"
    encounter_id: str = ""
    appointment_id: str = ""


@dataclass(frozen=True)
class QueueRefresh:
    """A ticket with its "people ahead" read again; `fresh` is False when the hospital could not be asked."""

    ticket: ExamTicket
    fresh: bool
    status: str = ""     # the visit's status at the hospital: arrived, in-progress, finished, …


@dataclass(frozen=True)
class AppointmentLookup:
    status: Literal["found", "none", "unavailable", "not_linked"]
    appointments: tuple[BookedAppointment, ...] = ()

    @property
    def message_key(self) -> str:
        return f"hospital.appointments_{self.status}"


@dataclass(frozen=True)
class AppointmentCheckIn:
    """The result of the one-tap check-in of a booked appointment.

    checked_in: the hospital recorded it, the ticket is for the appointment's clinic; unconfirmed: the kiosk's own
    number for that clinic, staff will confirm; counter: the insurance check (or an unknown clinic) sends the patient
    to the reception counter; unknown: the appointment is not (or no longer) among the patient's bookings today.
    """

    status: Literal["checked_in", "unconfirmed", "counter", "unknown"]
    ticket: ExamTicket | None
    decision: InsuranceDecision | None
    message_key: str


class HospitalCheckIn:
    def __init__(self, gateway: InsuranceGateway, queue: SqliteQueueNumbers, specialties: Specialties,
                 minutes_per_patient: float, clock: Callable[[], datetime] = datetime.now, *,
                 system: HospitalSystem | None = None) -> None:
        self._gateway = gateway
        self._queue = queue
        self.specialties = specialties
        self._minutes = minutes_per_patient
        self._clock = clock
        self.system = system

    def check_insurance(self, identity: Identity, card_number: str = "") -> InsuranceDecision:
        """Check the card behind this ID (or a given BHYT card code, e.g. the new card after 003/004)."""
        birth = identity.date_of_birth.strftime("%d/%m/%Y") if identity.date_of_birth else ""
        query = InsuranceQuery(card_number or identity.id_number, identity.full_name, birth)
        try:
            result = self._gateway.check(query)
        except InsuranceUnavailableError:
            log.warning("insurance gateway unreachable; technician alerted")
            return _decision(UNAVAILABLE, None, alert=True)
        log.info("insurance check result %s", result.code)
        if result.action is InsuranceAction.NEW_CARD and result.new_card_number and not card_number:
            again = self.check_insurance(identity, result.new_card_number)
            if again.action is InsuranceAction.PROCEED:
                return again
            return _decision(result.meaning, result)
        return _decision(result.meaning, result, alert=result.action is InsuranceAction.RETRY)

    def issue_ticket(self, identity: Identity, specialty_code: str, decision: InsuranceDecision,
                     appointment_id: str = "") -> ExamTicket:
        """A number for a clinic after a valid check, registered with the hospital's system when one is linked;
        any other outcome gets a counter ticket instead."""
        if decision.action is not InsuranceAction.PROCEED:
            return self.issue_counter_ticket(identity, decision)
        ticket = self._ticket(identity, self.specialties.get(specialty_code), "insurance", decision.result, "")
        return self._register(identity, ticket, appointment_id)

    def _register(self, identity: Identity, ticket: ExamTicket, appointment_id: str) -> ExamTicket:
        if self.system is None:
            return ticket
        visit = VisitRequest(ticket.specialty.code, ticket.specialty.name.vi, ticket.issued_at.date(), ticket.number,
                             ticket.visit_id, appointment_id, ticket.issued_at)
        try:
            registration = self.system.register_visit(PatientDetails.from_identity(identity, ticket.insurance), visit)
        except HospitalSystemError as exc:
            log.warning("hospital system did not record the visit (%s); the kiosk's number stands, unconfirmed", exc)
            return replace(ticket, hospital_status="unconfirmed")
        ticket = replace(ticket, hospital_status="confirmed", encounter_id=registration.encounter_id,
                         appointment_id=appointment_id)
        return self._with_ahead(ticket, registration.people_ahead) if registration.people_ahead is not None \
            else ticket

    def _with_ahead(self, ticket: ExamTicket, ahead: int) -> ExamTicket:
        wait = math.ceil(ahead * self._minutes / max(1, ticket.specialty.doctors))
        return replace(ticket, people_ahead=ahead, estimated_wait_min=wait)

    def refresh_queue(self, ticket: ExamTicket) -> QueueRefresh:
        """Read the ticket's "people ahead" again: from the hospital's system for a confirmed visit (numbers it has
        called are marked called in the kiosk's count too), else from the kiosk's own count."""
        if self.system is not None and ticket.encounter_id:
            try:
                progress = self.system.queue_progress(ticket.encounter_id)
            except HospitalSystemError as exc:
                log.warning("hospital queue not readable now: %s", exc)
                return QueueRefresh(ticket, fresh=False)
            if progress.now_serving:
                self._queue.mark_called(ticket.specialty.code, progress.now_serving)
            return QueueRefresh(self._with_ahead(ticket, progress.people_ahead), True, progress.status)
        ahead = self._queue.waiting_before(ticket.specialty.code, ticket.number)
        return QueueRefresh(self._with_ahead(ticket, ahead), fresh=self.system is None)

    def find_appointments(self, identity: Identity) -> AppointmentLookup:
        """Today's appointments booked for this ID number on the hospital's system, earliest first; only those
        for a clinic this kiosk serves."""
        if self.system is None:
            return AppointmentLookup("not_linked")
        try:
            found = self.system.find_appointments(identity.id_number, self._clock().date())
        except HospitalSystemError as exc:
            log.warning("appointment search failed: %s", exc)
            return AppointmentLookup("unavailable")
        codes = {s.code for s in self.specialties.clinics}
        usable = tuple(a for a in found if a.specialty_code in codes)
        return AppointmentLookup("found" if usable else "none", usable)

    def check_in_appointment(self, identity: Identity, appointment_id: str) -> AppointmentCheckIn:
        """One tap: check the insurance, take a number for the appointment's clinic and record the arrival."""
        lookup = self.find_appointments(identity)
        booked = next((a for a in lookup.appointments if a.appointment_id == appointment_id), None)
        if booked is None:
            return AppointmentCheckIn("unknown", None, None, "hospital.appointment_unknown")
        decision = self.check_insurance(identity)
        if decision.action is not InsuranceAction.PROCEED:
            return AppointmentCheckIn("counter", self.issue_counter_ticket(identity, decision), decision,
                                      decision.message_key)
        ticket = self.issue_ticket(identity, booked.specialty_code, decision, appointment_id)
        if ticket.hospital_status == "confirmed":
            return AppointmentCheckIn("checked_in", ticket, decision, "hospital.appointment_checked_in")
        return AppointmentCheckIn("unconfirmed", ticket, decision, "hospital.ticket_unconfirmed")

    def issue_counter_ticket(self, identity: Identity | None, decision: InsuranceDecision | None) -> ExamTicket:
        return self._ticket(identity, self.specialties.counter, "self_pay",
                            decision.result if decision else None, decision.message_key if decision else "")

    def _ticket(self, identity: Identity | None, specialty: Specialty, patient_type: str,
                result: InsuranceCheckResult | None, reason: str) -> ExamTicket:
        allocation = self._queue.allocate(specialty.code)
        wait = math.ceil(allocation.people_ahead * self._minutes / max(1, specialty.doctors))
        dob = identity.date_of_birth if identity else None
        now = self._clock()
        return ExamTicket(
            queue_number=f"{allocation.number:03d}", number=allocation.number,
            visit_id=f"{now:%y%m%d}-{specialty.code}-{allocation.number:04d}", specialty=specialty,
            patient_name=identity.full_name if identity else "", id_number=identity.id_number if identity else "",
            birth_year=dob.year if isinstance(dob, date) else None,
            sex=identity.sex if identity and identity.sex in ("M", "F") else "", patient_type=patient_type,
            insurance=result, reason_key=reason, people_ahead=allocation.people_ahead, estimated_wait_min=wait,
            issued_at=now,
        )


def _decision(meaning: CodeMeaning, result: InsuranceCheckResult | None, alert: bool = False) -> InsuranceDecision:
    return InsuranceDecision(meaning.action, meaning.message_key, result, meaning.self_pay, alert)


"""A hospital's system inside the kiosk process, for demos and tests: the same FHIR records as the HTTP simulator.

It writes the very resources the FHIR back end sends (`kiosk.hospital.fhir`), into a `FhirStore` whose clinics
call their next patient every `call_every_s` seconds, so the "people ahead" count on a demo ticket goes down as a
real one would. `UNREACHABLE_ID` behaves like a hospital system that does not answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk.hospital.fhir import encounter_resource, parse_appointment, parse_queue_position, patient_resource
from kiosk.hospital.fhir_store import FhirRefused, FhirStore
from kiosk.hospital.system import (
    BookedAppointment,
    HospitalSystemError,
    PatientDetails,
    QueueProgress,
    VisitRegistration,
    VisitRequest,
)

UNREACHABLE_ID = "001099999998"


@dataclass
class SimulatedHospitalSystem:
    store: FhirStore = field(default_factory=FhirStore)

    def register_visit(self, patient: PatientDetails, visit: VisitRequest) -> VisitRegistration:
        if patient.id_number == UNREACHABLE_ID:
            raise HospitalSystemError("simulated hospital system: no answer")
        systems = self.store.systems
        try:
            _, stored = self.store.create("Patient", patient_resource(patient, systems),
                                          f"identifier={systems.national_id}|{patient.id_number}")
            if visit.appointment_id:
                current = self.store.read("Appointment", visit.appointment_id)
                if current.get("status") == "booked":
                    self.store.update("Appointment", visit.appointment_id, {**current, "status": "arrived"},
                                      current["meta"]["versionId"])
                elif current.get("status") != "arrived":
                    raise HospitalSystemError("the appointment is not booked")
            _, encounter = self.store.create("Encounter", encounter_resource(stored["id"], visit, systems),
                                             f"identifier={systems.visit}|{visit.visit_id}")
        except FhirRefused as refused:
            raise HospitalSystemError(f"refused: {refused.status} {refused.code}") from None
        progress = self.queue_progress(str(encounter["id"]))
        return VisitRegistration(str(stored["id"]), str(encounter["id"]), progress.people_ahead)

    def queue_progress(self, encounter_id: str) -> QueueProgress:
        try:
            return parse_queue_position(encounter_id, self.store.queue_position(encounter_id))
        except FhirRefused as refused:
            raise HospitalSystemError(f"refused: {refused.status} {refused.code}") from None

    def find_appointments(self, id_number: str, day: date) -> list[BookedAppointment]:
        if id_number == UNREACHABLE_ID:
            raise HospitalSystemError("simulated hospital system: no answer")
        bundle = self.store.search("Appointment", {
            "patient.identifier": f"{self.store.systems.national_id}|{id_number}", "date": day.isoformat(),
            "status": "booked"})
        found = [parse_appointment(e["resource"], self.store.systems) for e in bundle["entry"]]
        return [a for a in found if a is not None and a.specialty_code]

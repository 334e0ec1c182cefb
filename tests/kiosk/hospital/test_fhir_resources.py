"""The FHIR resources the kiosk writes and reads are valid R4 shapes (checked with the fhir.resources R4B models,
whose Patient, Encounter, Appointment, Parameters and Bundle are those of R4)."""

from datetime import date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.patient import Patient

from kiosk.hospital.fhir import (
    ACT_CODE,
    NATIONAL_ID_SYSTEM,
    CodeSystems,
    appointment_resource,
    encounter_resource,
    parse_appointment,
    parse_queue_position,
    patient_resource,
)
from kiosk.hospital.fhir_store import FhirRefused, FhirStore
from kiosk.hospital.system import HospitalSystemError, PatientDetails, VisitRequest

SYSTEMS = CodeSystems(code_base="https://his.benhvien-demo.vn/fhir")
PATIENT = PatientDetails("001090012345", "NGUYỄN VĂN AN", date(1990, 3, 5), "M", "DN4790123456789")
MORNING = datetime(2026, 11, 24, 7, 15)
VISIT = VisitRequest("NOI", "Khám Nội tổng quát", MORNING.date(), 5, "261124-NOI-0005", arrived_at=MORNING)


def test_patient_carries_the_cccd_number_name_birth_date_gender_and_insurance_number() -> None:
    resource = patient_resource(PATIENT, SYSTEMS)
    Patient.model_validate(resource)
    assert resource["identifier"][0]["system"] == NATIONAL_ID_SYSTEM
    assert resource["identifier"][0]["value"] == "001090012345"
    assert resource["identifier"][1]["value"] == "DN4790123456789"
    assert resource["name"] == [{"use": "official", "text": "NGUYỄN VĂN AN", "family": "NGUYỄN", "given": ["VĂN AN"]}]
    assert (resource["gender"], resource["birthDate"]) == ("male", "1990-03-05")


def test_patient_without_a_valid_card_has_no_insurance_identifier_and_unknown_sex_maps_to_unknown() -> None:
    resource = patient_resource(PatientDetails("001090012345", "AN", None, ""), SYSTEMS)
    Patient.model_validate(resource)
    assert len(resource["identifier"]) == 1 and resource["gender"] == "unknown" and "birthDate" not in resource


def test_encounter_is_an_arrived_ambulatory_visit_with_clinic_queue_number_and_appointment() -> None:
    resource = encounter_resource("pat-1", VisitRequest(**{**VISIT.__dict__, "appointment_id": "app-7"}), SYSTEMS)
    Encounter.model_validate(resource)
    assert resource["status"] == "arrived"
    assert resource["class"] == {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}
    assert resource["serviceType"]["coding"][0]["code"] == "NOI"
    assert resource["extension"] == [{"url": SYSTEMS.queue_number, "valueInteger": 5}]
    assert resource["identifier"][0]["value"] == "261124-NOI-0005"
    assert resource["period"]["start"] == "2026-11-24T07:15:00+07:00"  # a time needs its offset in FHIR
    assert resource["appointment"] == [{"reference": "Appointment/app-7"}]
    assert resource["subject"] == {"reference": "Patient/pat-1"}


def test_appointment_round_trips_through_the_parser() -> None:
    resource = appointment_resource("pat-1", "TMH", "Khám Tai Mũi Họng", datetime(2026, 11, 24, 9, 30),
                                    systems=SYSTEMS)
    Appointment.model_validate(resource)
    parsed = parse_appointment({**resource, "id": "app-3"}, SYSTEMS)
    assert parsed is not None and parsed.specialty_code == "TMH"
    assert parsed.start is not None and parsed.start.hour == 9
    assert parse_appointment({**resource, "id": "../Patient"}, SYSTEMS) is None  # not a FHIR id


def _stored(store: FhirStore) -> dict[str, Any]:
    _, patient = store.create("Patient", patient_resource(PATIENT, SYSTEMS))
    _, encounter = store.create("Encounter", encounter_resource(patient["id"], VISIT, SYSTEMS))
    return encounter


def test_store_answers_are_valid_r4_parameters_bundles_and_outcomes() -> None:
    store = FhirStore(SYSTEMS, clock=lambda: MORNING, call_every_s=None)
    encounter = _stored(store)
    Encounter.model_validate(encounter)
    answer = store.queue_position(encounter["id"])
    Parameters.model_validate(answer)
    assert parse_queue_position(encounter["id"], answer).people_ahead == 0
    Bundle.model_validate(store.search("Encounter", {"status": "arrived", "date": "2026-11-24"}))
    with pytest.raises(FhirRefused) as refused:
        store.read("Patient", "nobody")
    OperationOutcome.model_validate(refused.value.outcome())
    assert refused.value.status == 404


def test_a_queue_answer_without_a_count_is_refused() -> None:
    with pytest.raises(HospitalSystemError):
        parse_queue_position("enc-1", {"resourceType": "Parameters", "parameter": [{"name": "status",
                                                                                     "valueCode": "arrived"}]})
    with pytest.raises(HospitalSystemError):
        parse_queue_position("enc-1", {"resourceType": "Bundle"})


def test_conditional_create_finds_the_existing_patient_and_refuses_an_ambiguous_match() -> None:
    store = FhirStore(SYSTEMS, clock=lambda: MORNING, call_every_s=None)
    search = f"identifier={NATIONAL_ID_SYSTEM}|001090012345"
    first = store.create("Patient", patient_resource(PATIENT, SYSTEMS), search)
    again = store.create("Patient", patient_resource(PATIENT, SYSTEMS), search)
    assert (first[0], again[0]) == (201, 200) and first[1]["id"] == again[1]["id"]
    store.create("Patient", patient_resource(PATIENT, SYSTEMS))  # a duplicate made without the condition
    with pytest.raises(FhirRefused) as refused:
        store.create("Patient", patient_resource(PATIENT, SYSTEMS), search)
    assert refused.value.status == 412


def test_an_encounter_for_an_unknown_patient_or_without_a_queue_number_is_refused() -> None:
    store = FhirStore(SYSTEMS, clock=lambda: MORNING, call_every_s=None)
    with pytest.raises(FhirRefused, match="subject"):
        store.create("Encounter", encounter_resource("pat-404", VISIT, SYSTEMS))
    _, patient = store.create("Patient", patient_resource(PATIENT, SYSTEMS))
    no_number = {k: v for k, v in encounter_resource(patient["id"], VISIT, SYSTEMS).items() if k != "extension"}
    with pytest.raises(FhirRefused, match="queue number"):
        store.create("Encounter", no_number)


def test_an_update_with_a_stale_version_is_refused() -> None:
    store = FhirStore(SYSTEMS, clock=lambda: MORNING, call_every_s=None)
    _, patient = store.create("Patient", patient_resource(PATIENT, SYSTEMS))
    _, booked = store.create("Appointment", appointment_resource(patient["id"], "NOI", "Nội", MORNING,
                                                                 systems=SYSTEMS))
    store.update("Appointment", booked["id"], {**booked, "status": "arrived"}, 'W/"1"')
    with pytest.raises(FhirRefused) as refused:
        store.update("Appointment", booked["id"], {**booked, "status": "cancelled"}, 'W/"1"')
    assert refused.value.status == 412

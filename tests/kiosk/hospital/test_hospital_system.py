"""Check-in with the hospital's own system: the visit is registered, the "people ahead" count is the hospital's and
goes down as the clinic calls patients, a booked appointment is checked in with one tap, and an unreachable hospital
system leaves an honest, kiosk-numbered ticket."""

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.hospital.checkin import HospitalCheckIn, load_specialties
from kiosk.hospital.fhir import CodeSystems
from kiosk.hospital.fhir_store import FhirStore
from kiosk.hospital.queue_numbers import SqliteQueueNumbers
from kiosk.hospital.simulated import SimulatedInsuranceGateway, demo_id_for
from kiosk.hospital.simulated_system import UNREACHABLE_ID, SimulatedHospitalSystem
from kiosk.hospital.system import PatientDetails
from kiosk.hospital.ticket import to_queue_ticket_data
from kiosk.vietnam import VIETNAM_TIME
from printing import Issuer, render_queue_ticket
from tests.kiosk.forms.samples import IDENTITY

MORNING = datetime(2026, 11, 24, 7, 15, tzinfo=VIETNAM_TIME)
ISSUER = Issuer("Bệnh viện Đa khoa Demo", "KIOSK-01", "1900 0000")


class Clock:
    def __init__(self) -> None:
        self.now = MORNING

    def __call__(self) -> datetime:
        return self.now


def make(tmp_path: Path, clock: Clock, call_every_s: float | None = None,
         linked: bool = True) -> tuple[HospitalCheckIn, FhirStore, SqliteQueueNumbers]:
    store = FhirStore(CodeSystems(), clock=clock, call_every_s=call_every_s)
    queue = SqliteQueueNumbers(tmp_path / "q.sqlite3", clock)
    checkin = HospitalCheckIn(SimulatedInsuranceGateway(today=lambda: clock().date()), queue, load_specialties(),
                              6.0, clock, system=SimulatedHospitalSystem(store) if linked else None)
    return checkin, store, queue


def patient(n: int) -> object:
    return dataclasses.replace(IDENTITY, id_number=f"0010900{n:05d}")


def test_each_clinic_number_is_registered_as_an_arrived_encounter_and_a_second_visit_reuses_the_patient(
        tmp_path: Path) -> None:
    clock = Clock()
    checkin, store, _ = make(tmp_path, clock)
    first = checkin.issue_ticket(IDENTITY, "NOI", checkin.check_insurance(IDENTITY))
    clock.now += timedelta(days=7)
    second = checkin.issue_ticket(IDENTITY, "MAT", checkin.check_insurance(IDENTITY))
    assert first.hospital_status == second.hospital_status == "confirmed"
    assert len(store.all("Patient")) == 1
    encounters = store.all("Encounter")
    assert [e["status"] for e in encounters] == ["arrived", "arrived"]
    assert {e["id"] for e in encounters} == {first.encounter_id, second.encounter_id}


def test_people_ahead_comes_from_the_hospital_and_goes_down_as_the_clinic_calls(tmp_path: Path) -> None:
    clock = Clock()
    checkin, store, queue = make(tmp_path, clock)
    tickets = [checkin.issue_ticket(patient(n), "NHI", checkin.check_insurance(patient(n))) for n in range(4)]
    last = tickets[-1]
    assert last.people_ahead == 3 and last.estimated_wait_min == 9  # 3 × 6 min / 2 doctors
    assert store.call_next("NHI") == 1
    assert store.call_next("NHI") == 2
    refreshed = checkin.refresh_queue(last)
    assert refreshed.fresh and refreshed.ticket.people_ahead == 1  # number 2 is being seen, number 3 waits
    assert refreshed.status == "arrived"
    # The hospital's calls are now the kiosk's too: its own count (used when the hospital is down) agrees.
    assert queue.waiting_before("NHI", 4) == 1


def test_the_simulated_clinic_calls_the_next_patient_every_consultation(tmp_path: Path) -> None:
    clock = Clock()
    checkin, _, _ = make(tmp_path, clock, call_every_s=360.0)
    tickets = [checkin.issue_ticket(patient(n), "MAT", checkin.check_insurance(patient(n))) for n in range(4)]
    assert tickets[-1].people_ahead == 3
    clock.now += timedelta(seconds=360 * 2 + 5)  # two calls: number 1 done, number 2 being seen, 3 waits
    assert checkin.refresh_queue(tickets[-1]).ticket.people_ahead == 1
    clock.now += timedelta(seconds=360)
    assert checkin.refresh_queue(tickets[-1]).ticket.people_ahead == 0
    clock.now += timedelta(seconds=360)
    seen = checkin.refresh_queue(tickets[-1])
    assert seen.ticket.people_ahead == 0 and seen.status == "in-progress"


def test_an_unreachable_hospital_system_leaves_a_kiosk_number_that_says_so(tmp_path: Path) -> None:
    clock = Clock()
    checkin, store, _ = make(tmp_path, clock)
    who = dataclasses.replace(IDENTITY, id_number=UNREACHABLE_ID)
    checkin.issue_ticket(IDENTITY, "NOI", checkin.check_insurance(IDENTITY))
    ticket = checkin.issue_ticket(who, "NOI", checkin.check_insurance(who))
    assert ticket.hospital_status == "unconfirmed" and ticket.encounter_id == ""
    assert ticket.queue_number == "002" and ticket.people_ahead == 1  # the kiosk's own count, not made up
    assert len(store.all("Encounter")) == 1
    refreshed = checkin.refresh_queue(ticket)
    assert not refreshed.fresh and refreshed.ticket.people_ahead == 1
    data = to_queue_ticket_data(ticket, ISSUER, "en", ("not confirmed yet",))
    assert data.extra_notes == ("not confirmed yet",)
    assert render_queue_ticket(data).pdf.startswith(b"%PDF")


def test_a_booked_appointment_is_found_by_the_chip_id_and_checked_in_with_one_tap(tmp_path: Path) -> None:
    clock = Clock()
    checkin, store, _ = make(tmp_path, clock)
    details = PatientDetails(IDENTITY.id_number, IDENTITY.full_name, IDENTITY.date_of_birth, IDENTITY.sex)
    booked = store.book(details, "TMH", "Khám Tai Mũi Họng", MORNING.replace(hour=9, minute=30))
    store.book(details, "MAT", "Khám Mắt", MORNING + timedelta(days=1))  # tomorrow's is not offered today
    store.book(PatientDetails("001090099999", "TRẦN THỊ B"), "TMH", "Khám Tai Mũi Họng", MORNING)  # someone else
    lookup = checkin.find_appointments(IDENTITY)
    assert lookup.status == "found" and [a.appointment_id for a in lookup.appointments] == [booked]
    assert lookup.appointments[0].specialty_code == "TMH"
    result = checkin.check_in_appointment(IDENTITY, booked)
    assert result.status == "checked_in" and result.ticket is not None
    assert result.ticket.specialty.code == "TMH" and result.ticket.appointment_id == booked
    assert store.read("Appointment", booked)["status"] == "arrived"
    encounter = store.read("Encounter", result.ticket.encounter_id)
    assert encounter["appointment"] == [{"reference": f"Appointment/{booked}"}]
    assert len(store.all("Patient")) == 2  # the booking's patient record was reused, not duplicated
    assert checkin.find_appointments(IDENTITY).status == "none"
    assert checkin.check_in_appointment(IDENTITY, booked).status == "unknown"  # a second tap takes no number


def test_an_appointment_with_an_insurance_problem_goes_to_the_counter_and_stays_booked(tmp_path: Path) -> None:
    clock = Clock()
    checkin, store, _ = make(tmp_path, clock)
    who = dataclasses.replace(IDENTITY, id_number=demo_id_for("010"))
    booked = store.book(PatientDetails(who.id_number, who.full_name), "NOI", "Nội", MORNING)
    result = checkin.check_in_appointment(who, booked)
    assert result.status == "counter" and result.ticket is not None and result.ticket.specialty.code == "QUAY"
    assert store.read("Appointment", booked)["status"] == "booked"


def test_appointments_when_the_hospital_is_down_or_not_linked(tmp_path: Path) -> None:
    clock = Clock()
    checkin, _, _ = make(tmp_path, clock)
    assert checkin.find_appointments(dataclasses.replace(IDENTITY, id_number=UNREACHABLE_ID)).status == "unavailable"
    unlinked, _, _ = make(tmp_path / "other", clock, linked=False)
    assert unlinked.find_appointments(IDENTITY).status == "not_linked"
    ticket = unlinked.issue_ticket(IDENTITY, "NOI", unlinked.check_insurance(IDENTITY))
    assert ticket.hospital_status == "not_linked"


@pytest.mark.parametrize("backend", ["off", "simulated", "fhir"])
def test_the_configured_back_end_is_built(backend: str) -> None:
    from kiosk.bootstrap import _hospital_system
    from kiosk.config import load_config
    from kiosk.hospital.fhir import FhirHospitalSystem

    config = load_config(overrides={"hospital": {"system_backend": backend,
                                                 "system_url": "https://his.benhvien-demo.vn/fhir"}})
    system = _hospital_system(config, lambda: MORNING)
    expected = {"off": type(None), "simulated": SimulatedHospitalSystem, "fhir": FhirHospitalSystem}[backend]
    assert isinstance(system, expected)
    if isinstance(system, FhirHospitalSystem):
        assert system.base_url == "https://his.benhvien-demo.vn/fhir"


@pytest.mark.parametrize(("settings", "problem"), [
    ({"system_backend": "fhir"}, "hospital.system_url must be set"),
    ({"system_backend": "fhir", "system_url": "ftp://his.benhvien-demo.vn"}, "hospital.system_url must be an http"),
    ({"system_backend": "hl7v2"}, "hospital.system_backend must be one of"),
    ({"system_deadline_s": 0}, "hospital.system_deadline_s must be between"),
])
def test_hospital_system_settings_are_checked(settings: dict[str, object], problem: str) -> None:
    from kiosk.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=problem):
        load_config(overrides={"hospital": settings})

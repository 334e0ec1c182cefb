"""The kiosk-level calls a journey makes at a hospital: find today's booked appointments, check one in with a tap,
read the "people ahead" again; and the exam slip of an unconfirmed number says so."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk
from kiosk.config import load_config
from kiosk.hospital.simulated_system import UNREACHABLE_ID, SimulatedHospitalSystem
from kiosk.hospital.system import PatientDetails
from kiosk.hospital.visit import AppointmentGoneError, HospitalVisit
from tests.kiosk.forms.samples import IDENTITY

MONDAY = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"},
                                "hospital": {"queue_db": str(tmp_path / "queue.db")}})
    config = dataclasses.replace(config, portal=dataclasses.replace(config.portal, start_simulator=False))
    built = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=MONDAY))
    yield built
    built.close()


def _visit(kiosk: Kiosk, identity: object = IDENTITY) -> HospitalVisit:
    visit = kiosk.new_form(kiosk.catalogue.get("hospital_checkin"), identity, "vi")
    assert isinstance(visit, HospitalVisit)
    return visit


def test_a_booked_appointment_is_checked_in_from_the_visit(kiosk: Kiosk) -> None:
    assert kiosk.hospital is not None and isinstance(kiosk.hospital.system, SimulatedHospitalSystem)
    store = kiosk.hospital.system.store
    visit = _visit(kiosk)
    assert visit.appointments().status == "none"
    booked = store.book(PatientDetails(IDENTITY.id_number, IDENTITY.full_name), "NHI", "Khám Nhi",
                        MONDAY.replace(hour=10))
    lookup = visit.appointments()
    assert lookup.status == "found" and lookup.message_key == "hospital.appointments_found"
    outcome = visit.issue_booked(lookup.appointments[0].appointment_id, "s1")
    assert outcome.hospital_status == "confirmed" and outcome.file_code == "001"
    assert outcome.message_key == "hospital.appointment_checked_in"
    assert visit.specialty == "NHI" and store.read("Appointment", booked)["status"] == "arrived"
    assert visit.ticket_document(kiosk.config, "vi").pdf.startswith(b"%PDF")
    with pytest.raises(AppointmentGoneError):
        _visit(kiosk).issue_booked(booked, "s2")


def test_people_ahead_is_read_again_from_the_visit(kiosk: Kiosk) -> None:
    assert kiosk.hospital is not None and isinstance(kiosk.hospital.system, SimulatedHospitalSystem)
    first, second = _visit(kiosk), _visit(kiosk, dataclasses.replace(IDENTITY, id_number="001090054321"))
    for v in (first, second):
        v.specialty = "NOI"
        v.issue("s")
    assert second.ticket is not None and second.ticket.people_ahead == 1
    kiosk.hospital.system.store.call_next("NOI")
    kiosk.hospital.system.store.call_next("NOI")
    refreshed = second.refresh_queue()
    assert refreshed is not None and refreshed.fresh and refreshed.status == "in-progress"
    assert second.ticket.people_ahead == 0


def test_an_unconfirmed_number_is_told_and_printed_as_the_kiosks(kiosk: Kiosk) -> None:
    visit = _visit(kiosk, dataclasses.replace(IDENTITY, id_number=UNREACHABLE_ID))
    visit.specialty = "NOI"
    outcome = visit.issue("s1")
    assert outcome.hospital_status == "unconfirmed" and outcome.message_key == "hospital.ticket_unconfirmed"
    assert kiosk.translate("hospital.ticket_unconfirmed", "vi")
    assert visit.ticket_document(kiosk.config, "en").pdf.startswith(b"%PDF")

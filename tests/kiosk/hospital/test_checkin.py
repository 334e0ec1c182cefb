from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.hospital.checkin import HospitalCheckIn, SpecialtiesInvalidError, load_specialties
from kiosk.hospital.queue_numbers import SqliteQueueNumbers
from kiosk.hospital.simulated import SimulatedInsuranceGateway
from kiosk.hospital.ticket import to_queue_ticket_data
from printing import Issuer, render_queue_ticket
from tests.kiosk.forms.samples import IDENTITY

NOW = datetime(2026, 11, 24, 7, 15)
ISSUER = Issuer("Bệnh viện Đa khoa Demo", "KIOSK-01", "1900 0000")


def make(tmp_path: Path, minutes: float = 6.0) -> HospitalCheckIn:
    return HospitalCheckIn(SimulatedInsuranceGateway(today=NOW.date),
                           SqliteQueueNumbers(tmp_path / "q.sqlite3", lambda: NOW), load_specialties(), minutes,
                           lambda: NOW)


def test_valid_card_gets_a_numbered_slip_with_a_wait_estimate(tmp_path: Path) -> None:
    checkin = make(tmp_path)
    decision = checkin.check_insurance(IDENTITY)
    tickets = [checkin.issue_ticket(IDENTITY, "NHI", decision) for _ in range(5)]
    last = tickets[-1]
    assert [t.queue_number for t in tickets] == ["001", "002", "003", "004", "005"]
    assert last.people_ahead == 4
    assert last.estimated_wait_min == 12  # 4 people × 6 min / 2 doctors
    assert last.visit_id == "261124-NHI-0005"
    assert last.birth_year == 1990 and last.sex == "M"
    assert "Nguyễn" not in repr(last) and "001090012345" not in repr(last)


def test_ticket_converts_to_the_printers_exam_slip(tmp_path: Path) -> None:
    checkin = make(tmp_path)
    ticket = checkin.issue_ticket(IDENTITY, "NOI", checkin.check_insurance(IDENTITY))
    data = to_queue_ticket_data(ticket, ISSUER, "en")
    assert data.specialty == "General internal medicine" and data.room == "P.101"
    assert data.patient_type == "insurance" and data.benefit_percent == 80
    assert data.insurance_valid_to == date(2026, 12, 31) and data.sex == "male"
    document = render_queue_ticket(data)
    assert document.pdf.startswith(b"%PDF")


def test_counter_ticket_converts_as_self_pay(tmp_path: Path) -> None:
    checkin = make(tmp_path)
    ticket = checkin.issue_counter_ticket(None, None)
    data = to_queue_ticket_data(ticket, ISSUER)
    assert data.patient_type == "self_pay" and data.insurance_number == "" and data.room.startswith("Quầy")


def test_malformed_specialties_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("specialties:\n  - {code: NOI, vi: Nội, en: Medicine, room: P1, floor: T1, doctors: 0}\n"
                   "counter: {code: Q, vi: Q, en: Q, room: Q, floor: Q}\n", encoding="utf-8")
    with pytest.raises(SpecialtiesInvalidError, match="doctors"):
        load_specialties(bad)
    bad.write_text("specialties: []\n", encoding="utf-8")
    with pytest.raises(SpecialtiesInvalidError):
        load_specialties(bad)

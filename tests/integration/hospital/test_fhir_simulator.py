"""The FHIR back end against the loopback FHIR simulator: real HTTP, real JSON, the same check-in as at a hospital."""

from __future__ import annotations

import dataclasses
import json
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.hospital.checkin import HospitalCheckIn, load_specialties
from kiosk.hospital.fhir import FHIR_JSON, NATIONAL_ID_SYSTEM, FhirHospitalSystem
from kiosk.hospital.fhir_simulator import RunningHospitalSimulator, start_hospital_simulator
from kiosk.hospital.queue_numbers import SqliteQueueNumbers
from kiosk.hospital.simulated import SimulatedInsuranceGateway
from kiosk.hospital.system import HospitalSystemError, PatientDetails, VisitRequest
from kiosk.vietnam import VIETNAM_TIME
from tests.kiosk.forms.samples import IDENTITY

pytestmark = pytest.mark.integration
TODAY = datetime.now(VIETNAM_TIME)


@pytest.fixture
def sim() -> Iterator[RunningHospitalSimulator]:
    with start_hospital_simulator(call_every_s=None, max_body_bytes=8192) as running:
        yield running


def checkin_for(url: str, tmp_path: Path, **kwargs: Any) -> HospitalCheckIn:
    return HospitalCheckIn(SimulatedInsuranceGateway(), SqliteQueueNumbers(tmp_path / "q.sqlite3"),
                           load_specialties(), 6.0, system=FhirHospitalSystem(url, timeout_s=2, deadline_s=4, **kwargs))


def test_check_in_over_fhir_registers_once_and_follows_the_queue(sim: RunningHospitalSimulator,
                                                                 tmp_path: Path) -> None:
    checkin = checkin_for(sim.url, tmp_path)
    other = dataclasses.replace(IDENTITY, id_number="001090054321")
    first = checkin.issue_ticket(other, "NOI", checkin.check_insurance(other))
    mine = checkin.issue_ticket(IDENTITY, "NOI", checkin.check_insurance(IDENTITY))
    again = checkin.issue_ticket(IDENTITY, "MAT", checkin.check_insurance(IDENTITY))
    assert first.hospital_status == mine.hospital_status == again.hospital_status == "confirmed"
    assert mine.people_ahead == 1
    patients = requests.get(f"{sim.url}/Patient", params={"identifier": f"{NATIONAL_ID_SYSTEM}|001090012345"},
                            timeout=5).json()
    assert patients["total"] == 1  # the second visit found the first one's Patient
    assert requests.post(f"{sim.url}/_sim/call-next", params={"specialty": "NOI"}, timeout=5).json() == {"called": 1}
    assert checkin.refresh_queue(mine).ticket.people_ahead == 0  # number 1 is being seen: nobody waits before
    requests.post(f"{sim.url}/_sim/call-next", params={"specialty": "NOI"}, timeout=5)
    assert checkin.refresh_queue(mine).status == "in-progress"


def test_a_retried_registration_does_not_count_the_visit_twice(sim: RunningHospitalSimulator) -> None:
    system = FhirHospitalSystem(sim.url)
    patient = PatientDetails("001090012345", "NGUYỄN VĂN AN")
    visit = VisitRequest("NOI", "Nội", TODAY.date(), 1, "X-NOI-0001", arrived_at=TODAY)
    one, two = system.register_visit(patient, visit), system.register_visit(patient, visit)
    assert one.encounter_id == two.encounter_id and len(sim.store.all("Encounter")) == 1


def test_an_appointment_booked_on_the_hospital_system_is_checked_in(sim: RunningHospitalSimulator,
                                                                    tmp_path: Path) -> None:
    answer = requests.post(f"{sim.url}/_sim/book", json={
        "id_number": IDENTITY.id_number, "full_name": IDENTITY.full_name, "birth_date": "1990-03-05", "sex": "M",
        "specialty": "TMH", "specialty_name": "Khám Tai Mũi Họng",
        "start": TODAY.replace(hour=10, minute=0, second=0, microsecond=0).isoformat()}, timeout=5)
    assert answer.status_code == 201
    booked = answer.json()["appointment_id"]
    checkin = checkin_for(sim.url, tmp_path)
    lookup = checkin.find_appointments(IDENTITY)
    assert lookup.status == "found" and lookup.appointments[0].appointment_id == booked
    result = checkin.check_in_appointment(IDENTITY, booked)
    assert result.status == "checked_in" and result.ticket is not None and result.ticket.specialty.code == "TMH"
    stored = requests.get(f"{sim.url}/Appointment/{booked}", timeout=5)
    assert stored.json()["status"] == "arrived" and stored.headers["ETag"] == 'W/"2"'
    assert checkin.find_appointments(IDENTITY).status == "none"


def test_an_unreachable_hospital_gives_an_unconfirmed_kiosk_number(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    checkin = checkin_for(f"http://127.0.0.1:{port}", tmp_path)
    ticket = checkin.issue_ticket(IDENTITY, "NOI", checkin.check_insurance(IDENTITY))
    assert ticket.hospital_status == "unconfirmed" and ticket.queue_number == "001"
    assert checkin.find_appointments(IDENTITY).status == "unavailable"


def test_an_oversized_answer_is_refused_not_read_whole(sim: RunningHospitalSimulator) -> None:
    for _ in range(30):
        sim.store.book(PatientDetails("001090000001", "A"), "NOI", "Nội", TODAY)
    small = FhirHospitalSystem(sim.url, max_answer_bytes=1024)
    with pytest.raises(HospitalSystemError, match="AnswerTooLarge"):
        small.find_appointments("001090000001", TODAY.date())


def _raw(sim: RunningHospitalSimulator, method: str, path: str, body: bytes, content_type: str,
         extra: str = "") -> tuple[int, Any]:
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as conn:
        conn.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n".encode() + body)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload) if payload else None


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b'{"resourceType": "Patient"}', "text/plain", 415),
    (b"{not json", FHIR_JSON, 400),
    (b'{"a": NaN}', FHIR_JSON, 400),
    (b'{"resourceType": "Encounter"}', FHIR_JSON, 400),   # a Patient address with an Encounter body
    (b'{"resourceType": "Patient"}', FHIR_JSON, 422),     # no personal ID number identifier
    (b"[" * 40 + b"]" * 40, FHIR_JSON, 400),
])
def test_malformed_requests_get_an_operation_outcome(sim: RunningHospitalSimulator, body: bytes, content_type: str,
                                                     status: int) -> None:
    got, answer = _raw(sim, "POST", "/Patient", body, content_type)
    assert got == status and answer["resourceType"] == "OperationOutcome"


def test_a_body_over_the_limit_is_refused_before_it_is_read(sim: RunningHospitalSimulator) -> None:
    got, answer = _raw(sim, "POST", "/Patient", b"x" * 9000, FHIR_JSON)
    assert got == 413 and answer["resourceType"] == "OperationOutcome"


def test_unknown_types_ids_and_search_parameters_are_refused(sim: RunningHospitalSimulator) -> None:
    assert requests.get(f"{sim.url}/Observation", timeout=5).status_code == 404
    assert requests.get(f"{sim.url}/Patient/..%2F..%2Fetc", timeout=5).status_code == 404
    assert requests.get(f"{sim.url}/Patient", params={"name": "An"}, timeout=5).status_code == 400
    assert requests.get(f"{sim.url}/Patient?identifier=a&identifier=b", timeout=5).status_code == 400
    assert requests.get(f"{sim.url}/metadata", timeout=5).json()["fhirVersion"] == "4.0.1"


def test_a_redirect_is_not_followed_with_the_patients_details() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Redirecting(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            seen.append(self.path)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(307)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        system = FhirHospitalSystem(f"http://127.0.0.1:{server.server_address[1]}")
        with pytest.raises(HospitalSystemError, match="redirected"):
            system.register_visit(PatientDetails("001090012345", "AN"),
                                  VisitRequest("NOI", "Nội", TODAY.date(), 1, "R-1", arrived_at=TODAY))
        assert seen == ["/Patient"]
    finally:
        server.shutdown()
        server.server_close()

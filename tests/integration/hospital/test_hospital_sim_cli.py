"""`kiosk hospital-sim`: a real subprocess serving FHIR on 127.0.0.1 that a kiosk's FHIR back end checks in with."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from datetime import datetime

import pytest
import requests

from kiosk.hospital.fhir import FhirHospitalSystem
from kiosk.hospital.system import PatientDetails, VisitRequest
from kiosk.vietnam import VIETNAM_TIME

pytestmark = pytest.mark.integration

CLI = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]


def test_the_cli_simulator_registers_a_visit_and_calls_patients() -> None:
    process = subprocess.Popen([*CLI, "hospital-sim", "--port", "0", "--call-every-s", "manual"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = next(line for line in process.stdout if line.startswith("PORT=")).strip().split("=")[1]
        url = f"http://127.0.0.1:{port}"
        system = FhirHospitalSystem(url)
        now = datetime.now(VIETNAM_TIME)
        patient = PatientDetails("001090012345", "NGUYỄN VĂN AN")
        first = system.register_visit(patient, VisitRequest("NOI", "Nội", now.date(), 1, "A-1", arrived_at=now))
        second = system.register_visit(PatientDetails("001090054321", "LÊ THỊ B"),
                                       VisitRequest("NOI", "Nội", now.date(), 2, "A-2", arrived_at=now))
        assert (first.people_ahead, second.people_ahead) == (0, 1)
        assert requests.post(f"{url}/_sim/call-next", params={"specialty": "NOI"}, timeout=5).json()["called"] == 1
        assert system.queue_progress(second.encounter_id).people_ahead == 0
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0


def test_a_taken_port_is_one_clear_line_and_exit_1() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([*CLI, "hospital-sim", "--port", str(port), "--lang", "en"], capture_output=True,
                              text=True, timeout=30, check=False)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("The hospital-system simulator could not start")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_bad_option_is_a_usage_error() -> None:
    done = subprocess.run([*CLI, "hospital-sim", "--call-every-s", "-3"], capture_output=True, text=True, timeout=30,
                          check=False)
    assert done.returncode == 2

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.portal.client import PortalClient
from kiosk.portal.simulator import RunningSimulator, start_simulator

AGENCY = "000.00.01.H26"


def body(n: int = 0, id_number: str = "001090001234") -> dict[str, object]:
    return {"procedure_code": "1.004194", "agency_code": AGENCY, "channel": "kiosk",
            "applicant": {"id_number": id_number, "full_name": "Lê Thị Mai"}, "form": {"data": {"n": n}},
            "attachments": []}


def payload(n: int = 0, id_number: str = "001090001234") -> dict[str, object]:
    return {"applicant": {"id_number": id_number, "full_name": "Lê Thị Mai"}, "form": {"data": {"n": n}}}


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(port=0, db=tmp_path / "portal-sim.sqlite3", step_s=3600)
    yield running
    running.stop()


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[PortalClient]:
    c = PortalClient(sim.url, kiosk_id="KIOSK-TEST", operator_id="OP-1", connect_timeout_s=2, read_timeout_s=2)
    yield c
    c.close()

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.portal.client import PortalClient
from kiosk.portal.sender import PortalSender
from kiosk.portal.simulator import RunningSimulator, start_simulator
from kiosk.submissions import SubmissionService
from offline_cache import FileKeyProvider, SqliteSubmissionQueue, SyncPolicy, SyncWorker

AGENCY = "000.00.01.H26"


def body(n: int = 0, id_number: str = "001090001234") -> dict[str, object]:
    return {"procedure_code": "1.004194", "agency_code": AGENCY, "channel": "kiosk",
            "applicant": {"id_number": id_number, "full_name": "Lê Thị Mai"}, "form": {"data": {"n": n}},
            "attachments": []}


def payload(n: int = 0, id_number: str = "001090001234") -> dict[str, object]:
    return {"applicant": {"id_number": id_number, "full_name": "Lê Thị Mai"}, "form": {"data": {"n": n}}}


def make_service(tmp_path: Path, sim: RunningSimulator, *, with_worker: bool,
                 quiet_s: float = 0.0) -> SubmissionService:
    queue = SqliteSubmissionQueue(tmp_path / "q.sqlite3", FileKeyProvider(tmp_path / "q.key"))
    client = PortalClient(sim.url, kiosk_id="K", operator_id="OP", connect_timeout_s=1, read_timeout_s=1)
    worker = None
    if with_worker:
        worker = SyncWorker(queue, PortalSender(client, AGENCY),
                            SyncPolicy(backoff_base_s=0.05, backoff_max_s=0.2, breaker_failures=2,
                                       breaker_probe_s=0.1, max_rate_per_s=0, idle_poll_s=0.05))
    return SubmissionService(queue, client, AGENCY, worker=worker, first_retry_s=0.1, withdraw_quiet_s=quiet_s)


def wait_for(predicate: object, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


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

"""A 10,000-file backlog built up during an outage drains completely, once each, when the portal returns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kiosk.portal.client import PortalClient
from kiosk.portal.sender import PortalSender
from offline_cache import (
    NewSubmission,
    ReceiptFacts,
    SqliteSubmissionQueue,
    StaticKeyProvider,
    SubmissionState,
    SyncPolicy,
    SyncWorker,
)
from tests.integration.queue.conftest import AGENCY, payload

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[3]
N = 10_000
KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]


@pytest.fixture
def sim_process(tmp_path: Path) -> Iterator[str]:
    """The simulator as its own process (`kiosk portal-sim`), as a technician would run it."""
    proc = subprocess.Popen([*KIOSK, "portal-sim", "--port", "0",
                             "--db", str(tmp_path / "portal.sqlite3"), "--faults", "outage:on"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = None
        for line in proc.stdout:
            if line.startswith("PORT="):
                port = int(line.strip().split("=")[1])
                break
        assert port, "simulator did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(10)


def test_ten_thousand_waiting_files_drain_after_the_outage(tmp_path: Path, sim_process: str) -> None:
    queue = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(bytes(range(32))))
    receipt = ReceiptFacts("1.004194", "********1234", "1234", time.time())
    queue.enqueue_many(NewSubmission(f"bk-{i:05d}", "1.004194", payload(i), receipt) for i in range(N))
    client = PortalClient(sim_process, kiosk_id="K", operator_id="OP", connect_timeout_s=1, read_timeout_s=2)
    worker = SyncWorker(queue, PortalSender(client, AGENCY),
                        SyncPolicy(backoff_base_s=0.05, backoff_max_s=1.0, breaker_failures=3, breaker_probe_s=0.2,
                                   max_rate_per_s=0, batch_size=50, idle_poll_s=0.1))
    worker.start()
    try:
        time.sleep(0.5)
        during = worker.progress()
        assert not during.portal_reachable and during.waiting == N  # the breaker holds back; nothing is lost
        requests.put(sim_process + "/_sim/faults", data="", timeout=5).raise_for_status()
        end = time.monotonic() + 150
        while time.monotonic() < end and queue.counts()[SubmissionState.ACCEPTED] < N:
            time.sleep(0.25)
    finally:
        worker.stop()
        client.close()
    counts = queue.counts()
    queue.close()
    assert counts[SubmissionState.ACCEPTED] == N, counts
    apps = requests.get(sim_process + "/_sim/applications", timeout=30).json()
    keys = [a["idempotency_key"] for a in apps]
    assert len(keys) == N and len(set(keys)) == N
    assert sorted(a["body"]["form"]["data"]["n"] for a in apps) == list(range(N))

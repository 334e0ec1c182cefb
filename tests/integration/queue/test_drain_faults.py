"""The sync worker drains the queue through each kind of portal trouble: every file arrives exactly once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.portal.client import PortalClient
from kiosk.portal.sender import PortalSender
from kiosk.portal.simulator import RunningSimulator
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

pytestmark = pytest.mark.integration
N = 60


@pytest.mark.parametrize("faults", [
    "500:0.4", "503:0.4,retry_after:0", "429:0.4,retry_after:0", "reset:0.4", "lost:0.4", "truncate:0.4",
    "garbage:0.4", "latency:1ms-15ms", "outage:0.2s/0.5s",
    "500:0.1,503:0.1,reset:0.1,lost:0.1,truncate:0.1,garbage:0.1,latency:0ms-2ms,seed:4",
])
def test_drain_through_fault(tmp_path: Path, sim: RunningSimulator, faults: str) -> None:
    sim.set_faults(faults)
    queue = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(bytes(32)))
    facts = ReceiptFacts("1.004194", "********1234", "1234", time.time())
    queue.enqueue_many(NewSubmission(f"f-{i}", "1.004194", payload(i), facts) for i in range(N))
    client = PortalClient(sim.url, kiosk_id="K", operator_id="O", connect_timeout_s=1, read_timeout_s=1)
    worker = SyncWorker(queue, PortalSender(client, AGENCY),
                        SyncPolicy(backoff_base_s=0.002, backoff_max_s=0.02, breaker_failures=4,
                                   breaker_probe_s=0.02, max_rate_per_s=0, batch_size=10))
    deadline = time.monotonic() + 30
    tried = 0
    while queue.counts()[SubmissionState.ACCEPTED] < N and time.monotonic() < deadline:
        n = worker.run_once()
        tried += n
        if n == 0:
            time.sleep(0.005)
    client.close()
    counts = queue.counts()
    records = queue.list_records()
    queue.close()
    assert counts[SubmissionState.ACCEPTED] == N, counts
    apps = sim.applications()
    assert sorted(a["idempotency_key"] for a in apps) == sorted(f"f-{i}" for i in range(N))
    assert {r.submission_id: r.file_code for r in records} == {a["idempotency_key"]: a["dossier_code"]
                                                                for a in apps}
    if not faults.startswith("latency"):
        assert tried > N  # the fault really struck and was retried

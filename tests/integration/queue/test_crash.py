"""Kill a kiosk process at random points while it submits and syncs to a faulty portal: nothing lost, nothing
sent twice, nothing pretended."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.portal.simulator import start_simulator
from offline_cache import FileKeyProvider, SqliteSubmissionQueue, SubmissionState

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
FAULTS = "503:0.1,reset:0.05,429:0.05,lost:0.1,truncate:0.05,garbage:0.05,latency:0ms-3ms,seed:11"


def test_sigkill_at_random_points_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    sim = start_simulator(port=0, db=tmp_path / "portal.sqlite3", faults=FAULTS, step_s=3600)
    try:
        run = subprocess.run([sys.executable, "-m", "tests.integration.queue.crash_harness", sim.url,
                              str(tmp_path), "220", "5"], check=False, cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr[-3000:]
        summary = json.loads(run.stdout.strip().splitlines()[-1])
        applications = sim.applications()
    finally:
        sim.stop()
    assert summary["rounds"] >= 200 and summary["killed_mid_work"] >= 150

    queue = SqliteSubmissionQueue(tmp_path / "queue.sqlite3", FileKeyProvider(tmp_path / "queue.key"))
    try:
        records = queue.list_records(limit=100_000)
    finally:
        queue.close()
    assert len(records) > 100
    # Every saved submission reached the portal, under its own key, with the portal's file code.
    assert all(r.state is SubmissionState.ACCEPTED for r in records), collections.Counter(r.state for r in records)
    by_key = {a["idempotency_key"]: a for a in applications}
    assert set(by_key) == {r.submission_id for r in records}  # none missing, no phantom
    for r in records:
        assert r.file_code == by_key[r.submission_id]["dossier_code"]
    # No citizen's file arrived twice under two keys.
    nonces = collections.Counter(a["body"]["form"]["data"]["nonce"] for a in applications)
    assert max(nonces.values()) == 1
    assert len({a["dossier_code"] for a in applications}) == len(applications)

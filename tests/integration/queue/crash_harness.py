"""Child-process harness for the crash test: enqueue and sync, killed with SIGKILL at random moments.

Run as `python -m tests.integration.queue.crash_harness URL DIR KILLS SEED`. The parent forks a child per round
(cheap: everything is already imported), lets it work for a random few milliseconds, SIGKILLs it, and repeats;
then drains what is left without killing and prints a JSON summary on the last line. Most rounds start the kill
window once the child has opened the queue (so a slow open on a loaded machine does not starve the test of saved
rows); one round in five kills it at any moment from the fork, opening and crash recovery included.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sys
import time
from pathlib import Path

from kiosk.portal.client import PortalClient
from kiosk.portal.sender import PortalSender
from kiosk.submissions import SubmissionService
from offline_cache import FileKeyProvider, SqliteSubmissionQueue, SubmissionState, SyncPolicy, SyncWorker

AGENCY = "000.00.01.H26"
POLICY = SyncPolicy(backoff_base_s=0.001, backoff_max_s=0.01, breaker_failures=1000, max_rate_per_s=0,
                    batch_size=4)


def _open(url: str, folder: Path) -> tuple[SqliteSubmissionQueue, SubmissionService, SyncWorker]:
    queue = SqliteSubmissionQueue(folder / "queue.sqlite3", FileKeyProvider(folder / "queue.key"))
    client = PortalClient(url, kiosk_id="K-CRASH", operator_id="OP", connect_timeout_s=1, read_timeout_s=1)
    worker = SyncWorker(queue, PortalSender(client, AGENCY), POLICY)
    service = SubmissionService(queue, client, AGENCY, worker=worker, first_try_timeout=(1, 1))
    return queue, service, worker


def child(url: str, folder: Path, round_no: int, ready_fd: int) -> None:
    queue, service, worker = _open(url, folder)
    queue.recover_interrupted()
    os.write(ready_fd, b"r")
    rng = random.Random(round_no)
    for j in range(rng.randint(1, 3)):
        nonce = f"{round_no}-{j}"
        service.submit("1.004194", {"applicant": {"id_number": "001090001234", "full_name": "Phạm Văn Nam"},
                                    "form": {"data": {"nonce": nonce}}}, (), "1234")
    for _ in range(20):
        if worker.run_once() == 0:
            time.sleep(0.001)


def drain(url: str, folder: Path, limit_s: float = 60.0) -> dict[str, int]:
    queue, _, worker = _open(url, folder)
    queue.recover_interrupted()
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        counts = queue.counts()
        if counts[SubmissionState.QUEUED] + counts[SubmissionState.SENDING] == 0:
            break
        if worker.run_once() == 0:
            time.sleep(0.005)
    return {s.value: n for s, n in queue.counts().items()}


def main() -> int:
    url, folder, kills, seed = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    killed_mid_work = 0
    for round_no in range(kills):
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(ready_r)
                child(url, folder, round_no, ready_w)
            finally:
                os._exit(0)
        os.close(ready_w)
        if rng.random() >= 0.2:
            select.select([ready_r], [], [], 5.0)
        os.close(ready_r)
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed_mid_work += os.WIFSIGNALED(status)
    counts = drain(url, folder)
    print(json.dumps({"rounds": kills, "killed_mid_work": killed_mid_work, "counts": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

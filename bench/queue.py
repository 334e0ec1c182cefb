# ruff: noqa: E402  (imports follow the sys.path fix below, on purpose)
"""Benchmark of the submission queue: enqueue latency with fsync, and drain throughput to the portal simulator.

Run: `.venv/bin/python bench/queue.py [--enqueues 2000] [--drain 5000] [--kills 0]`.
Targets: enqueue p99 ≤ 10 ms (WAL + synchronous=FULL, AES-GCM); drain ≥ 200 files/s on loopback.
With `--kills N` it also runs the SIGKILL crash harness N rounds and reports losses and duplicates.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the stdlib `queue`; drop its folder from the path so `import queue` finds the stdlib.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse
import collections
import json
import os
import signal
import statistics
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.portal.client import PortalClient
from kiosk.portal.sender import PortalSender
from kiosk.portal.simulator import start_simulator
from offline_cache import (
    Attachment,
    FileKeyProvider,
    NewSubmission,
    ReceiptFacts,
    SqliteSubmissionQueue,
    SubmissionState,
    SyncPolicy,
    SyncWorker,
)

PAYLOAD = {"applicant": {"id_number": "001090001234", "full_name": "Nguyễn Văn An", "dob": "1990-01-01",
                         "address": "12 Phố Huế, Hai Bà Trưng, Hà Nội"},
           "form": {"schema_id": "ct01", "schema_version": 1, "data": {f"field{i}": "x" * 20 for i in range(30)}}}
RECEIPT = ReceiptFacts("1.004194", "********1234", "1234", 0.0, "Đăng ký tạm trú")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_enqueue(folder: Path, n: int, attachment_kb: int) -> list[float]:
    queue = SqliteSubmissionQueue(folder / "enq.sqlite3", FileKeyProvider(folder / "enq.key"))
    att = [Attachment("TP1", "scan.pdf", "application/pdf", os.urandom(attachment_kb * 1024))] if attachment_kb else []
    times = []
    for _ in range(n):
        t = time.perf_counter()
        queue.enqueue("1.004194", PAYLOAD, RECEIPT, att)
        times.append((time.perf_counter() - t) * 1000)
    queue.close()
    return times


def bench_manifest(folder: Path, rows: int, n: int) -> list[float]:
    """The loss-detection manifest written after every enqueue (offline_cache.manifest), alone, on a queue of
    `rows` rows: it must not grow with the queue (the row count comes from a counter, not COUNT(*))."""
    queue = SqliteSubmissionQueue(folder / f"man-{rows}.sqlite3", FileKeyProvider(folder / "man.key"))
    queue.enqueue_many(NewSubmission(f"m{i}", "1.004194", PAYLOAD, RECEIPT) for i in range(rows))
    times = []
    for _ in range(n):
        t = time.perf_counter()
        queue._update_manifest()
        times.append((time.perf_counter() - t) * 1000)
    queue.close()
    return times


def start_sim_process(folder: Path, faults: str) -> tuple[subprocess.Popen[str], str]:
    db = folder / f"sim-{time.monotonic_ns()}.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())",
                             "portal-sim", "--port", "0", "--db", str(db), "--faults", faults],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("PORT="):
            return proc, f"http://127.0.0.1:{int(line.strip()[5:])}"
    raise RuntimeError("simulator did not start")


def bench_drain(folder: Path, n: int, faults: str, withdrawals: int = 0) -> tuple[float, int]:
    """With `withdrawals`, that many extra rows were sent once without an answer and then withdrawn: the kiosk's
    withdrawal hook settles them (look-up by key at the portal) in the same rounds as the drain."""
    proc, url = start_sim_process(folder, faults)
    try:
        queue = SqliteSubmissionQueue(folder / f"drain-{len(faults)}-{withdrawals}.sqlite3",
                                      FileKeyProvider(folder / "d.key"))
        queue.enqueue_many(NewSubmission(f"d{i}", "1.004194", {**PAYLOAD, "n": i}, RECEIPT) for i in range(n))
        client = PortalClient(url, kiosk_id="BENCH", operator_id="OP")
        worker = SyncWorker(queue, PortalSender(client, "000.00.01.H26"),
                            SyncPolicy(backoff_base_s=0.01, backoff_max_s=0.1, breaker_failures=1000,
                                       max_rate_per_s=0, batch_size=50))
        if withdrawals:
            from kiosk.submissions import SubmissionService

            # Installs itself as the hook; no quiet period, as these rows were never really sent.
            SubmissionService(queue, client, "000.00.01.H26", worker=worker, withdraw_quiet_s=0.0)
            queue.enqueue_many((NewSubmission(f"w{i}", "1.004194", {**PAYLOAD, "w": i}, RECEIPT)
                                for i in range(withdrawals)), claim=True)
            for i in range(withdrawals):
                queue.mark_deferred(f"w{i}", "connection", 0.0)
                queue.withdraw(f"w{i}")
        t = time.perf_counter()
        while queue.counts()[SubmissionState.ACCEPTED] < n or queue.counts()[SubmissionState.WITHDRAWING]:
            if worker.run_once() == 0:
                time.sleep(0.005)
        elapsed = time.perf_counter() - t
        client.close()
        queue.close()
        import requests
        apps = requests.get(url + "/_sim/applications", timeout=60).json()
        return n / elapsed, len(apps)
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(10)


def bench_answer_check(n: int) -> float:
    """Microseconds to check one create answer against the contract (done for every answer on the send loop)."""
    from kiosk.portal.contract import parse_application_answer

    answer = {"application_id": "000.00.01.H26-261202-0001", "dossier_code": "000.00.01.H26-261202-0001",
              "status": 1, "received_at": "2026-12-02T09:00:00+07:00", "due_at": "2026-12-09T17:00:00+07:00",
              "receipt": {"qr_payload": "DVC|000.00.01.H26-261202-0001"}}
    t = time.perf_counter()
    for _ in range(n):
        parse_application_answer(answer, 201)
    return (time.perf_counter() - t) / n * 1e6


def bench_kills(folder: Path, kills: int) -> dict[str, int]:
    sim = start_simulator(db=folder / "crash-sim.sqlite3",
                          faults="503:0.1,reset:0.05,lost:0.1,truncate:0.05,garbage:0.05,seed:3")
    crash_dir = folder / "crash"
    crash_dir.mkdir()
    try:
        run = subprocess.run([sys.executable, "-m", "tests.integration.queue.crash_harness", sim.url,
                              str(crash_dir), str(kills), "9"], cwd=ROOT, capture_output=True, text=True,
                             check=True)
        summary = json.loads(run.stdout.strip().splitlines()[-1])
        apps = sim.applications()
    finally:
        sim.stop()
    nonces = collections.Counter(a["body"]["form"]["data"]["nonce"] for a in apps)
    return {"kills": summary["rounds"], "saved": sum(summary["counts"].values()),
            "accepted": summary["counts"]["accepted"], "on_portal": len(apps),
            "doubled": sum(1 for v in nonces.values() if v > 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enqueues", type=int, default=2000)
    parser.add_argument("--drain", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        folder = Path(tmp)
        rows: list[tuple[str, str, str]] = []
        for kb in (0, 200):
            ms = bench_enqueue(folder, args.enqueues if kb == 0 else args.enqueues // 4, kb)
            label = "enqueue (payload only)" if kb == 0 else f"enqueue (+{kb} KB attachment)"
            rows.append((label + " p50", f"{statistics.median(ms):.2f} ms", ""))
            rows.append((label + " p99", f"{pct(ms, 99):.2f} ms", "≤ 10 ms"))
        for size in (0, 20_000):
            ms = bench_manifest(folder, size, max(args.enqueues // 4, 50))
            rows.append((f"  of which manifest update, {size} rows, p99", f"{pct(ms, 99):.2f} ms", "flat in rows"))
        rows.append(("portal answer check per create answer", f"{bench_answer_check(20_000):.1f} µs", "≤ 50 µs"))
        rate, count = bench_drain(folder, args.drain, "")
        rows.append((f"drain {args.drain} files, healthy portal", f"{rate:.0f} files/s", "≥ 200 files/s"))
        rows.append(("  files on portal (exactly once)", f"{count}", f"{args.drain}"))
        rate, count = bench_drain(folder, args.drain // 2, "503:0.1,reset:0.05,lost:0.05,latency:0ms-2ms")
        rows.append((f"drain {args.drain // 2} files, faulty portal", f"{rate:.0f} files/s", ""))
        rows.append(("  files on portal (exactly once)", f"{count}", f"{args.drain // 2}"))
        rate, count = bench_drain(folder, args.drain // 2, "", withdrawals=200)
        # Look-ups run one at a time in the worker thread: pending withdrawals are rare, their cost shows here.
        rows.append((f"drain {args.drain // 2} files + settle 200 withdrawals", f"{rate:.0f} files/s", ""))
        rows.append(("  files on portal (withdrawn ones never created)", f"{count}", f"{args.drain // 2}"))
        rate, count = bench_drain(folder, 400, "latency:50ms")
        rows.append(("drain 400 files, portal 50 ms away (4 in flight)", f"{rate:.0f} files/s", ""))
        rows.append(("  files on portal (exactly once)", f"{count}", "400"))
        if args.kills:
            k = bench_kills(folder, args.kills)
            rows.append((f"SIGKILL rounds {k['kills']}: saved / accepted / on portal",
                         f"{k['saved']} / {k['accepted']} / {k['on_portal']}", "all equal"))
            rows.append(("  doubled files", str(k["doubled"]), "0"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':>18}  target")
    print("-" * (width + 36))
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>18}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the service layer: catalogue load, form walk-through per service, queue numbers.

Run: .venv/bin/python bench/services.py — prints a table of median times (ms) over several rounds.
Targets: the whole Qt-free part of a citizen's form (prefill → every step → review → payload) must stay far
below a screen refresh budget (≪ 100 ms per tap) and a hospital number must be issued well within 1.5 min.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.catalogue.holidays import load_holidays
from kiosk.catalogue.loader import load_catalogue
from kiosk.forms import address
from kiosk.hospital.checkin import HospitalCheckIn, load_specialties
from kiosk.hospital.queue_numbers import SqliteQueueNumbers
from kiosk.hospital.simulated import SimulatedInsuranceGateway
from tests.kiosk.forms.samples import ANSWERS, IDENTITY, fill, new_form

ROUNDS = 15


def timed(fn: Callable[[], object], rounds: int = ROUNDS) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def walk(code: str) -> None:
    form = new_form(code)
    fill(form, ANSWERS[code])
    form.confirm()
    form.payload()
    form.review_sentences("vi")


def main() -> None:
    rows: list[tuple[str, float, float]] = []
    rows.append(("load shipped catalogue (10 files)", *timed(load_catalogue)))
    rows.append(("load holidays 2025–2027", *timed(load_holidays)))
    address.provinces.cache_clear()
    address.wards.cache_clear()
    rows.append(("address: wards of one province (cold)", *timed(lambda: address.wards(79), rounds=1)))
    for code in load_catalogue().codes():
        rows.append((f"form {code}: prefill → review → payload", *timed(lambda c=code: walk(c))))  # type: ignore[misc]
    step_form = new_form("birth_combined")
    rows.append(("render one step view (birth_combined)", *timed(step_form.current_step, rounds=200)))
    with tempfile.TemporaryDirectory() as tmp:
        now = datetime(2026, 11, 24, 7, 0)
        queue = SqliteQueueNumbers(Path(tmp) / "q.sqlite3", lambda: now)
        rows.append(("queue number allocation (SQLite, fsync)", *timed(lambda: queue.allocate("NOI"), rounds=200)))
        checkin = HospitalCheckIn(SimulatedInsuranceGateway(), queue, load_specialties(), 6.0, lambda: now)
        rows.append(("hospital: insurance check + ticket (simulated)",
                     *timed(lambda: checkin.issue_ticket(IDENTITY, "NOI", checkin.check_insurance(IDENTITY)),
                            rounds=100)))
    width = max(len(r[0]) for r in rows)
    print(f"{'operation'.ljust(width)} | median ms | max ms")
    print(f"{'-' * width}-|-----------|-------")
    for name, median, worst in rows:
        print(f"{name.ljust(width)} | {median:9.2f} | {worst:6.2f}")


if __name__ == "__main__":
    main()

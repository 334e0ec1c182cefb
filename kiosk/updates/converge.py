"""Many kiosks updating from one repository at once: how long until all run the newest release, at what cost.

For the fleet benchmark (bench/fleet_updates.py, bench/fleet.py): `converge(n, url)` gives each simulated kiosk
its own update state folder and runs the real `KioskUpdater` for all of them concurrently against `url`, then
polls once more to measure a steady-state check (only timestamp.json changes hands). Without `root_file` the
root metadata is fetched from the repository itself (trust on first use — acceptable for a benchmark only; a
kiosk is always installed with its province's root.json).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kiosk.updates.client import KioskUpdater, UpdateReport, UpdateSettings


@dataclass(frozen=True)
class ConvergeResult:
    clients: int
    converged: int  # clients that ended on the newest catalogue release
    seconds: float  # wall time until the last client finished its update
    bytes_first_mean: float  # bytes one kiosk fetched for its update (metadata + catalogue)
    bytes_poll_mean: float  # bytes one kiosk fetched for a check with nothing new
    slowest_s: float
    errors: int


def converge(n_clients: int, repo_url: str, *, root_file: Path | None = None, work_dir: Path | None = None,
             workers: int = 16, config_profile: str = "") -> ConvergeResult:
    with tempfile.TemporaryDirectory(prefix="converge-") as tmp:
        base = work_dir or Path(tmp)
        if root_file is None:
            root_file = base / "root.json"
            with urllib.request.urlopen(f"{repo_url.rstrip('/')}/metadata/1.root.json", timeout=10) as answer:  # noqa: S310 - the benchmark's own loopback server
                root_file.write_bytes(answer.read())
        updaters = [KioskUpdater(UpdateSettings(repo_url, root_file, base / f"kiosk-{i:04d}", config_profile),
                                 busy=lambda: False, validate_config=lambda raw: None) for i in range(n_clients)]

        def one(updater: KioskUpdater) -> tuple[UpdateReport, float]:
            started = time.perf_counter()
            report = updater.run_once()
            return report, time.perf_counter() - started

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            first = list(pool.map(one, updaters))
        seconds = time.perf_counter() - started
        with ThreadPoolExecutor(max_workers=workers) as pool:
            polls = list(pool.map(one, updaters))
    newest = max((o.release or 0 for r, _ in first for o in r.outcomes if o.kind == "catalogue"), default=0)
    converged = sum(1 for r, _ in first
                    if (o := r.outcome("catalogue")) is not None and o.release == newest and newest > 0)
    errors = sum(1 for r, _ in first if not r.verified or any(o.status == "refused" for o in r.outcomes))
    return ConvergeResult(
        clients=n_clients, converged=converged, seconds=seconds,
        bytes_first_mean=statistics.fmean(r.bytes_fetched for r, _ in first) if first else 0.0,
        bytes_poll_mean=statistics.fmean(r.bytes_fetched for r, _ in polls) if polls else 0.0,
        slowest_s=max((t for _, t in first), default=0.0), errors=errors)

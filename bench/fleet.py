"""A province on one machine: 500 kiosk metric endpoints scraped by one Prometheus every 15 s.

Starts `kiosk fleet simulate` in a few processes (125 kiosks each, ten kiosks to a ward, journeys every few
seconds), writes the province's Prometheus set-up with `kiosk fleet rules` (the shipped alerting and recording
rules, evaluated every 15 s) and a file_sd target list of every kiosk, starts the Debian `prometheus` on a free
loopback port with its own data folder, lets it scrape for `--seconds`, and reports:

- scrape duration per kiosk (mean, 99th percentile, max, from `scrape_duration_seconds`) and samples per scrape,
- Prometheus's resident memory (peak over the run, from /proc) and head series,
- rule group evaluation time (`prometheus_rule_group_last_duration_seconds`),
- the wall time of `kiosk fleet stats` for one ward and for the whole province (all its queries, median of 10).

Then, unless `--prometheus-only`, it runs `bench/fleet_updates.py` (500 TUF clients updating from one repository)
so the whole fleet table comes from one command.

    .venv/bin/python bench/fleet.py [--kiosks 500] [--processes 4] [--seconds 120] [--prometheus-only]

The wall time is shorter than a day of service; the figures that matter (scrape time, memory per series, query
time) are per scrape and per query, and a longer run changes only the number of samples stored.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

# bench/queue.py would shadow the standard library's queue module (urllib3 imports it): keep bench/ off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402 - after the path fix above
import yaml  # noqa: E402 - after the path fix above

from kiosk.fleet.province import ProvinceSetup, kiosk_target, write_province  # noqa: E402 - after the path fix above
from kiosk.fleet.simulate import free_port_block  # noqa: E402 - after the path fix above
from kiosk.fleet.stats import Period, fleet_statistics, prometheus_query  # noqa: E402 - after the path fix above

HERE = Path(__file__).resolve().parent
KIOSK = str(Path(sys.executable).with_name("kiosk"))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def value(url: str, expr: str) -> float | None:
    answer = requests.get(f"{url}/api/v1/query", params={"query": expr}, timeout=30).json()
    result = answer["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def own_metric(url: str, name: str) -> list[float]:
    text = requests.get(f"{url}/metrics", timeout=30).text
    return [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=120.0, help="measured run, after the warm-up")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds for every simulator to start")
    parser.add_argument("--scrape-interval", default="15s")
    parser.add_argument("--prometheus-only", action="store_true")
    args = parser.parse_args()
    if shutil.which("prometheus") is None:
        print("bench/fleet.py: the Debian package prometheus is missing; run scripts/setup.sh", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="kiosk-fleet-bench-"))
    prom_port = free_port_block(1, start=24000)
    base = free_port_block(args.kiosks, start=prom_port + 1)
    write_province(root, ProvinceSetup(scrape_interval=args.scrape_interval,
                                       evaluation_interval=args.scrape_interval, alertmanager="127.0.0.1:9"))
    (root / "kiosks" / "example.yml").unlink()
    per = -(-args.kiosks // args.processes)
    targets: list[dict[str, Any]] = []
    procs: list[subprocess.Popen[bytes]] = []
    for p in range(args.processes):
        first = p * per
        count = min(per, args.kiosks - first)
        if count <= 0:
            break
        for i in range(first, first + count):
            targets += kiosk_target(f"127.0.0.1:{base + i}", f"SIM-{base + i}", f"{i // 10 + 1:05d}", "01")
        procs.append(subprocess.Popen(
            [KIOSK, "fleet", "simulate", "--kiosks", str(count), "--port-base", str(base + first),
             "--first-index", str(first), "--journey-every", "5", "--seed", str(p + 1),
             "--duration", str(args.warmup + args.seconds + 120)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    (root / "kiosks" / "bench.yml").write_text(yaml.safe_dump(targets))
    url = f"http://127.0.0.1:{prom_port}"
    prom = subprocess.Popen(["prometheus", f"--config.file={root / 'prometheus.yml'}",
                             f"--web.listen-address=127.0.0.1:{prom_port}", f"--storage.tsdb.path={root / 'data'}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.5):
            try:
                peak[0] = max(peak[0], rss_kib(prom.pid))
            except OSError:
                return

    threading.Thread(target=watch, daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/-/ready", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        print(f"{args.kiosks} kiosks in {len(procs)} processes, Prometheus on {url}, "
              f"scraping every {args.scrape_interval} for {args.warmup:.0f} + {args.seconds:.0f} s …", flush=True)
        time.sleep(args.warmup + args.seconds)
        window = f"[{int(args.seconds)}s]"  # the measured run only, not the simulators' start
        up = value(url, 'sum(up{job="kiosk"})') or 0
        mean = value(url, f'avg(avg_over_time(scrape_duration_seconds{{job="kiosk"}}{window}))') or 0
        p99 = value(url, f'quantile(0.99, max_over_time(scrape_duration_seconds{{job="kiosk"}}{window}))') or 0
        worst = value(url, f'max(max_over_time(scrape_duration_seconds{{job="kiosk"}}{window}))') or 0
        load = os.getloadavg()[0]
        samples = value(url, 'avg(scrape_samples_scraped{job="kiosk"})') or 0
        series = own_metric(url, "prometheus_tsdb_head_series ")
        rules = own_metric(url, "prometheus_rule_group_last_duration_seconds{")
        now = time.time()
        query = prometheus_query(url, timeout_s=60)
        ward_times, province_times = [], []
        for _ in range(10):
            started = time.perf_counter()
            ward = fleet_statistics(query, Period(now - 3600, now, None, None), ward="00001")
            ward_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            whole = fleet_statistics(query, Period(now - 3600, now, None, None), province="01")
            province_times.append(time.perf_counter() - started)
        rss_now = rss_kib(prom.pid)
    finally:
        stop.set()
        prom.terminate()
        for proc in procs:
            proc.terminate()
        for proc in (prom, *procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(root, ignore_errors=True)
    print("\n| Prometheus part | value |\n|---|---:|")
    rows = [
        ("kiosk endpoints up / configured", f"{up:.0f} / {args.kiosks}"),
        ("scrape interval, measured run", f"{args.scrape_interval}, {args.seconds:.0f} s"),
        ("scrape duration per kiosk: mean", f"{mean * 1000:.1f} ms"),
        ("scrape duration per kiosk: p99 / max", f"{p99 * 1000:.1f} / {worst * 1000:.1f} ms"),
        ("samples per scrape (per kiosk)", f"{samples:.0f}"),
        ("head series", f"{series[0]:.0f}" if series else "?"),
        ("Prometheus RSS: peak / at end", f"{peak[0] / 1024:.0f} / {rss_now / 1024:.0f} MiB"),
        ("rule groups: last evaluation", " + ".join(f"{r * 1000:.1f} ms" for r in rules) or "?"),
        ("`fleet stats` one ward (median of 10)", f"{statistics.median(ward_times) * 1000:.0f} ms"),
        ("`fleet stats` whole province (median of 10)", f"{statistics.median(province_times) * 1000:.0f} ms"),
        ("files counted: ward 00001 / province", f"{ward.total} / {whole.total}"),
        ("machine load average (1 min) at the end", f"{load:.1f} on {os.cpu_count()} cores"),
    ]
    for label, shown in rows:
        print(f"| {label} | {shown} |")
    if args.prometheus_only or not (HERE / "fleet_updates.py").is_file():
        return 0
    print("\n=== bench/fleet_updates.py", flush=True)
    return subprocess.call([sys.executable, str(HERE / "fleet_updates.py"), "--kiosks", str(args.kiosks)],
                           env={**os.environ})


if __name__ == "__main__":
    sys.exit(main())

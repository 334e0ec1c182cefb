"""A province in miniature: real Prometheus and Alertmanager (Debian packages), three kiosk processes, a webhook
receiver per ward. A help request and an out-of-paper alarm must reach the right ward's webhook and no other;
ward and province statistics from Prometheus must add up to what each kiosk's own `kiosk stats` says; a silence
in Alertmanager must show as "acknowledged" on the kiosk.

Everything listens on free loopback ports with its own data folder; every process is stopped by its PID.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from kiosk.fleet.metrics import KioskLabels
from kiosk.fleet.province import kiosk_target
from kiosk.fleet.simulate import free_port_block
from kiosk.fleet.stats import manager_lines
from kiosk.help.desk import AlertmanagerHelpDesk
from kiosk.i18n import Translator
from kiosk.vietnam import VIETNAM_TIME

pytestmark = pytest.mark.integration

KIOSK = [str(Path(sys.executable).with_name("kiosk"))]
W1, W2 = "26734", "26737"
PROVINCE = "01"


@dataclass
class Webhooks:
    """Every notification Alertmanager posted, by path (/ward/<code>, /province)."""

    received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def alerts(self, path: str) -> list[dict[str, Any]]:
        with self.lock:
            return [a for body in self.received.get(path, []) for a in body.get("alerts", [])]


def _webhook_server(port: int, hooks: Webhooks) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with hooks.lock:
                hooks.received.setdefault(self.path, []).append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _wait(what: str, check: Callable[[], Any], timeout: float = 30.0, every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except requests.RequestException:
            last = None
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


@dataclass
class Province:
    root: Path
    prometheus: str
    alertmanager: str
    hooks: Webhooks
    kiosks: dict[str, tuple[str, int]]  # kiosk id -> (ward, port)
    env: dict[str, str]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    for binary in ("prometheus", "prometheus-alertmanager"):
        if shutil.which(binary) is None:
            pytest.skip(f"LOUD SKIP: {binary} not installed; run scripts/setup.sh")
    root = tmp_path_factory.mktemp("province")
    base = free_port_block(6, start=23000)
    prom_port, am_port, hook_port, k1, k2, k3 = range(base, base + 6)
    hooks = Webhooks()
    webhook = _webhook_server(hook_port, hooks)
    hook = f"http://127.0.0.1:{hook_port}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    subprocess.run([*KIOSK, "--lang", "en", "fleet", "rules", "--out", str(root), "--fast",
                    "--scrape-interval", "1s", "--alertmanager", f"127.0.0.1:{am_port}",
                    "--province-webhook", f"{hook}/province",
                    "--ward", f"{W1}={hook}/ward/{W1}", "--ward", f"{W2}={hook}/ward/{W2}"],
                   check=True, env=env, capture_output=True, timeout=60)
    kiosks = {f"K-{k1}": (W1, k1), f"K-{k2}": (W1, k2), f"K-{k3}": (W2, k3)}
    targets = [t for kid, (ward, port) in kiosks.items()
               for t in kiosk_target(f"127.0.0.1:{port}", kid, ward, PROVINCE)]
    (root / "kiosks" / "example.yml").unlink()
    (root / "kiosks" / "test.yml").write_text(yaml.safe_dump(targets))
    procs: list[subprocess.Popen[bytes]] = []
    log = (root / "services.log").open("wb")
    try:
        procs.append(subprocess.Popen(
            ["prometheus-alertmanager", f"--config.file={root / 'alertmanager.yml'}",
             f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address=",
             f"--storage.path={root / 'am'}"], stdout=log, stderr=log))
        procs.append(subprocess.Popen(
            ["prometheus", f"--config.file={root / 'prometheus.yml'}", f"--web.listen-address=127.0.0.1:{prom_port}",
             f"--storage.tsdb.path={root / 'prom'}"], stdout=log, stderr=log))
        alertmanager = f"http://127.0.0.1:{am_port}"
        common = ["--journey-every", "0.2", "--max-journeys", "15", "--journeys-after", "4",
                  "--data-dir", str(root / "data"),
                  "--duration", "120", "--prefix", "K", "--province", PROVINCE]
        procs.append(subprocess.Popen([*KIOSK, "fleet", "simulate", "--kiosks", "1", "--port-base", str(k1),
                                       "--ward", W1, "--seed", "1", "--help-after", "3",
                                       "--alertmanager", alertmanager, *common], env=env, stdout=log, stderr=log))
        procs.append(subprocess.Popen([*KIOSK, "fleet", "simulate", "--kiosks", "1", "--port-base", str(k2),
                                       "--ward", W1, "--seed", "2", *common], env=env, stdout=log, stderr=log))
        procs.append(subprocess.Popen([*KIOSK, "fleet", "simulate", "--kiosks", "1", "--port-base", str(k3),
                                       "--ward", W2, "--seed", "3", "--out-of-paper-after", "1", *common],
                                      env=env, stdout=log, stderr=log))
        prometheus = f"http://127.0.0.1:{prom_port}"
        _wait("Prometheus ready", lambda: requests.get(f"{prometheus}/-/ready", timeout=1).ok)
        _wait("Alertmanager ready", lambda: requests.get(f"{alertmanager}/-/ready", timeout=1).ok)
        yield Province(root, prometheus, alertmanager, hooks, kiosks, env)
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        webhook.shutdown()
        log.close()


def test_help_request_and_out_of_paper_reach_the_right_wards_webhook(province: Province) -> None:
    helped = min(k for k, (ward, _p) in province.kiosks.items() if ward == W1)
    paperless = next(k for k, (ward, _p) in province.kiosks.items() if ward == W2)

    def arrived(path: str, alertname: str) -> list[dict[str, Any]]:
        return [a for a in province.hooks.alerts(path) if a["labels"].get("alertname") == alertname]

    help_alerts = _wait("HelpRequested at ward 1's webhook", lambda: arrived(f"/ward/{W1}", "HelpRequested"))
    paper_alerts = _wait("PrinterOutOfPaper at ward 2's webhook",
                         lambda: arrived(f"/ward/{W2}", "PrinterOutOfPaper"))
    assert {a["labels"]["kiosk"] for a in help_alerts} == {helped}
    assert help_alerts[0]["labels"]["ward"] == W1 and help_alerts[0]["labels"]["reason"] == "citizen"
    assert {a["labels"]["kiosk"] for a in paper_alerts} == {paperless}
    # Nothing went to the other ward or to the province.
    assert not arrived(f"/ward/{W2}", "HelpRequested") and not arrived(f"/ward/{W1}", "PrinterOutOfPaper")
    assert not arrived("/province", "HelpRequested") and not arrived("/province", "PrinterOutOfPaper")


def _kiosk_stats(province: Province, kiosk: str) -> dict[str, Any]:
    config = province.root / f"{kiosk}.toml"
    config.write_text(f'[kiosk]\nkiosk_id = "{kiosk}"\ndata_dir = "{province.root / "data" / kiosk}"\n')
    done = subprocess.run([*KIOSK, "--config", str(config), "stats", "--json"], env=province.env,
                          capture_output=True, text=True, timeout=60, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _fleet_stats(province: Province, *args: str) -> dict[str, Any]:
    done = subprocess.run([*KIOSK, "fleet", "stats", "--prometheus", province.prometheus, "--json", *args],
                          env=province.env, capture_output=True, text=True, timeout=60, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _own_journeys(port: int) -> int:
    """The journeys a kiosk counted, read from its own /metrics (not through Prometheus)."""
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return round(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                     if line.startswith("kiosk_journeys_completed_total{")))


def _add(into: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    for key, n in more.items():
        into[key] = into.get(key, 0) + n
    return into


def test_ward_and_province_statistics_add_up_to_each_kiosks_own_stats(province: Province) -> None:
    def kiosks_done() -> bool:  # every kiosk has made all its journeys (15 at 0.2 s apart on average)
        totals = [_kiosk_stats(province, k)["total"] for k in province.kiosks]
        time.sleep(1.0)
        return totals == [_kiosk_stats(province, k)["total"] for k in province.kiosks] and min(totals) > 0

    _wait("kiosks to finish their journeys", kiosks_done, timeout=90)
    own = {k: _kiosk_stats(province, k) for k in province.kiosks}
    expected: dict[str, dict[str, int]] = {}
    for kiosk, (ward, _port) in province.kiosks.items():
        _add(expected.setdefault(ward, {}), own[kiosk]["by_service"])

    def ward_matches(ward: str) -> dict[str, Any] | None:
        stats = _fleet_stats(province, "--ward", ward)
        return stats if stats["by_service"] == expected[ward] else None

    for ward in (W1, W2):
        stats = _wait(f"ward {ward} figures in Prometheus", lambda ward=ward: ward_matches(ward), timeout=60)
        assert stats["total"] == sum(expected[ward].values())
        assert stats["kiosks"] == sum(1 for w, _p in province.kiosks.values() if w == ward)
    # Journeys come from counters: Prometheus's sum for the ward equals the kiosks' own counters.
    own_journeys = {k: _own_journeys(port) for k, (_w, port) in province.kiosks.items()}
    w1_journeys = sum(own_journeys[k] for k, (w, _p) in province.kiosks.items() if w == W1)

    def journeys_match() -> dict[str, Any] | None:
        stats = _fleet_stats(province, "--ward", W1)
        counted = sum(n for outcomes in stats["journeys"].values() for n in outcomes.values())
        return stats if counted == w1_journeys else None

    journeys = _wait("ward journeys in Prometheus", journeys_match, timeout=60)
    assert journeys["median_journey_seconds"] is not None and journeys["median_journey_seconds"] > 0
    # What a ward manager's screen shows when `[fleet] prometheus_url` is set: the same ward figures.
    lines = dict(manager_lines(province.prometheus, W1, Translator("en")))
    assert lines["Files received"] == str(sum(expected[W1].values())) and lines["Kiosks reporting"] == "2"
    whole = _fleet_stats(province, "--province", PROVINCE)
    assert whole["by_ward"] == {w: sum(expected[w].values()) for w in (W1, W2)}
    assert whole["total"] == sum(own[k]["total"] for k in province.kiosks)
    all_states: dict[str, int] = {}
    for kiosk in province.kiosks:
        _add(all_states, own[kiosk]["by_state"])
    assert whole["by_state_now"] == all_states
    # Today's figures (whole days, Vietnam time, as `kiosk stats --from --to`) are the same files.
    today = datetime.now(VIETNAM_TIME).date()
    yesterday = today - timedelta(days=1)
    assert _fleet_stats(province, "--ward", W1, "--from", yesterday.isoformat(), "--to", today.isoformat()
                        )["by_service"] == expected[W1]


def test_a_silence_in_alertmanager_is_the_staff_acknowledgement(province: Province) -> None:
    desk = AlertmanagerHelpDesk(province.alertmanager, KioskLabels("K-ACK", W2, PROVINCE), "2", repeat_s=30.0)
    first = desk.request("face")
    assert first.kind == "staff_told" and first.staff_told
    assert desk.check(first.request_id).kind == "staff_told"  # nobody answered yet
    now = datetime.now(UTC)
    silence = {"matchers": [{"name": "request", "value": first.request_id, "isRegex": False, "isEqual": True}],
               "startsAt": now.isoformat(), "endsAt": (now + timedelta(minutes=10)).isoformat(),
               "createdBy": "counter 2", "comment": "on my way"}
    answer = requests.post(f"{province.alertmanager}/api/v2/silences", json=silence, timeout=5)
    assert answer.status_code == 200
    acknowledged = _wait("the kiosk to see the silence",
                         lambda: (r := desk.check(first.request_id)).kind == "acknowledged" and r)
    assert acknowledged.waited_s >= first.waited_s
    desk.close(first.request_id)
    alerts = requests.get(f"{province.alertmanager}/api/v2/alerts",
                          params={"filter": f'request="{first.request_id}"'}, timeout=5).json()
    assert all(a["status"]["state"] != "active" for a in alerts)

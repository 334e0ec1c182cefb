"""`kiosk fleet stats` periods and errors; simulated kiosks serving their metrics; `kiosk fleet simulate`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kiosk.config import load_config
from kiosk.fleet.simulate import Simulation, SimulationOptions, free_port_block
from kiosk.fleet.stats import FleetStatistics, _quantile, parse_when, period, render_csv, render_table
from kiosk.i18n import Translator
from kiosk.staff.statistics import compute_statistics
from kiosk.vietnam import VIETNAM_TIME
from offline_cache import FileKeyProvider, SqliteSubmissionQueue

KIOSK = [str(Path(sys.executable).with_name("kiosk"))]


def test_days_are_whole_vietnam_days_with_the_last_one_included() -> None:
    start = parse_when("2026-11-23", end=False)
    end = parse_when("2026-11-23", end=True)
    assert dt.datetime.fromtimestamp(start, VIETNAM_TIME) == dt.datetime(2026, 11, 23, tzinfo=VIETNAM_TIME)
    assert end - start == 86_400
    assert parse_when("2026-11-23T10:00:00+07:00", end=False) == start + 10 * 3600
    now = parse_when("2026-11-23T12:00:00+07:00", end=False)
    p = period("2026-11-23", "2026-11-23", now=now)
    assert p.start == start and p.end == now  # not past now
    with pytest.raises(ValueError, match="before"):
        period("2026-11-24", "2026-11-23", now=now + 10 * 86_400)
    with pytest.raises(ValueError, match="not a day"):
        parse_when("23/11/2026", end=False)


def test_the_median_is_interpolated_within_buckets_as_prometheus_does() -> None:
    assert _quantile(0.5, {"60.0": 1, "120.0": 3, "+Inf": 4}) == 90.0
    assert _quantile(0.5, {"60.0": 0, "120.0": 0, "+Inf": 4}) == 120.0  # beyond the last bound: the bound
    assert _quantile(0.5, {"60.0": 0, "+Inf": 0}) is None


def test_figures_render_as_a_table_and_as_csv() -> None:
    stats = FleetStatistics(ward="26734", province=None, since=None, until=None, total=3,
                            by_service={"judicial_record": 2, "traffic_fine": 1}, accepted=2, accepted_on_time=1,
                            journeys={"judicial_record": {"sent": 2}}, median_journey_seconds=270.0, kiosks=2)
    table = render_table(stats, Translator("en"))
    assert "On-time rate" in table and "50.0 %" in table and "judicial_record / sent" in table
    rows = render_csv(stats).splitlines()
    assert rows[0] == "section,key,subkey,value"
    assert "by_service,judicial_record,,2" in rows and "journeys,judicial_record,sent,2" in rows


@pytest.mark.integration  # HTTP on 127.0.0.1 or the kiosk command
def test_stats_cli_says_in_one_line_when_prometheus_cannot_be_reached() -> None:
    done = subprocess.run([*KIOSK, "--lang", "en", "fleet", "stats", "--prometheus", "http://127.0.0.1:9"],
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("Could not get the figures from Prometheus: Prometheus at")
    assert len(done.stderr.strip().splitlines()) == 1
    bad = subprocess.run([*KIOSK, "--lang", "en", "fleet", "stats", "--prometheus", "http://127.0.0.1:9",
                          "--from", "yesterday"], check=False, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("The period is not valid")


def metric_samples(port: int) -> list[tuple[str, dict[str, str], float]]:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return [(s.name, s.labels, s.value) for f in text_string_to_metric_families(text) for s in f.samples]


@pytest.mark.integration  # HTTP on 127.0.0.1 or the kiosk command
def test_each_simulated_kiosk_serves_its_own_metrics_and_keeps_real_files(tmp_path: Path) -> None:
    base = free_port_block(3, start=31000)
    sim = Simulation(SimulationOptions(kiosks=3, port_base=base, ward=None, journey_every_s=0.05, max_journeys=8,
                                       data_dir=tmp_path, out_of_paper_after_s=0.01))
    sim.start()
    try:
        deadline = dt.datetime.now() + dt.timedelta(seconds=10)
        while any(k.journeys < 8 for k in sim.kiosks) and dt.datetime.now() < deadline:
            sim._stop.wait(0.1)
        assert all(k.journeys == 8 for k in sim.kiosks)
        for i in range(3):
            got = metric_samples(base + i)
            kiosk_ids = {labels["kiosk"] for _n, labels, _v in got}
            assert kiosk_ids == {f"SIM-{base + i}"}
            assert {labels["ward"] for _n, labels, _v in got} == {"00001"}  # ten kiosks to a ward
            journeys = sum(v for n, _l, v in got if n == "kiosk_journeys_completed_total")
            assert journeys == 8
            files = {(labels["service"], labels["state"]): v for n, labels, v in got if n == "kiosk_files"}
            config = load_config(overrides={"kiosk": {"data_dir": str(tmp_path / f"SIM-{base + i}")}})
            queue = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
            own = compute_statistics(queue)
            queue.close()
            by_service: dict[str, float] = {}
            for (service, _state), n in files.items():
                by_service[service] = by_service.get(service, 0) + n
            assert by_service == own.by_service and own.total > 0
        first = {labels["state"]: v for n, labels, v in metric_samples(base) if n == "kiosk_printer_state"}
        assert first["out_of_paper"] == 1.0
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{base}/other", timeout=5)
    finally:
        sim.close()


@pytest.mark.integration  # HTTP on 127.0.0.1 or the kiosk command
def test_simulate_cli_runs_for_its_duration_and_names_a_taken_port() -> None:
    base = free_port_block(2, start=32000)
    done = subprocess.run([*KIOSK, "--lang", "en", "fleet", "simulate", "--kiosks", "2", "--port-base", str(base),
                           "--duration", "1"], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"2 simulated kiosks serve /metrics on 127.0.0.1:{base}–{base + 1}"
    sim = Simulation(SimulationOptions(kiosks=1, port_base=base))
    try:
        taken = subprocess.run([*KIOSK, "--lang", "en", "fleet", "simulate", "--kiosks", "2", "--port-base",
                                str(base), "--duration", "1"], check=False, capture_output=True, text=True, timeout=60)
    finally:
        sim.close()
    assert taken.returncode == 1 and taken.stderr.startswith(f"Could not open port {base}+")

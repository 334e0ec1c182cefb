"""The shipped Prometheus rules and the province set-up: checked by the tools that will run them.

`promtool check rules` / `check config`, `amtool check-config` and `amtool config routes test` (routing by ward),
and `promtool test rules` with input series for each alert and recording rule (fires when it should, not when it
should not)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kiosk.fleet.province import RULE_FILES, ProvinceSetup, alertmanager_config, rules_text, write_province

RULES = Path(__file__).resolve().parents[3] / "kiosk" / "fleet" / "rules"
KIOSK = [str(Path(sys.executable).with_name("kiosk"))]


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"LOUD SKIP: {tool} not installed (Debian prometheus / prometheus-alertmanager); "
                    "run scripts/setup.sh")
    return path


@pytest.mark.integration  # runs promtool, amtool or the kiosk command
def test_promtool_accepts_the_shipped_rules() -> None:
    done = subprocess.run([need("promtool"), "check", "rules", *(str(RULES / n) for n in RULE_FILES)],
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 7 rules found" in done.stdout and "SUCCESS: 12 rules found" in done.stdout


@pytest.mark.integration  # runs promtool, amtool or the kiosk command
def test_the_written_province_passes_promtool_and_amtool_and_routes_by_ward(tmp_path: Path) -> None:
    done = subprocess.run([*KIOSK, "--lang", "en", "fleet", "rules", "--out", str(tmp_path),
                           "--ward", "26734=http://127.0.0.1:9100/w1", "--ward", "26737=http://127.0.0.1:9100/w2"],
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("Wrote 5 configuration files"), done.stderr
    check = subprocess.run([need("promtool"), "check", "config", str(tmp_path / "prometheus.yml")],
                           check=False, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    amtool = need("amtool")
    am = str(tmp_path / "alertmanager.yml")
    assert subprocess.run([amtool, "check-config", am], check=False, capture_output=True, timeout=60).returncode == 0

    def route(*labels: str) -> str:
        out = subprocess.run([amtool, "config", "routes", "test", f"--config.file={am}", *labels],
                             check=False, capture_output=True, text=True, timeout=60)
        return out.stdout.strip()

    assert route("alertname=HelpRequested", "ward=26734", "kiosk=K1") == "ward-26734"
    assert route("alertname=PrinterOutOfPaper", "ward=26737", "kiosk=K2") == "ward-26737"
    assert route("alertname=KioskDown", "ward=99999") == "province"
    assert route("alertname=PortalOutage", "province=01") == "province"


@pytest.mark.integration  # runs promtool, amtool or the kiosk command
def test_a_bad_ward_option_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run([*KIOSK, "--lang", "en", "fleet", "rules", "--out", str(tmp_path), "--ward", "26734"],
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.strip() == "--ward must be CODE=WEBHOOK_URL, not 26734"


def test_fast_mode_only_shortens_waits() -> None:
    slow, fast = (yaml.safe_load(rules_text("kiosk-alerts.yml", f)) for f in (False, True))
    for a, b in zip(slow["groups"][0]["rules"], fast["groups"][0]["rules"], strict=True):
        assert a["expr"] == b["expr"] and b.get("for", "1s") == "1s"
    assert alertmanager_config(ProvinceSetup(fast=True))["route"]["group_wait"] == "1s"


K = 'kiosk="{k}",ward="{w}",province="01"'


def _series(name: str, values: str, k: str = "K1", w: str = "W1", **extra: str) -> dict[str, str]:
    labels = K.format(k=k, w=w) + "".join(f',{key}="{v}"' for key, v in extra.items())
    return {"series": f"{name}{{{labels}}}", "values": values}


@pytest.mark.integration  # runs promtool, amtool or the kiosk command
def test_alerts_fire_when_they_should_and_not_otherwise(tmp_path: Path) -> None:
    promtool = need("promtool")
    write_province(tmp_path, ProvinceSetup())
    tests = {
        "rule_files": [f"rules/{n}" for n in RULE_FILES],
        "evaluation_interval": "1m",
        "tests": [
            {   # out of paper for two minutes at K1; K2 fine
                "interval": "1m",
                "input_series": [
                    _series("kiosk_printer_state", "0 1 1 1", state="out_of_paper"),
                    _series("kiosk_printer_state", "0 0 0 0", k="K2", state="out_of_paper"),
                ],
                "alert_rule_test": [
                    {"eval_time": "1m", "alertname": "PrinterOutOfPaper", "exp_alerts": []},
                    {"eval_time": "3m", "alertname": "PrinterOutOfPaper", "exp_alerts": [
                        {"exp_labels": {"severity": "page", "kind": "device", "kiosk": "K1", "ward": "W1",
                                        "province": "01", "state": "out_of_paper"},
                         "exp_annotations": {"summary": "The printer of kiosk K1 is out of paper"}}]},
                ],
            },
            {   # the portal lost by 3 of 4 kiosks is an outage; by 1 of 4 it is not
                "interval": "1m",
                "input_series": [
                    _series("kiosk_portal_breaker_open", "1x10", k="K1"),
                    _series("kiosk_portal_breaker_open", "1x10", k="K2"),
                    _series("kiosk_portal_breaker_open", "0x4 1x5", k="K3", w="W2"),
                    _series("kiosk_portal_breaker_open", "0x10", k="K4", w="W2"),
                ],
                "alert_rule_test": [
                    {"eval_time": "4m", "alertname": "PortalOutage", "exp_alerts": []},
                    {"eval_time": "10m", "alertname": "PortalOutage", "exp_alerts": [
                        {"exp_labels": {"severity": "page", "kind": "outage", "province": "01"},
                         "exp_annotations": {"summary": "3 kiosks of province 01 cannot reach the portal"}}]},
                ],
            },
            {   # backlog older than 30 minutes; help waiting over 5 minutes; no reader
                "interval": "1m",
                "input_series": [
                    _series("kiosk_queue_oldest_waiting_seconds", "0+120x30"),
                    _series("kiosk_help_unacknowledged_seconds", "0+60x10", k="K2"),
                    _series("kiosk_device_up", "1 0 0 0 0", k="K3", device="reader"),
                ],
                "alert_rule_test": [
                    {"eval_time": "10m", "alertname": "QueueBacklog", "exp_alerts": []},
                    {"eval_time": "22m", "alertname": "QueueBacklog", "exp_alerts": [
                        {"exp_labels": {"severity": "warning", "kind": "queue", "kiosk": "K1", "ward": "W1",
                                        "province": "01"},
                         "exp_annotations": {"summary": "Kiosk K1 has files waiting 44m 0s"}}]},
                    {"eval_time": "5m", "alertname": "HelpNotAcknowledged", "exp_alerts": []},
                    {"eval_time": "6m", "alertname": "HelpNotAcknowledged", "exp_alerts": [
                        {"exp_labels": {"severity": "page", "kind": "help", "kiosk": "K2", "ward": "W1",
                                        "province": "01"},
                         "exp_annotations": {"summary": "A citizen at kiosk K2 has waited 6m 0s for staff"}}]},
                    {"eval_time": "4m", "alertname": "ReaderMissing", "exp_alerts": [
                        {"exp_labels": {"severity": "warning", "kind": "device", "kiosk": "K3", "ward": "W1",
                                        "province": "01", "device": "reader"},
                         "exp_annotations": {"summary": "Kiosk K3 sees no card reader"}}]},
                ],
            },
            {   # ward sums of files; a kiosk that stops answering keeps its last figures in the sum
                "interval": "1m",
                "input_series": [
                    _series("kiosk_files", "1 2 3 3", service="judicial_record", state="accepted"),
                    _series("kiosk_files", "4 4 _ _", k="K2", service="judicial_record", state="accepted"),
                    _series("kiosk_files", "5 5 5 5", k="K3", w="W2", service="judicial_record",
                            state="accepted"),
                ],
                "promql_expr_test": [
                    {"expr": 'ward_service_state:kiosk_files:sum{ward="W1"}', "eval_time": "3m",
                     "exp_samples": [{"labels": 'ward_service_state:kiosk_files:sum{province="01",'
                                                'service="judicial_record",state="accepted",ward="W1"}',
                                      "value": 7}]},
                    {"expr": "province_service_state:kiosk_files:sum", "eval_time": "3m",
                     "exp_samples": [{"labels": 'province_service_state:kiosk_files:sum{province="01",'
                                                'service="judicial_record",state="accepted"}', "value": 12}]},
                ],
            },
        ],
    }
    spec = tmp_path / "tests.yml"
    spec.write_text(yaml.safe_dump(tests, sort_keys=False))
    done = subprocess.run([promtool, "test", "rules", str(spec)], check=False, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

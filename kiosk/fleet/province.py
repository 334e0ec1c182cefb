"""The Prometheus and Alertmanager set-up for a province, written by `kiosk fleet rules --out DIR`.

What is written (Prometheus 2.x and Alertmanager 0.25 configuration formats):

- `rules/kiosk-alerts.yml`, `rules/kiosk-statistics.yml`: the shipped alerting and recording rules.
- `prometheus.yml`: scrapes every kiosk listed in `kiosks/*.yml` (file-based service discovery, so adding a
  kiosk is adding a file, read without a restart), with `honor_labels` so each kiosk's own kiosk/ward/province
  labels stand; evaluates the rules; sends alerts to Alertmanager.
- `alertmanager.yml`: routes every alert with `ward="W"` to that ward's staff webhook, PortalOutage and anything
  without a known ward to the province's webhook; PortalOutage inhibits QueueBacklog in the same province and
  KioskDown the device alarms of the same kiosk.
- `kiosks/example.yml`: one scrape target with its labels.

`fast=True` shortens every wait (rule `for:`, Alertmanager's group wait) for tests and demos; the rules'
expressions stay the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

RULE_FILES = ("kiosk-alerts.yml", "kiosk-statistics.yml")


@dataclass(frozen=True)
class ProvinceSetup:
    """Who is told about what: a webhook per ward, one for the province; where Alertmanager listens."""

    province_webhook: str = "http://127.0.0.1:9099/province"
    ward_webhooks: Mapping[str, str] = field(default_factory=dict)
    alertmanager: str = "127.0.0.1:9093"
    scrape_interval: str = "15s"
    evaluation_interval: str = "15s"
    fast: bool = False


def shipped_rules(name: str) -> str:
    return resources.files("kiosk.fleet").joinpath("rules", name).read_text(encoding="utf-8")


def rules_text(name: str, fast: bool = False) -> str:
    """A shipped rule file; with `fast`, every `for:` and group interval is one second."""
    text = shipped_rules(name)
    if not fast:
        return text
    doc = yaml.safe_load(text)
    for group in doc["groups"]:
        if "interval" in group:
            group["interval"] = "1s"
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = "1s"
    return str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def prometheus_config(setup: ProvinceSetup) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": setup.scrape_interval, "evaluation_interval": setup.evaluation_interval,
                   "scrape_timeout": "5s" if not setup.fast else "1s"},
        "rule_files": [f"rules/{name}" for name in RULE_FILES],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [setup.alertmanager]}]}]},
        "scrape_configs": [{
            "job_name": "kiosk",
            "honor_labels": True,
            "file_sd_configs": [{"files": ["kiosks/*.yml"], "refresh_interval": "30s" if not setup.fast else "1s"}],
        }],
    }


def alertmanager_config(setup: ProvinceSetup) -> dict[str, Any]:
    wait = "1s" if setup.fast else "10s"
    routes: list[dict[str, Any]] = [
        {"matchers": ['alertname="PortalOutage"'], "receiver": "province"},
    ]
    receivers: list[dict[str, Any]] = [
        {"name": "province", "webhook_configs": [{"url": setup.province_webhook, "send_resolved": True}]},
    ]
    for ward, url in sorted(setup.ward_webhooks.items()):
        routes.append({"matchers": [f'ward="{ward}"'], "receiver": f"ward-{ward}"})
        receivers.append({"name": f"ward-{ward}", "webhook_configs": [{"url": url, "send_resolved": True}]})
    return {
        "route": {
            "receiver": "province",
            "group_by": ["alertname", "ward", "kiosk"],
            "group_wait": wait,
            "group_interval": "1s" if setup.fast else "1m",
            "repeat_interval": "30m",
            "routes": routes,
        },
        "receivers": receivers,
        "inhibit_rules": [
            {"source_matchers": ['alertname="PortalOutage"'], "target_matchers": ['alertname="QueueBacklog"'],
             "equal": ["province"]},
            {"source_matchers": ['alertname="KioskDown"'],
             "target_matchers": ['alertname=~"PrinterOutOfPaper|PrinterFailing|ReaderMissing"'],
             "equal": ["kiosk"]},
        ],
    }


def kiosk_target(address: str, kiosk: str, ward: str, province: str) -> list[dict[str, Any]]:
    """One file_sd entry: `up` and KioskDown get the kiosk's labels from here."""
    return [{"targets": [address], "labels": {"kiosk": kiosk, "ward": ward, "province": province}}]


def write_province(out: Path, setup: ProvinceSetup, targets: list[dict[str, Any]] | None = None) -> list[Path]:
    """Write the whole set-up into `out` (created if needed); returns the files written."""
    (out / "rules").mkdir(parents=True, exist_ok=True)
    (out / "kiosks").mkdir(exist_ok=True)
    written: list[Path] = []

    def put(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for name in RULE_FILES:
        put(out / "rules" / name, rules_text(name, setup.fast))
    put(out / "prometheus.yml", yaml.safe_dump(prometheus_config(setup), sort_keys=False))
    put(out / "alertmanager.yml", yaml.safe_dump(alertmanager_config(setup), sort_keys=False))
    example = targets if targets is not None else kiosk_target("192.0.2.10:9464", "KIOSK-DEMO-01", "00001", "01")
    put(out / "kiosks" / "example.yml", yaml.safe_dump(example, sort_keys=False))
    return written

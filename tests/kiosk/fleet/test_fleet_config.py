"""The fleet's settings are checked when the configuration is read, like every other setting."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, load_config


@pytest.mark.parametrize(("section", "key", "value"), [
    ("kiosk", "ward_code", "Phường 1"),          # a space: not a label value or route matcher
    ("kiosk", "ward_code", ""),
    ("kiosk", "province_code", 'x"y'),
    ("fleet", "metrics_address", "127.0.0.1:99999"),
    ("help", "counter", ""),
    ("help", "repeat_s", 1.0),
    ("help", "backend", "pager"),
])
def test_a_bad_fleet_setting_is_refused_by_name(section: str, key: str, value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(overrides={section: {key: value}})
    assert caught.value.setting == f"{section}.{key}"


def test_alertmanager_help_needs_an_address() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(overrides={"help": {"backend": "alertmanager"}})
    assert caught.value.setting == "help.alertmanager_url"
    ok = load_config(overrides={"help": {"backend": "alertmanager", "alertmanager_url": "http://10.0.0.5:9093"},
                                "kiosk": {"ward_code": "26734", "province_code": "79"},
                                "fleet": {"metrics_address": "0.0.0.0:9464"}})
    assert ok.help.alertmanager_url == "http://10.0.0.5:9093" and ok.kiosk.ward_code == "26734"

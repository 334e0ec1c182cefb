"""The portal's and the insurance gateway's deadline and answer-size settings: bounded, and used."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.hospital.gateway import HttpInsuranceGateway
from kiosk.portal.client import PortalClient


@pytest.mark.parametrize(("section", "key", "value"), [
    ("portal", "request_deadline_s", float("inf")), ("portal", "request_deadline_s", 0.0),
    ("portal", "max_answer_bytes", 0), ("portal", "max_answer_bytes", 10**12),
    ("hospital", "insurance_deadline_s", float("nan")), ("hospital", "insurance_max_answer_bytes", 1),
    ("hospital", "insurance_timeout_s", 1e9)])
def test_limits_outside_their_range_are_refused(section: str, key: str, value: float) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(None, {section: {key: value}})
    assert f"{section}.{key}" in str(info.value)


def test_configured_limits_reach_the_client_and_the_gateway(tmp_path: Path) -> None:
    password = tmp_path / "pw"
    password.write_text("secret", encoding="utf-8")
    config = load_config(None, {"portal": {"request_deadline_s": 4.5, "max_answer_bytes": 65536},
                                "hospital": {"insurance_backend": "gateway", "insurance_url": "http://127.0.0.1:9",
                                             "insurance_username": "kiosk",
                                             "insurance_password_file": str(password),
                                             "insurance_timeout_s": 2.0, "insurance_deadline_s": 3.0,
                                             "insurance_max_answer_bytes": 4096}})
    client = PortalClient.from_config(config)
    assert client.deadline_s == 4.5 and client.max_answer_bytes == 65536
    client.close()
    gateway = HttpInsuranceGateway.from_config(config)
    assert (gateway.timeout_s, gateway.deadline_s, gateway.max_answer_bytes) == (2.0, 3.0, 4096)

"""The composition root builds what the configuration names, and says clearly what is missing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import requests

from kiosk import bootstrap
from kiosk.bootstrap import DemoSetup, DeviceUnavailableError, build_kiosk
from kiosk.config import KioskConfig, load_config


def config_in(tmp_path: Path) -> KioskConfig:
    return load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"}})


def test_default_config_builds_the_demo_kiosk_on_simulated_devices(tmp_path: Path) -> None:
    kiosk = build_kiosk(config_in(tmp_path), DemoSetup(enabled=True, fast=True))
    try:
        assert type(kiosk.card_reader).__name__ == "SimulatedCardReader"
        assert type(kiosk.camera).__name__ == "SimulatedCamera"
        assert type(kiosk.printer).__name__ == "PdfFolderPrinter"
        assert type(kiosk.speaker).__name__ == "SilentSpeaker"
        assert type(kiosk.face_verifier).__name__ == "SimulatedFaceVerifier"
        assert kiosk.extras["card_image"] is not None  # the virtual card the demo places on the reader
        url = kiosk.portal_simulator.url
        assert kiosk.config.portal.base_url == url  # the portal client talks to the simulator it started
        assert requests.get(f"{url}/v1/health", timeout=5).status_code < 500
    finally:
        kiosk.close()
    with pytest.raises(requests.RequestException):
        requests.get(f"{url}/v1/health", timeout=2)


def test_the_virtual_card_reads_with_the_typed_key(tmp_path: Path) -> None:
    from datetime import date

    kiosk = build_kiosk(config_in(tmp_path), DemoSetup(enabled=True, fast=True))
    try:
        kiosk.card_reader.insert(kiosk.extras["card_image"])
        key = kiosk.access_key_from_typed("001190012345", date(1990, 3, 14), date(2030, 3, 14))
        identity = kiosk.read_card(key)
        assert identity.id_last4 == "2345"
        wrong = kiosk.access_key_from_typed("001190012345", date(1990, 3, 15), date(2030, 3, 14))
        with pytest.raises(Exception) as caught:
            kiosk.read_card(wrong)
        assert getattr(caught.value, "message_key", "") == "card.access_denied"
    finally:
        kiosk.close()


def test_portal_simulator_is_not_started_when_the_config_says_so(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    config = dataclasses.replace(config, portal=dataclasses.replace(config.portal, start_simulator=False))
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        assert kiosk.portal_simulator is None
        assert kiosk.config.portal.base_url == config.portal.base_url
    finally:
        kiosk.close()


@pytest.mark.parametrize(("section", "setting"), [("card", "card.backend"), ("camera", "camera.backend"),
                                                  ("printer", "printer.backend"), ("speech", "speech.backend")])
def test_an_unknown_backend_is_refused_naming_the_setting_and_the_choices(tmp_path: Path, section: str,
                                                                          setting: str) -> None:
    config = config_in(tmp_path)
    broken = dataclasses.replace(config, **{section: dataclasses.replace(getattr(config, section), backend="nfc")})
    with pytest.raises(DeviceUnavailableError) as caught:
        build_kiosk(broken, DemoSetup(enabled=True, fast=True))
    assert setting in str(caught.value)
    assert "nfc" in str(caught.value)
    assert caught.value.message_key == "ui.device_unavailable"


def test_a_missing_optional_back_end_is_named_in_the_error() -> None:
    with pytest.raises(DeviceUnavailableError) as caught:
        bootstrap._load("printer.backend", "escpos", "devices.printer.no_such_module:EscposPrinter")
    assert "printer.backend" in str(caught.value)
    assert "devices.printer.no_such_module" in str(caught.value)


def test_each_table_offers_exactly_the_backends_the_config_allows() -> None:
    from typing import get_args, get_type_hints

    from kiosk.config import CameraConfig, CardConfig, HospitalConfig, PrinterConfig, SpeechConfig

    pairs = [(bootstrap.CARD_READERS, CardConfig, "backend"), (bootstrap.CAMERAS, CameraConfig, "backend"),
             (bootstrap.PRINTERS, PrinterConfig, "backend"), (bootstrap.SPEAKERS, SpeechConfig, "backend"),
             (bootstrap.INSURANCE, HospitalConfig, "insurance_backend")]
    for table, cls, name in pairs:
        assert set(table) == set(get_args(get_type_hints(cls)[name])), cls.__name__

"""The scanner from the configuration: settings checked, the back end built, the technician's device test; and
the attachment limits a service file may set."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest

from devices.scanner.camera import CameraDocumentScanner
from devices.scanner.sane import SaneScanner
from devices.scanner.simulated import SimulatedScanner
from kiosk import bootstrap
from kiosk.bootstrap import DemoSetup, build_kiosk
from kiosk.catalogue.loader import CatalogueInvalidError, load_catalogue
from kiosk.catalogue.model import DEFAULT_ATTACHMENT_BYTES, DEFAULT_ATTACHMENT_PAGES
from kiosk.catalogue.schema import attachments_of
from kiosk.config import ConfigError, KioskConfig, ScannerConfig, load_config
from kiosk.staff.diagnostics import check_scanner
from tests.kiosk.catalogue.test_loader import copy_catalogue, edit

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "kiosk.example.toml"


def config_with(tmp_path: Path, **scanner: object) -> KioskConfig:
    return load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"},
                              "scanner": scanner})


def test_the_scanner_table_offers_exactly_the_backends_the_config_allows() -> None:
    assert set(bootstrap.SCANNERS) == set(get_args(get_type_hints(ScannerConfig)["backend"]))


def test_each_scanner_backend_is_built_from_its_settings(tmp_path: Path) -> None:
    demo = DemoSetup(enabled=True, fast=True)
    simulated = bootstrap._pick(bootstrap.SCANNERS, "scanner.backend", "simulated",
                                config_with(tmp_path, dpi=300), demo)
    assert isinstance(simulated, SimulatedScanner) and simulated.dpi == 300
    camera = bootstrap._pick(bootstrap.SCANNERS, "scanner.backend", "opencv", config_with(
        tmp_path, backend="opencv", camera_device="/dev/video2", camera_width=4000, camera_height=3000,
        bed_width_mm=380.0, frames=3, min_sharpness=70.0, max_glare_fraction=0.05), demo)
    assert isinstance(camera, CameraDocumentScanner)
    assert (camera.camera.width, camera.camera.height, camera.bed_width_mm, camera.frames) == (4000, 3000, 380.0, 3)
    assert getattr(camera.camera, "device", None) == "/dev/video2"
    assert (camera.limits.min_sharpness, camera.limits.max_glare_fraction) == (70.0, 0.05)
    sane = bootstrap._pick(bootstrap.SCANNERS, "scanner.backend", "sane", config_with(
        tmp_path, backend="sane", sane_device="epson2:libusb:001:004", sane_source="ADF", sane_mode="Gray",
        sane_options=["--swdeskew=yes"], page_width_mm=148.0, page_height_mm=210.0), demo)
    assert isinstance(sane, SaneScanner)
    assert (sane.device, sane.source, sane.mode, sane.options) == ("epson2:libusb:001:004", "ADF", "Gray",
                                                                   ("--swdeskew=yes",))
    assert (sane.page_width_mm, sane.page_height_mm) == (148.0, 210.0)


@pytest.mark.parametrize(("setting", "value", "words"), [
    ("backend", "fax", "must be one of"),
    ("dpi", 150, "between 200 and 600"),
    ("bed_width_mm", float("inf"), "finite"),
    ("max_glare_fraction", 1.5, "between 0 and 1"),
    ("sane_device", "--help", "SANE device name"),
    ("sane_device", "test device", "SANE device name"),
    ("sane_options", ["-d other"], "--name=value"),
    ("camera_device", "ftp://camera", "stream address"),
    ("page_width_mm", 1000.0, "between 20 and 432"),
])
def test_scanner_settings_are_checked_and_named(tmp_path: Path, setting: str, value: object, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, **{setting: value})
    assert caught.value.setting.startswith(f"scanner.{setting}")
    assert words in str(caught.value)


def test_the_example_file_lists_every_scanner_setting_at_its_default() -> None:
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["scanner"]
    defaults = {f.name: getattr(ScannerConfig(), f.name) for f in dataclasses.fields(ScannerConfig)}
    assert {k: tuple(v) if isinstance(v, list) else v for k, v in example.items()} == defaults


def test_the_kiosk_carries_its_scanner_and_the_technician_can_test_it(tmp_path: Path) -> None:
    kiosk = build_kiosk(config_with(tmp_path), DemoSetup(enabled=True, fast=True))
    try:
        assert isinstance(kiosk.scanner, SimulatedScanner)
        ok, detail = kiosk.device_check("scanner")
        assert ok and "200 dpi" in detail
    finally:
        kiosk.close()


def test_the_technician_sees_a_scanner_that_cannot_work() -> None:
    ok, detail = check_scanner(SaneScanner("test", program="scanimage-not-here"))
    assert not ok and "sane-utils" in detail
    ok, detail = check_scanner(None)
    assert not ok


def test_an_attachment_field_carries_its_page_and_size_limits(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path)

    def limit(raw: dict[str, Any]) -> None:
        field = next(f for s in raw["steps"] for f in s["fields"] if f["key"] == "old_card_scan")
        field.update(max_pages=2, max_bytes=2_000_000)
    edit(folder / "01_id_confirmation.yaml", limit)
    (spec,) = attachments_of(load_catalogue(folder).get("id_confirmation"))
    assert (spec.field, spec.component_code, spec.max_pages, spec.max_bytes) == ("old_card_scan", "CMND_CU", 2,
                                                                                 2_000_000)
    (shipped,) = attachments_of(load_catalogue().get("id_confirmation"))
    assert (shipped.max_pages, shipped.max_bytes) == (DEFAULT_ATTACHMENT_PAGES, DEFAULT_ATTACHMENT_BYTES)


@pytest.mark.parametrize(("key", "value", "field_key", "where"), [
    ("max_pages", 0, "old_card_scan", "max_pages"),
    ("max_pages", 51, "old_card_scan", "max_pages"),
    ("max_pages", "two", "old_card_scan", "max_pages"),
    ("max_bytes", 1000, "old_card_scan", "max_bytes"),
    ("max_bytes", 10**12, "old_card_scan", "max_bytes"),
    ("max_pages", 3, "purpose", "max_pages"),      # a choice field has no pages
])
def test_attachment_limits_out_of_range_or_misplaced_are_refused(tmp_path: Path, key: str, value: object,
                                                                 field_key: str, where: str) -> None:
    folder = copy_catalogue(tmp_path)

    def change(raw: dict[str, Any]) -> None:
        next(f for s in raw["steps"] for f in s["fields"] if f["key"] == field_key)[key] = value
    edit(folder / "01_id_confirmation.yaml", change)
    with pytest.raises(CatalogueInvalidError) as caught:
        load_catalogue(folder)
    fields = [p.field for p in caught.value.problems]
    assert any(f.endswith(f"({field_key}).{where}") for f in fields), fields

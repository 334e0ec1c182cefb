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
        assert kiosk.card_image is not None  # the virtual card the demo places on the reader
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
        kiosk.card_reader.insert(kiosk.card_image)
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


def with_sections(config: KioskConfig, **sections: dict[str, object]) -> KioskConfig:
    for name, values in sections.items():
        config = dataclasses.replace(config, **{name: dataclasses.replace(getattr(config, name), **values)})
    return config


def test_each_printer_backend_is_built_from_its_settings(tmp_path: Path) -> None:
    from devices.printer.printer import PrinterStatus, PrintJob

    demo = DemoSetup(enabled=True, fast=True)
    base = config_in(tmp_path)
    pdf = bootstrap._pick(bootstrap.PRINTERS, "printer.backend", "pdf",
                          with_sections(base, printer={"output_dir": tmp_path / "pdfs"}), demo)
    assert pdf.status() is PrinterStatus.READY
    cups_config = with_sections(base, printer={"backend": "cups", "cups_queue": "Receipts",
                                               "cups_server": "127.0.0.1:8631", "job_timeout_s": 12.5})
    cups = bootstrap._pick(bootstrap.PRINTERS, "printer.backend", "cups", cups_config, demo)
    assert (cups.queue, cups.server, cups.timeout_s) == ("Receipts", "127.0.0.1:8631", 12.5)
    device = tmp_path / "lp0"
    escpos_config = with_sections(base, printer={"backend": "escpos", "escpos_device": f"file:{device}"})
    escpos = bootstrap._pick(bootstrap.PRINTERS, "printer.backend", "escpos", escpos_config, demo)
    from reportlab.pdfgen import canvas

    page = tmp_path / "page.pdf"
    drawing = canvas.Canvas(str(page), pagesize=(226, 200))
    drawing.drawString(10, 100, "test")
    drawing.save()
    result = escpos.print(PrintJob(page.read_bytes(), "test page"))
    assert result.bytes_sent == len(device.read_bytes()) > 0
    assert device.read_bytes().startswith(b"\x1b@")  # ESC @: the printer is initialised first


def test_a_broken_catalogue_folder_is_refused_and_the_last_good_one_kept(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    import shutil

    from kiosk.catalogue.loader import SHIPPED_FOLDER

    folder = tmp_path / "catalogue"
    folder.mkdir()
    for name in ("01_id_confirmation.yaml", "02_temporary_residence.yaml"):  # a smaller set than the shipped one
        shutil.copy(SHIPPED_FOLDER / name, folder / name)
    config = with_sections(config_in(tmp_path), catalogue={"folder": folder}, portal={"start_simulator": False})
    first = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        assert first.catalogue.codes() == ["id_confirmation", "temporary_residence"]
    finally:
        first.close()
    (folder / "03_broken.yaml").write_text("code: broken\nkind: [not, a, kind\n", encoding="utf-8")
    second = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        assert second.catalogue.codes() == ["id_confirmation", "temporary_residence"]
        assert second.catalogue_load.fallback == "last_good"
        lines = second.config_lines()
        assert lines[0] == second.translate("services.catalogue_refused", "vi")
        assert any("03_broken.yaml" in line for line in lines)
        ok, detail = second.device_check("catalogue")
        assert not ok and "03_broken.yaml" in detail
    finally:
        second.close()
    assert any("refused" in r.getMessage() and "last_good" in r.getMessage() for r in caplog.records)


def test_a_good_catalogue_reports_no_refusal(tmp_path: Path) -> None:
    config = with_sections(config_in(tmp_path), portal={"start_simulator": False})
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        assert kiosk.catalogue_load.fallback == ""
        assert kiosk.device_check("catalogue")[0]
        assert kiosk.config_lines()[0].startswith("catalogue.in_use = ")
    finally:
        kiosk.close()


def test_recorded_prompts_override_the_configured_voice_by_message_key(tmp_path: Path) -> None:
    import wave

    prompts = tmp_path / "prompts"
    (prompts / "vi").mkdir(parents=True)
    recording = prompts / "vi" / "session.welcome.wav"
    with wave.open(str(recording), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 1600)
    config = with_sections(config_in(tmp_path), speech={"prompts_dir": prompts}, portal={"start_simulator": False})
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        assert type(kiosk.speaker).__name__ == "RecordedPromptSpeaker"
        assert kiosk.speaker.recording_for("session.welcome", "vi") == recording
        assert kiosk.speaker.recording_for("session.welcome", "en") is None  # English falls back to the voice
        assert kiosk.speaker.recording_for("session.goodbye", "vi") is None
        assert kiosk.speaker.volume == config.speech.volume
    finally:
        kiosk.close()
    plain = build_kiosk(with_sections(config, speech={"prompts_dir": None}), DemoSetup(enabled=True, fast=True))
    try:
        assert type(plain.speaker).__name__ == "SilentSpeaker"
    finally:
        plain.close()


def test_the_virtual_card_is_judged_on_the_demo_clock_day(tmp_path: Path) -> None:
    from datetime import date, datetime

    config = with_sections(config_in(tmp_path), portal={"start_simulator": False})
    demo = DemoSetup(enabled=True, fast=True, now=datetime(2026, 3, 2, 9, 0))
    kiosk = build_kiosk(config, demo)
    try:
        kiosk.card_reader.insert(kiosk.card_image)
        key = kiosk.access_key_from_typed("001190012345", date(1990, 3, 14), date(2030, 3, 14))
        assert kiosk.read_card(key).id_last4 == "2345"  # its signer is already valid on the demo's day
    finally:
        kiosk.close()
    # On a demo day after the test signer's ten years, the same kind of card no longer counts as genuine.
    late = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=datetime(2045, 1, 2, 9, 0)))
    try:
        late.card_reader.insert(late.card_image)
        key = late.access_key_from_typed("001190012345", date(1990, 3, 14), date(2030, 3, 14))
        with pytest.raises(Exception) as caught:
            late.read_card(key)
        assert type(caught.value).__name__ == "AuthenticityError"
    finally:
        late.close()


def test_in_a_demo_the_queue_stamps_the_receipts_day_so_todays_statistics_agree(tmp_path: Path) -> None:
    import time
    from datetime import datetime

    from kiosk.staff.statistics import compute_statistics
    from kiosk.vietnam import VIETNAM_TIME
    from offline_cache.records import ReceiptFacts

    config = config_in(tmp_path)
    config = dataclasses.replace(config, portal=dataclasses.replace(config.portal, start_simulator=False))
    late = datetime(2026, 3, 2, 23, 30)  # late evening in Vietnam: read as UTC it would already be 3 March there
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=late))
    try:
        receipt_day = kiosk.now().date()
        facts = ReceiptFacts("id_confirmation", "********1234", "1234", received_at=kiosk.wall_clock())
        record = kiosk.submissions.queue.enqueue("id_confirmation", {"purpose": "bank"}, facts)
        stamped = datetime.fromtimestamp(record.created_at, VIETNAM_TIME)
        assert stamped.date() == receipt_day and abs(stamped.replace(tzinfo=None) - late).total_seconds() < 60
        assert compute_statistics(kiosk.submissions.queue, receipt_day, receipt_day).total == 1
        assert abs(kiosk.wall_clock() - time.time()) > 86400  # the demo day, not the machine's
    finally:
        kiosk.close()


def test_in_service_the_queue_keeps_real_time(tmp_path: Path) -> None:
    import time

    config = config_in(tmp_path)
    config = dataclasses.replace(config, portal=dataclasses.replace(config.portal, start_simulator=False))
    kiosk = build_kiosk(config, DemoSetup())
    try:
        assert abs(kiosk.wall_clock() - time.time()) < 5
    finally:
        kiosk.close()

"""A kiosk built with `fleet.metrics_address` serves /metrics with its own labels and counts card reads, print
jobs, submissions and help requests where they happen; without it nothing is wrapped or served."""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from devices.card.errors import AccessDeniedError, AuthenticityError, NoCardError, StaffCheckNeededError
from devices.printer.printer import PrinterNotReadyError, PrinterStatus
from kiosk.bootstrap import DemoSetup, build_kiosk
from kiosk.config import load_config
from kiosk.fleet.instrument import card_error_reason
from kiosk.help.desk import SlipHelpDesk

pytestmark = pytest.mark.integration  # a whole demo kiosk, its portal simulator and /metrics on 127.0.0.1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scrape(port: int) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(got: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    matches = [v for (n, ls), v in got.items() if n == name and set(labels.items()) <= ls]
    assert matches, (name, labels)
    return sum(matches)


def test_a_kiosk_with_a_metrics_address_counts_what_happens_on_it(tmp_path: Path) -> None:
    port = _free_port()
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data"), "kiosk_id": "KIOSK-42",
                                          "ward_code": "26734", "province_code": "01"},
                                "speech": {"backend": "silent"},
                                "fleet": {"metrics_address": f"127.0.0.1:{port}"}})
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        before = scrape(port)
        assert value(before, "kiosk_up", kiosk="KIOSK-42", ward="26734", province="01") == 1.0
        assert value(before, "kiosk_device_up", device="reader") == 1.0
        assert value(before, "kiosk_printer_state", state="ready") == 1.0
        kiosk.card_reader.insert(kiosk.card_image)  # the simulator's own method passes through
        kiosk.read_card(kiosk.access_key_from_typed("001190012345", date(1990, 3, 14), date(2030, 3, 14)))
        with pytest.raises(Exception):  # noqa: B017 - the kiosk's own card error, whatever its class
            kiosk.read_card(kiosk.access_key_from_typed("001190012345", date(1990, 3, 15), date(2030, 3, 14)))
        outcome = kiosk.submissions.submit("judicial_record", {"a": 1}, applicant_id_last4="2345")
        assert isinstance(kiosk.help_desk, SlipHelpDesk)
        assert kiosk.help_desk.request("citizen").kind == "slip_printed"
        kiosk.printer.simulate(PrinterStatus.OUT_OF_PAPER)
        with pytest.raises(PrinterNotReadyError):
            kiosk.print_help_slip()
        after = scrape(port)
        assert value(after, "kiosk_card_reads_total", outcome="ok") == 1.0
        assert value(after, "kiosk_card_reads_total", outcome="failed", reason="access_denied") == 1.0
        assert value(after, "kiosk_submissions_total", service="judicial_record", outcome=outcome.kind) == 1.0
        assert value(after, "kiosk_files", service="judicial_record") == 1.0
        assert value(after, "kiosk_help_requests_total", reason="citizen") == 1.0
        assert value(after, "kiosk_help_results_total", outcome="slip_printed") == 1.0
        assert value(after, "kiosk_print_jobs_total", outcome="printed") == 1.0
        assert value(after, "kiosk_print_jobs_total", outcome="out_of_paper") == 1.0
        assert value(after, "kiosk_printer_state", state="out_of_paper") == 1.0
        assert value(after, "kiosk_device_up", device="printer") == 0.0
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "001190012345" not in text and "judicial_record" in text
    finally:
        kiosk.close()
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2)


def test_without_a_metrics_address_devices_are_not_wrapped(tmp_path: Path) -> None:
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"}})
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    try:
        assert kiosk.metrics is None
        assert type(kiosk.printer).__name__ == "PdfFolderPrinter"
        assert isinstance(kiosk.help_desk, SlipHelpDesk)
    finally:
        kiosk.close()


def test_card_errors_map_to_a_fixed_set_of_reasons() -> None:
    assert card_error_reason(NoCardError("x")) == "no_card"
    assert card_error_reason(AccessDeniedError("x")) == "access_denied"
    assert card_error_reason(AuthenticityError("x")) == "not_authentic"
    assert card_error_reason(StaffCheckNeededError("x")) == "staff_check"
    assert card_error_reason(ValueError("x")) == "other"

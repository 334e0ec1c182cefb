"""The help desk says only what its back end confirmed, with the time waited (kiosk/help/desk.py).

The Alertmanager back end is tested here against a small recording HTTP server on 127.0.0.1 (what it posts, and
what it does when nobody answers); against a real Alertmanager in tests/integration/fleet."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devices.printer.printer import PrinterStatus
from devices.printer.simulated import PdfFolderPrinter
from kiosk.config import load_config
from kiosk.fleet.metrics import KioskLabels, KioskMetrics
from kiosk.help.desk import (
    AlertmanagerHelpDesk,
    HelpDeskParts,
    SimulatedHelpDesk,
    SlipHelpDesk,
    build_help_desk,
)
from kiosk.i18n import Translator
from kiosk.receipts.documents import print_document
from printing.documents import HelpSlipData, Issuer
from printing.help_slip import render_help_slip

LABELS = KioskLabels("KIOSK-7", "26734", "01")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def slip_printer(printer: PdfFolderPrinter) -> Any:
    def print_slip(reason: str) -> object:
        data = HelpSlipData(issuer=Issuer("UBND Phường Demo", "KIOSK-7", "1900 0000"), reason=reason,
                            reason_code=reason, service_name="", occurred_at=datetime(2026, 3, 2, 9, 0),
                            reference="ab12cd34")
        return print_document(printer, render_help_slip(data))
    return print_slip


def test_a_slip_is_printed_at_once_and_the_citizen_is_sent_to_the_counter(tmp_path: Path) -> None:
    printer = PdfFolderPrinter(tmp_path / "out")
    clock = Clock()
    desk = SlipHelpDesk(slip_printer(printer), "2", clock=clock)
    result = desk.request("card")
    assert result.kind == "slip_printed" and not result.staff_told
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1
    clock.now += 130
    later = desk.check(result.request_id)
    assert later.kind == "slip_printed" and later.waited_minutes == 2
    assert later.lines(Translator("en")) == ["A help slip has been printed. Please take it to counter 2.",
                                             "You have waited 2 min."]
    assert "quầy số 2" in later.lines(Translator("vi"))[0]
    assert desk.waiting_s() == 0.0  # nobody was told, so nobody can be late answering


def test_a_slip_that_did_not_print_is_never_called_printed(tmp_path: Path) -> None:
    printer = PdfFolderPrinter(tmp_path / "out")
    printer.simulate(PrinterStatus.OUT_OF_PAPER)
    metrics = KioskMetrics(LABELS, ())
    desk = SlipHelpDesk(slip_printer(printer), "2", metrics=metrics)
    result = desk.request("citizen")
    assert result.kind == "failed" and not result.staff_told
    assert result.lines(Translator("en"))[0] == "Staff could not be told. Please go to counter 2 for help."
    text = metrics.exposition().decode()
    assert 'kiosk_help_results_total{kiosk="KIOSK-7",outcome="failed",province="01",ward="26734"} 1.0' in text
    assert 'kiosk_help_requests_total{kiosk="KIOSK-7",province="01",reason="citizen",ward="26734"} 1.0' in text


def test_the_simulated_desk_tells_staff_then_they_answer() -> None:
    clock = Clock()
    desk = SimulatedHelpDesk("1", ack_after_s=20.0, clock=clock)
    first = desk.request()
    assert first.kind == "staff_told" and first.staff_told
    clock.now += 5
    assert desk.waiting_s() == 5.0
    assert desk.check(first.request_id).kind == "staff_told"
    clock.now += 15
    answered = desk.check(first.request_id)
    assert answered.kind == "acknowledged" and answered.waited_s == 20.0
    assert answered.lines(Translator("en"))[0] == "A staff member has seen your request and is on the way."
    assert desk.waiting_s() == 0.0
    desk.close(first.request_id)
    with pytest.raises(KeyError):
        desk.check(first.request_id)


class _FakeAlertmanager:
    """Records posted alerts; answers GET /api/v2/alerts with them, silenced when `silenced` is set."""

    def __init__(self) -> None:
        self.posted: list[list[dict[str, Any]]] = []
        self.queries: list[str] = []
        self.silenced = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.posted.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self._answer(b"")

            def do_GET(self) -> None:
                outer.queries.append(self.path)
                alerts = [{"labels": a["labels"], "status": {"state": "suppressed" if outer.silenced else "active",
                                                             "silencedBy": ["s1"] if outer.silenced else []}}
                          for a in outer.posted[-1]]
                self._answer(json.dumps(alerts).encode())

            def _answer(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_a: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def alertmanager() -> Iterator[_FakeAlertmanager]:
    am = _FakeAlertmanager()
    yield am
    am.server.shutdown()


@pytest.mark.integration  # HTTP on 127.0.0.1
def test_alertmanager_gets_the_ward_labels_and_nothing_personal(alertmanager: _FakeAlertmanager) -> None:
    clock = Clock()
    desk = AlertmanagerHelpDesk(alertmanager.url, LABELS, "2", repeat_s=60.0, clock=clock,
                                wall_clock=lambda: 1_780_000_000.0)
    result = desk.request("face")
    assert result.kind == "staff_told"
    (alert,) = alertmanager.posted[0]
    assert alert["labels"] == {"alertname": "HelpRequested", "kiosk": "KIOSK-7", "ward": "26734", "province": "01",
                               "reason": "face", "request": result.request_id, "severity": "page"}
    assert alert["endsAt"] > alert["startsAt"]
    clock.now += 61  # past repeat_s: the open request is posted again, so Alertmanager keeps it active
    assert desk.check(result.request_id).kind == "staff_told"
    assert len(alertmanager.posted) == 2 and alertmanager.posted[1][0]["startsAt"] == alert["startsAt"]
    assert f'request%3D%22{result.request_id}%22' in alertmanager.queries[-1]
    alertmanager.silenced = True
    assert desk.check(result.request_id).kind == "acknowledged"
    desk.close(result.request_id)
    # Resolved: ends now (the wall clock stands still here, so now is when it started).
    assert alertmanager.posted[-1][0]["endsAt"] == alertmanager.posted[-1][0]["startsAt"]


@pytest.mark.integration  # HTTP on 127.0.0.1
def test_when_alertmanager_is_unreachable_a_slip_is_printed_instead(tmp_path: Path) -> None:
    printer = PdfFolderPrinter(tmp_path / "out")
    fallback = SlipHelpDesk(slip_printer(printer), "3")
    desk = AlertmanagerHelpDesk("http://127.0.0.1:9", LABELS, "3", timeout_s=0.5, fallback=fallback)
    result = desk.request()
    assert result.kind == "slip_printed" and not result.staff_told
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1
    alone = AlertmanagerHelpDesk("http://127.0.0.1:9", LABELS, "3", timeout_s=0.5)
    assert alone.request().kind == "failed"


def test_the_back_end_is_chosen_in_the_configuration(tmp_path: Path) -> None:
    printer = PdfFolderPrinter(tmp_path / "out")
    parts = HelpDeskParts(labels=LABELS, print_slip=slip_printer(printer))
    assert isinstance(build_help_desk(load_config(), parts), SlipHelpDesk)
    simulated = load_config(overrides={"help": {"backend": "simulated", "simulated_ack_s": 5.0}})
    desk = build_help_desk(simulated, parts)
    assert isinstance(desk, SimulatedHelpDesk) and desk.ack_after_s == 5.0
    am = load_config(overrides={"help": {"backend": "alertmanager", "alertmanager_url": "http://127.0.0.1:9093",
                                         "counter": "4"}})
    desk = build_help_desk(am, parts)
    assert isinstance(desk, AlertmanagerHelpDesk) and desk.counter == "4"
    assert isinstance(desk.fallback, SlipHelpDesk)

"""The manager screen's "Phường (toàn phường)" section: the ward's figures across kiosks from the province's
Prometheus (`[fleet] prometheus_url`), fetched off the GUI thread, or one clear line when it cannot be had.

A small HTTP server on 127.0.0.1 answers Prometheus's `/api/v1/query` with the JSON Prometheus gives, for the
queries kiosk.fleet.stats makes: the recorded file sums at the end and at the start of the 30 days, the accepted
and on-time sums, the journey histogram's buckets and the count of kiosks up.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from PySide6.QtWidgets import QLabel

from tests.ui.test_staff_modes import MANAGER_PIN, sign_in_as_manager

pytestmark = pytest.mark.integration  # HTTP on 127.0.0.1
WARD = "26734"


def vector(*samples: tuple[dict[str, str], float]) -> list[dict[str, Any]]:
    return [{"metric": labels, "value": [time.time(), str(value)]} for labels, value in samples]


def prometheus_answer(query: str, at: float) -> list[dict[str, Any]]:
    """What a Prometheus holding three kiosks of the ward would answer (the period's start is 30 days back)."""
    at_end = at > time.time() - 86_400
    if "ward_service_state:kiosk_files:sum" in query:
        if at_end:
            return vector(({"ward": WARD, "service": "id_confirmation", "state": "accepted"}, 7),
                          ({"ward": WARD, "service": "temporary_residence", "state": "sent"}, 3))
        return vector(({"ward": WARD, "service": "id_confirmation", "state": "accepted"}, 2))
    if "kiosk_files_accepted_on_time:sum" in query:
        return vector(({}, 7 if at_end else 1))
    if "kiosk_files_accepted:sum" in query:
        return vector(({}, 10 if at_end else 2))
    if "sum_over_time(ward_service_le:kiosk_journey_duration_seconds_bucket" in query:
        return vector(({"service": "id_confirmation", "le": "60"}, 0),
                      ({"service": "id_confirmation", "le": "120"}, 10),
                      ({"service": "id_confirmation", "le": "+Inf"}, 10))
    if query.startswith("count(kiosk_up"):
        return vector(({}, 3))
    return []


class FakePrometheus(BaseHTTPRequestHandler):
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        params = parse_qs(url.query)
        query = params.get("query", [""])[0]
        type(self).asked.append(query)
        result = prometheus_answer(query, float(params.get("time", ["0"])[0]))
        body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}}).encode()
        self.send_response(200 if url.path == "/api/v1/query" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def prometheus() -> Iterator[str]:
    FakePrometheus.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePrometheus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def manager(make_kiosk: Any, url: str) -> Any:
    from kiosk.staff import hash_pin

    driver = make_kiosk(staff={"manager_pin_hash": hash_pin(MANAGER_PIN, iterations=1000)},
                        fleet={"prometheus_url": url}, kiosk={"ward_code": WARD})
    sign_in_as_manager(driver)
    return driver


def ward_rows(driver: Any) -> dict[str, str]:
    rows: dict[str, str] = {}
    for label in driver.window.findChildren(QLabel):
        name = label.objectName()
        if name.startswith("manager_label_ward_") and label.isVisible():
            value = driver.window.findChild(QLabel, name.replace("manager_label_", "manager_value_"))
            rows[label.text()] = value.text()
    return rows


def note(driver: Any) -> str:
    label = driver.window.findChild(QLabel, "manager_ward_note")
    return str(label.text()) if label is not None and label.isVisible() else ""


def test_the_manager_sees_the_wards_figures_from_prometheus(make_kiosk: Any, prometheus: str) -> None:
    driver = manager(make_kiosk, prometheus)
    driver.wait(lambda: ward_rows(driver), 15, "the ward's figures")
    t = driver.kiosk.translate
    name = driver.kiosk.catalogue.get("id_confirmation").name.get("vi")
    rows = ward_rows(driver)
    assert rows[t("fleet.stats_kiosks", "vi")] == "3"
    assert rows[t("fleet.stats_total", "vi")] == "8"          # 10 files at the end, 2 of them older than 30 days
    assert rows[name] == "5"
    assert rows[t("fleet.stats_on_time", "vi")] == "75 %"     # 6 of the 8 accepted in the period
    assert rows[t("fleet.stats_median_journey", "vi")] == "1.5 min"
    assert t("staff.manager_ward_title", "vi") == "Phường (toàn phường)"
    assert t("staff.manager_ward_title", "vi") in [w.text() for w in driver.window.findChildren(QLabel)
                                                   if w.isVisible()]
    assert note(driver) == ""                                 # "fetching …" gone once the figures are there
    assert FakePrometheus.asked and all(f'ward="{WARD}"' in q for q in FakePrometheus.asked)
    # This kiosk's own figures are still there, above.
    assert driver.window.findChild(QLabel, "manager_value_total").text() == "0"


def test_an_unreachable_prometheus_is_said_in_one_clear_line(make_kiosk: Any) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    driver = manager(make_kiosk, f"http://127.0.0.1:{port}")
    unreachable = driver.kiosk.translate("staff.manager_ward_unreachable", "vi")
    driver.wait(lambda: note(driver) == unreachable, 15, "the unreachable line")
    assert ward_rows(driver) == {}
    driver.tap(driver.window.header.language)   # the page, drawn again in English, asks again and says it again
    driver.wait(lambda: note(driver) == driver.kiosk.translate("staff.manager_ward_unreachable", "en"), 15,
                "the unreachable line in English")


def test_without_prometheus_configured_the_section_says_so(make_kiosk: Any) -> None:
    driver = manager(make_kiosk, "")
    assert note(driver) == driver.kiosk.translate("staff.manager_ward_not_configured", "vi")
    assert ward_rows(driver) == {}

"""The HTTP insurance gateway against a loopback stub shaped like the BHXH gateway (token, then card check)."""

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from kiosk.hospital.gateway import HttpInsuranceGateway
from kiosk.hospital.insurance import InsuranceAction, InsuranceQuery, InsuranceUnavailableError

pytestmark = pytest.mark.integration


class Stub:
    def __init__(self) -> None:
        self.tokens_issued = 0
        self.valid_token = ""
        self.checks: list[dict[str, Any]] = []
        self.answer: dict[str, Any] = {}
        self.fail_with: int | None = None


def make_handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            url = urlparse(self.path)
            if stub.fail_with:
                self._send(stub.fail_with, {})
            elif url.path == "/api/token/take":
                if body["password"] != hashlib.md5(b"secret", usedforsecurity=False).hexdigest():
                    self._send(200, {"maKetQua": "401"})
                    return
                stub.tokens_issued += 1
                stub.valid_token = f"t{stub.tokens_issued}"
                self._send(200, {"maKetQua": "200", "APIKey": {"access_token": stub.valid_token, "id_token": "i"}})
            elif url.path == "/api/egw/KQNhanLichSuKCB2024":
                if parse_qs(url.query).get("token") != [stub.valid_token]:
                    self._send(200, {"maKetQua": "401"})
                    return
                stub.checks.append(body)
                self._send(200, stub.answer)
            else:
                self._send(404, {})
    return Handler


@pytest.fixture
def stub() -> Iterator[tuple[Stub, str]]:
    state = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


QUERY = InsuranceQuery("001090012345", "Nguyễn Văn An", "05/03/1990")


def gateway(url: str, password: str = "secret") -> HttpInsuranceGateway:
    return HttpInsuranceGateway(url, "kiosk01", password, "Nguyễn Văn Cán Bộ", "001090000000", timeout_s=5)


def test_check_carries_the_operator_of_record_and_maps_the_answer(stub: tuple[Stub, str]) -> None:
    state, url = stub
    state.answer = {"maKetQua": "000", "maThe": "DN4790123456789", "hoTen": "Nguyễn Văn An", "maDKBD": "79001",
                    "gtTheTu": "01/01/2026", "gtTheDen": "31/12/2026", "ngayDu5Nam": "01/01/2024"}
    result = gateway(url).check(QUERY)
    assert result.action is InsuranceAction.PROCEED
    assert result.valid_to == date(2026, 12, 31) and result.benefit_percent == 80
    assert state.checks == [{"maThe": "001090012345", "hoTen": "Nguyễn Văn An", "ngaySinh": "05/03/1990",
                             "hoTenCb": "Nguyễn Văn Cán Bộ", "cccdCb": "001090000000"}]


def test_expired_token_is_renewed_once(stub: tuple[Stub, str]) -> None:
    state, url = stub
    state.answer = {"maKetQua": "010"}
    gw = gateway(url)
    gw.check(QUERY)
    state.valid_token = "rotated-by-the-server"
    assert gw.check(QUERY).code == "010"
    assert state.tokens_issued == 2


def test_refused_credentials_become_401_retry(stub: tuple[Stub, str]) -> None:
    _, url = stub
    result = gateway(url, password="wrong").check(QUERY)
    assert result.code == "401" and result.action is InsuranceAction.RETRY


def test_server_errors_and_unreachable_gateway_raise_unavailable(stub: tuple[Stub, str]) -> None:
    state, url = stub
    state.fail_with = 503
    with pytest.raises(InsuranceUnavailableError):
        gateway(url).check(QUERY)
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(InsuranceUnavailableError):
        gateway(f"http://127.0.0.1:{closed_port}").check(QUERY)

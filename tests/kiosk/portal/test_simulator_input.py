"""The portal simulator answers every malformed request with a JSON error, over a real socket on 127.0.0.1."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.portal.simulator import FaultSpec, FaultSpecError, RunningSimulator, start_simulator

pytestmark = pytest.mark.integration

APPLICATION = {"procedure_code": "1.004194", "agency_code": "000.00.01.H26", "channel": "kiosk",
               "applicant": {"id_number": "001090001234", "full_name": "Lê Thị Mai"}, "form": {"data": {"n": 1}}}
JSON_TYPE = "application/json; charset=utf-8"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(port=0, db=tmp_path / "portal-sim.sqlite3", step_s=3600)
    yield running
    running.stop()


def http(method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None,
         length: bool = True) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def answer_of(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read one HTTP answer; a connection closed or reset before a full answer raises."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed without an answer after {buf[:80]!r}")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("answer cut short")
        rest += chunk
    return int(status_line.split()[1]), headers, rest[:length]


def exchange(port: int, raw: bytes) -> tuple[int, dict[str, object]]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        status, headers, body = answer_of(sock)
    assert headers["content-type"].startswith("application/json")
    decoded = json.loads(body)
    assert isinstance(decoded, dict)
    return status, decoded


def create(port: int, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    return exchange(port, http("POST", "/v1/applications", body,
                               {"Content-Type": JSON_TYPE, "Idempotency-Key": "k-1", **(headers or {})}))


def nested(depth: int) -> bytes:
    return ('{"procedure_code": "1", "applicant": {"id_number": "001090001234", "full_name": "A"}, "form": '
            + '{"a": ' * depth + "1" + "}" * depth + "}").encode()


@pytest.mark.parametrize(("body", "error"), [
    (b"[" * 200_000 + b"]" * 200_000, "too_deep"),  # deeper than the interpreter's recursion limit
    (nested(100), "too_deep"),
    (json.dumps({**APPLICATION, "applicant": {"id_number": "001090001234", "full_name": "\ud800"}}).encode(),
     "not_unicode"),
    (json.dumps({**APPLICATION, "form": {"x": float("nan")}}).encode(), "not_json"),
    (json.dumps({**APPLICATION, "form": {"x": float("inf")}}).encode(), "not_json"),
    (json.dumps(APPLICATION).replace('{"n": 1}', '{"n": 1e400}').encode(), "not_json"),
    (json.dumps(APPLICATION, ensure_ascii=False).encode("utf-16"), "not_utf8"),
    (b'{"applicant": ', "not_json"),
])
def test_unreadable_json_is_answered_400(sim: RunningSimulator, body: bytes, error: str) -> None:
    status, answer = create(sim.port, body)
    assert (status, answer["error"]) == (400, error)
    assert sim.applications() == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "",
                                          "application/json; charset=latin-1"])
def test_a_json_endpoint_refuses_other_media_types_with_415(sim: RunningSimulator, content_type: str) -> None:
    status, answer = create(sim.port, json.dumps(APPLICATION).encode(), {"Content-Type": content_type})
    assert (status, answer["error"]) == (415, "unsupported_media_type")
    status, answer = exchange(sim.port, http("POST", "/v1/applications/X-1/withdraw", b'{"id_last4": "1234"}',
                                             {"Content-Type": content_type}))
    assert status == 415
    assert sim.applications() == []


def test_a_valid_application_is_still_created(sim: RunningSimulator) -> None:
    status, answer = create(sim.port, json.dumps(APPLICATION).encode())
    assert status == 201 and str(answer["dossier_code"]).startswith("000.00.01.H26-")
    uploaded = exchange(sim.port, http("POST", "/v1/uploads", b"%PDF-1.7 scan", {"Content-Type": "application/pdf"}))
    assert uploaded[0] == 201  # uploads carry any media type


@pytest.mark.parametrize(("value", "status", "error"), [
    ("abc", 400, "bad_content_length"),
    ("-1", 400, "bad_content_length"),
    ("+5", 400, "bad_content_length"),
    ("1" * 40, 400, "bad_content_length"),
    (str(100 * 1024**3), 413, "body_too_large"),  # refused from the header, before any byte of it is read
])
def test_a_bad_content_length_is_answered_not_dropped(sim: RunningSimulator, value: str, status: int,
                                                      error: str) -> None:
    raw = http("POST", "/v1/applications", b"{}", {"Content-Length": value, "Content-Type": JSON_TYPE,
                                                   "Idempotency-Key": "k"}, length=False)
    with socket.create_connection(("127.0.0.1", sim.port), timeout=10) as sock:
        sock.sendall(raw)
        got, headers, body = answer_of(sock)
    assert (got, json.loads(body)["error"]) == (status, error)
    assert headers["connection"] == "close"


def test_a_body_too_large_is_refused_before_100_continue(sim: RunningSimulator) -> None:
    raw = http("POST", "/v1/uploads", b"", {"Content-Length": str(100 * 1024**3), "Expect": "100-continue"},
               length=False)
    with socket.create_connection(("127.0.0.1", sim.port), timeout=10) as sock:
        sock.sendall(raw)
        status, _, body = answer_of(sock)  # the first answer is the refusal, not "100 Continue"
    assert (status, json.loads(body)["error"]) == (413, "body_too_large")


def test_the_body_limit_is_configurable(tmp_path: Path) -> None:
    with start_simulator(db=tmp_path / "s.sqlite3", max_body_bytes=100) as small:
        assert create(small.port, json.dumps(APPLICATION).encode())[0] == 413
        assert exchange(small.port, http("POST", "/v1/uploads", b"x" * 100))[0] == 201


def test_a_chunked_body_is_refused_with_411(sim: RunningSimulator) -> None:
    raw = http("POST", "/v1/applications", b"2\r\n{}\r\n0\r\n\r\n",
               {"Transfer-Encoding": "chunked", "Content-Type": JSON_TYPE, "Idempotency-Key": "k"}, length=False)
    assert exchange(sim.port, raw)[0] == 411


def test_a_malformed_request_line_gets_a_json_400(sim: RunningSimulator) -> None:
    status, answer = exchange(sim.port, b"\x00\x01 garbage\r\n\r\n")
    assert status == 400 and answer["error"] == "bad_request"


@pytest.mark.parametrize("key", ["k" * 201, "key with\ttab", "ключ"])
def test_an_unusable_idempotency_key_is_refused(sim: RunningSimulator, key: str) -> None:
    status, answer = create(sim.port, json.dumps(APPLICATION).encode(), {"Idempotency-Key": key})
    assert (status, answer["error"]) == (400, "bad_idempotency_key")


@pytest.mark.parametrize("query", ["from=2026-13-45", "from=yesterday", "to=9999-12-31", "from=2026-1-1",
                                   "to=2026-11-30T00:00"])
def test_a_bad_stats_date_is_answered_400(sim: RunningSimulator, query: str) -> None:
    status, answer = exchange(sim.port, http("GET", f"/v1/stats?{query}"))
    assert (status, answer["error"]) == (400, "bad_date")


def test_a_good_stats_range_still_works(sim: RunningSimulator) -> None:
    create(sim.port, json.dumps(APPLICATION).encode())
    status, answer = exchange(sim.port, http("GET", "/v1/stats?from=2000-01-01&to=2099-12-31"))
    assert status == 200 and answer["total"] == 1


@pytest.mark.parametrize("advance", ["1e400", "-1e400", "nan", "inf", "abc", "1e12", ""])
def test_the_clock_refuses_non_finite_or_absurd_moves(sim: RunningSimulator, advance: str) -> None:
    status, answer = exchange(sim.port, http("POST", f"/_sim/clock?advance_s={advance}"))
    assert (status, answer["error"]) == (400, "bad_advance")
    assert exchange(sim.port, http("POST", "/_sim/clock?advance_s=3600")) == (200, {"offset_s": 3600.0})
    with pytest.raises(ValueError):
        sim.advance_clock(float("inf"))


@pytest.mark.parametrize("spec", [b"\xff\xfe503:0.1", b"latency:99999999999s", b"retry_after:1e9",
                                  b"outage:1s/99999999999s"])
def test_bad_fault_specs_over_http_are_answered_400(sim: RunningSimulator, spec: bytes) -> None:
    status, _ = exchange(sim.port, http("PUT", "/_sim/faults", spec))
    assert status == 400


@pytest.mark.parametrize("spec", ["latency:99999999999s", "retry_after:2d", "outage:10s/" + "9" * 400 + "s",
                                  "latency:61s"])
def test_fault_durations_are_ranged(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        FaultSpec.parse(spec)


# ---- connections and threads ---------------------------------------------------------------------------------


def test_idle_connections_are_closed_and_do_not_pin_threads(tmp_path: Path) -> None:
    baseline = threading.active_count()
    with start_simulator(db=tmp_path / "s.sqlite3", max_connections=8, idle_timeout_s=0.5) as small:
        idle = [socket.create_connection(("127.0.0.1", small.port), timeout=10) for _ in range(60)]
        try:
            time.sleep(0.3)
            # the serving thread, the overflow answerer and at most 8 connection threads
            assert threading.active_count() <= baseline + 2 + 8
            statuses = []
            for sock in idle:  # every connection ends with an answer (503 when full) or a clean close when idle
                try:
                    statuses.append(answer_of(sock)[0])
                except ConnectionError:
                    statuses.append(0)
            assert statuses.count(503) >= 40 and set(statuses) <= {0, 503}
        finally:
            for sock in idle:
                sock.close()
        time.sleep(0.2)
        assert create(small.port, json.dumps(APPLICATION).encode())[0] == 201
    assert threading.active_count() <= baseline + 1


def test_a_request_dribbled_byte_by_byte_is_cut_at_the_deadline(tmp_path: Path) -> None:
    with start_simulator(db=tmp_path / "s.sqlite3", idle_timeout_s=0.5, request_deadline_s=1.0) as small:
        raw = http("POST", "/v1/applications", json.dumps(APPLICATION).encode(),
                   {"Content-Type": JSON_TYPE, "Idempotency-Key": "slow"})
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", small.port), timeout=10) as sock:
            try:
                for byte in raw:
                    sock.send(bytes([byte]))
                    if select.select([sock], [], [], 0.1)[0]:  # each byte well inside the idle timeout
                        break
                    if time.monotonic() - started > 5:
                        break
            except OSError:
                pass
            try:
                status = answer_of(sock)[0]
            except (ConnectionError, OSError):
                status = 0
        assert time.monotonic() - started < 4
        assert status == 408


def test_an_idle_tcp_connection_does_not_stall_a_tls_simulator(tmp_path: Path) -> None:
    import requests

    cert, key = _self_signed(tmp_path)
    with (start_simulator(db=tmp_path / "s.sqlite3", tls_cert=cert, tls_key=key, idle_timeout_s=2) as tls,
          socket.create_connection(("127.0.0.1", tls.port), timeout=10)):  # never starts a TLS handshake
        time.sleep(0.2)
        answer = requests.get(tls.url + "/v1/health", verify=str(cert), timeout=5)
        assert answer.json() == {"ok": True}


def _self_signed(folder: Path) -> tuple[Path, Path]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portal")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"

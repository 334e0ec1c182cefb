"""A real HTTP server playing the provincial system for demos and tests, on 127.0.0.1 only.

It implements the kiosk ↔ provincial-system adapter contract (JSON over HTTP: uploads, create with
`Idempotency-Key`, status by file code + last 4 ID digits, withdrawal, statistics) on top of `SimulatorStore`,
and injects the faults of a `FaultPlan` (see `faults.py` for the SPEC syntax). Extra `/_sim/...` routes let a
test read what arrived and change faults or the clock; they are never faulted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import sqlite3
import ssl
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kiosk.portal.simulator.faults import AFTER_KINDS, BEFORE_KINDS, FaultPlan, FaultSpec, FaultSpecError
from kiosk.portal.simulator.store import VN, IdempotencyConflict, SimulatorStore

log = logging.getLogger(__name__)


class _Reset(Exception):
    """Raised inside a handler to drop the connection with a TCP reset."""


def _validate(body: Any) -> list[dict[str, str]]:
    """The simulated portal's intake checks; its messages are the portal's, in both languages."""
    if not isinstance(body, dict):
        return [{"field": "", "code": "not_object", "message_vi": "Hồ sơ không đúng định dạng.",
                 "message_en": "The application is not a JSON object."}]
    errors = []
    found = body.get("applicant")
    applicant: dict[str, Any] = found if isinstance(found, dict) else {}
    id_number = str(applicant.get("id_number", ""))
    if not (len(id_number) == 12 and id_number.isdigit()):
        errors.append({"field": "applicant.id_number", "code": "invalid",
                       "message_vi": "Số định danh cá nhân phải gồm 12 chữ số.",
                       "message_en": "The personal ID number must have 12 digits."})
    if not str(applicant.get("full_name", "")).strip():
        errors.append({"field": "applicant.full_name", "code": "required",
                       "message_vi": "Thiếu họ và tên.", "message_en": "The full name is missing."})
    if not str(body.get("procedure_code", "")).strip():
        errors.append({"field": "procedure_code", "code": "required",
                       "message_vi": "Thiếu mã thủ tục.", "message_en": "The procedure code is missing."})
    if not isinstance(body.get("form", {}), dict):
        errors.append({"field": "form", "code": "invalid", "message_vi": "Tờ khai không đúng định dạng.",
                       "message_en": "The form is not an object."})
    return errors


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    wbufsize = 1 << 16  # headers and body leave in one segment: no Nagle/delayed-ACK stall per answer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sim %s", format % args)

    # ---- plumbing ------------------------------------------------------------------------------------------

    def _send(self, status: int, obj: Any, headers: dict[str, str] | None = None,
              raw: bytes | None = None) -> None:
        body = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        body = self._read_body()
        try:
            if url.path.startswith("/_sim/"):
                self._admin(method, url.path, query, body)
            elif url.path.startswith("/v1/"):
                self._portal(method, url.path, query, body)
            else:
                self._send(404, {"error": "not_found"})
        except _Reset:
            self._reset()
        except sqlite3.Error:  # the store was closed under a late request (simulator stopping): a plain 500
            self._send(500, {"error": "internal"})

    # ---- the contract --------------------------------------------------------------------------------------

    def _portal(self, method: str, path: str, query: dict[str, str], raw: bytes) -> None:
        plan = self.server.plan
        remaining = plan.outage_remaining()
        if remaining > 0:
            wait = max(1, int(remaining + 0.999))
            self._send(503, {"error": "unavailable", "retry_after_s": wait}, {"Retry-After": str(wait)})
            return
        delay = plan.latency()
        if delay:
            time.sleep(delay)
        before = plan.draw(BEFORE_KINDS)
        if before == "reset":
            raise _Reset
        if before in ("500", "503", "429"):
            wait = max(1, round(plan.spec.retry_after_s))
            extra = {} if before == "500" else {"Retry-After": str(wait)}
            self._send(int(before), {"error": "unavailable", "retry_after_s": wait}, extra)
            return
        status, answer, headers = self._route(method, path, query, raw)
        after = plan.draw(AFTER_KINDS) if status < 300 else None
        if after == "lost":
            raise _Reset
        if after == "truncate":
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)  # a clean close mid-body: the client sees a short read
            self.close_connection = True
            return
        if after == "garbage":
            self._send(200, None, raw=b"<html><body>Service Temporarily Unavailable</body></html>")
            return
        self._send(status, answer, headers)

    def _route(self, method: str, path: str, query: dict[str, str],
               raw: bytes) -> tuple[int, Any, dict[str, str]]:
        store = self.server.store
        parts = path.strip("/").split("/")
        if method == "GET" and parts == ["v1", "health"]:
            return 200, {"ok": True}, {}
        if method == "POST" and parts == ["v1", "uploads"]:
            return 201, store.upload(raw), {}
        if method == "POST" and parts == ["v1", "applications"]:
            key = self.headers.get("Idempotency-Key", "")
            if not key:
                return 400, {"error": "idempotency_key_required"}, {}
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, {"error": "not_json"}, {}
            errors = _validate(body)
            if errors:
                return 422, {"errors": errors}, {}
            try:
                created = store.create(key, body)
            except IdempotencyConflict:
                return 409, {"error": "idempotency_conflict"}, {}
            return (200 if created.replay else 201), created.answer, {}
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "applications"]:
            found = store.status(parts[2], query.get("id_last4", ""))
            return (200, found, {}) if found else (404, {"error": "not_found"}, {})
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "applications"] and parts[3] == "withdraw":
            try:
                id_last4 = str(json.loads(raw or b"{}").get("id_last4", ""))
            except (ValueError, AttributeError):
                return 400, {"error": "not_json"}, {}
            outcome = store.withdraw(parts[2], id_last4)
            if outcome is None:
                return 404, {"error": "not_found"}, {}
            result, status = outcome
            if result == "refused":
                return 409, {"error": "not_withdrawable", "status": status}, {}
            return 200, {"dossier_code": parts[2], "outcome": result, "status": status}, {}
        if method == "GET" and parts == ["v1", "stats"]:
            since = _day_start(query.get("from"), 0.0)
            until = _day_start(query.get("to"), float("inf"), next_day=True)
            return 200, store.statistics(since, until, query.get("agency"), query.get("procedure")), {}
        return 404, {"error": "not_found"}, {}

    # ---- test hooks ----------------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, query: dict[str, str], raw: bytes) -> None:
        if path == "/_sim/health":
            self._send(200, {"ok": True})
        elif path == "/_sim/applications":
            self._send(200, self.server.store.all_applications())
        elif path == "/_sim/faults" and method == "PUT":
            try:
                self.server.plan.replace(FaultSpec.parse(raw.decode()))
            except FaultSpecError as exc:
                self._send(400, {"error": str(exc)})
                return
            self._send(200, {"ok": True})
        elif path == "/_sim/clock" and method == "POST":
            self.server.clock_offset += float(query.get("advance_s", "0"))
            self._send(200, {"offset_s": self.server.clock_offset})
        else:
            self._send(404, {"error": "not_found"})


def _day_start(text: str | None, default: float, next_day: bool = False) -> float:
    if not text:
        return default
    day = dt.date.fromisoformat(text) + dt.timedelta(days=1 if next_day else 0)
    return dt.datetime.combine(day, dt.time(0, 0), VN).timestamp()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("simulator connection ended abruptly", exc_info=True)

    def __init__(self, port: int, store_path: Path, plan: FaultPlan, *, step_s: float,
                 fates: dict[str, float], seed: int | None) -> None:
        self.clock_offset = 0.0
        self.plan = plan
        self.store = SimulatorStore(store_path, lambda: time.time() + self.clock_offset, step_s=step_s,
                                    fates=fates, seed=seed)
        super().__init__(("127.0.0.1", port), _Handler)


@dataclass
class RunningSimulator:
    """A simulator serving in a background thread of this process."""

    url: str
    port: int
    _server: _Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def set_faults(self, spec: str) -> None:
        self._server.plan.replace(FaultSpec.parse(spec))

    def advance_clock(self, seconds: float) -> None:
        self._server.clock_offset += seconds

    def applications(self) -> list[dict[str, Any]]:
        return self._server.store.all_applications()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self._server.store.close()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def parse_fates(text: str) -> dict[str, float]:
    """`3:0.1,5:0.1,8:0.05` → probabilities of ending rejected (3), asked for papers (5) or stopped (8)."""
    fates: dict[str, float] = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        code, _, p = item.partition(":")
        if code not in ("3", "5", "8"):
            raise FaultSpecError(f"fate must be 3, 5 or 8, not {code!r}")
        fates[code] = float(p)
    if sum(fates.values()) > 1:
        raise FaultSpecError("fate probabilities add up to more than 1")
    return fates


def start_simulator(port: int = 0, db: Path | str = ":memory:", faults: str = "", *, step_s: float = 60.0,
                    fates: str = "", seed: int | None = None, tls_cert: Path | None = None,
                    tls_key: Path | None = None, client_ca: Path | None = None) -> RunningSimulator:
    """Start serving on 127.0.0.1:`port` (0 picks a free port) and return once it accepts connections.

    With `tls_cert`/`tls_key` it speaks HTTPS; with `client_ca` too it demands a client certificate signed by
    that CA (mutual TLS, as the adapter contract asks of each kiosk).
    """
    server = _Server(port, Path(db) if db != ":memory:" else Path(":memory:"), FaultPlan(FaultSpec.parse(faults)),
                     step_s=step_s, fates=parse_fates(fates), seed=seed)
    scheme = "http"
    if tls_cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
        if client_ca is not None:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="portal-sim", daemon=True)
    thread.start()
    real_port = server.server_address[1]
    return RunningSimulator(f"{scheme}://127.0.0.1:{real_port}", int(real_port), server, thread)

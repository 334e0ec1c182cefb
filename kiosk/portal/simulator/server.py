"""A real HTTP server playing the provincial system for demos and tests, on 127.0.0.1 only.

It implements the kiosk ↔ provincial-system adapter contract (JSON over HTTP: uploads, create with
`Idempotency-Key`, status by file code + last 4 ID digits, withdrawal, statistics, fee payments) on top of
`SimulatorStore`,
and injects the faults of a `FaultPlan` (see `faults.py` for the SPEC syntax). Extra `/_sim/...` routes let a
test read what arrived and change faults or the clock; they are never faulted.

Whatever a client sends, it gets an HTTP answer with a JSON body (the checks are in `validation.py`), and the
server's resources stay bounded: at most `max_connections` connection threads (beyond that one extra thread
answers 503 and closes), an idle timeout on every read, a total deadline per request once its first byte has
arrived, and a body limit checked from `Content-Length` before the body is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
import math
import queue
import selectors
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

from kiosk.catalogue.holidays import HolidayCalendar
from kiosk.catalogue.model import Catalogue
from kiosk.portal.simulator import validation
from kiosk.portal.simulator.faults import AFTER_KINDS, BEFORE_KINDS, FaultPlan, FaultSpec, FaultSpecError
from kiosk.portal.simulator.store import (
    IdempotencyConflict,
    ProcedureKey,
    SimulatorStore,
    processing_times,
    shipped_processing_times,
)
from kiosk.portal.simulator.validation import RequestRefused
from kiosk.vietnam import VIETNAM_TIME

log = logging.getLogger(__name__)


DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_CONNECTIONS = 32
DEFAULT_IDLE_TIMEOUT_S = 15.0
DEFAULT_REQUEST_DEADLINE_S = 60.0
_ERROR_CODES = {400: "bad_request", 408: "request_timeout", 414: "uri_too_long", 431: "headers_too_large",
                501: "not_implemented", 505: "version_not_supported"}


class _Reset(Exception):
    """Raised inside a handler to drop the connection with a TCP reset."""


class _DeadlineReader(io.RawIOBase):
    """Socket reads bounded by the idle timeout and, once a request has begun, by its total deadline.

    A per-read timeout alone lets a client that sends one byte just inside it hold a connection thread forever.
    """

    def __init__(self, handler: _Handler) -> None:
        super().__init__()
        self._handler = handler

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        handler = self._handler
        timeout = handler.server.idle_timeout_s
        if handler.deadline is not None:
            left = handler.deadline - time.monotonic()
            if left <= 0:
                handler.late = True
                raise TimeoutError("request deadline passed")
            timeout = min(timeout, left)
        handler.connection.settimeout(timeout)
        try:
            got: int = handler.connection.recv_into(buffer)
        except TimeoutError:
            handler.late = handler.deadline is not None  # silent mid-request, not idle between requests
            raise
        if got and handler.deadline is None:
            handler.deadline = time.monotonic() + handler.server.request_deadline_s
        return got


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

    deadline: float | None = None
    late = False  # a request began but did not arrive in time: the client is owed a 408
    _answered = False
    _linger = False  # read what the client still sends before closing, so our answer is not lost to a reset

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_timeout_s)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):  # here, under the timeout, not in the accept loop
            self.connection.do_handshake()
        self.rfile = io.BufferedReader(_DeadlineReader(self), 1 << 16)

    def handle_one_request(self) -> None:
        self.deadline = None  # the deadline starts with the request's first byte, not while idle between requests
        self.late = self._answered = False
        self.requestline = self.command = ""
        self.request_version = self.protocol_version
        super().handle_one_request()
        if self.late and not self._answered:  # the standard handler just closes; say why first
            with contextlib.suppress(OSError):
                self.connection.settimeout(self.server.idle_timeout_s)
                self._refuse(RequestRefused(408, "request_timeout", "the request did not arrive in time", close=True))
                self.wfile.flush()

    def handle_expect_100(self) -> bool:
        """Refuse a body the server would refuse anyway before inviting the client to send it (RFC 9110 §10.1.1)."""
        try:
            validation.body_length(self.headers.get_all("Content-Length") or [], self.headers.get("Transfer-Encoding"),
                                   self.server.max_body_bytes)
        except RequestRefused as refused:
            self._refuse(refused)
            return False
        return super().handle_expect_100()

    def finish(self) -> None:
        super().finish()
        if self._linger:
            _drain(self.connection, seconds=1.0, max_bytes=4 << 20)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sim %s", format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's error page, as JSON like every other answer of the contract."""
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        self._linger = True
        self.request_version = self.protocol_version  # so a status line goes out even for an unparsable request
        self.connection.settimeout(self.server.idle_timeout_s)
        self._send(code, {"error": _ERROR_CODES.get(code, "error"), "detail": message or ""},
                   {"Connection": "close"})

    def _refuse(self, refused: RequestRefused) -> None:
        headers = {}
        if refused.close:
            self.close_connection = True
            self._linger = True
            headers["Connection"] = "close"
        self._send(refused.status, refused.answer(), headers)

    # ---- plumbing ------------------------------------------------------------------------------------------

    def _send(self, status: int, obj: Any, headers: dict[str, str] | None = None,
              raw: bytes | None = None) -> None:
        body = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
        self._answered = True
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
        length = validation.body_length(self.headers.get_all("Content-Length") or [],
                                        self.headers.get("Transfer-Encoding"), self.server.max_body_bytes)
        if not length:
            return b""
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            raise RequestRefused(408, "request_timeout", "the body did not arrive in time", close=True) from None
        if len(body) < length:
            raise RequestRefused(400, "body_cut_short", "the body is shorter than its Content-Length", close=True)
        self.connection.settimeout(self.server.idle_timeout_s)  # the answer gets the full timeout to leave
        return body

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        try:
            try:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            except ValueError:
                raise RequestRefused(400, "bad_request", "the request target is not a valid path") from None
            body = self._read_body()
            if url.path.startswith("/_sim/"):
                self._admin(method, url.path, query, body)
            elif url.path.startswith("/v1/"):
                self._portal(method, url.path, query, body)
            else:
                self._send(404, {"error": "not_found"})
        except _Reset:
            self._reset()
        except RequestRefused as refused:
            self._refuse(refused)
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
            key = validation.idempotency_key(self.headers.get("Idempotency-Key"))
            validation.require_json(self.headers.get("Content-Type"))
            body = validation.parse_json(raw)
            errors = _validate(body)
            if errors:
                return 422, {"errors": errors}, {}
            try:
                created = store.create(key, body)
            except IdempotencyConflict:
                return 409, {"error": "idempotency_conflict"}, {}
            return (200 if created.replay else 201), created.answer, {}
        if method == "GET" and parts == ["v1", "applications", "by-key"]:
            by_key = store.find_by_key(self.headers.get("Idempotency-Key", ""))
            return (200, by_key, {}) if by_key else (404, {"error": "not_found"}, {})
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "applications"]:
            found = store.status(parts[2], query.get("id_last4", ""))
            return (200, found, {}) if found else (404, {"error": "not_found"}, {})
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "applications"] and parts[3] == "withdraw":
            validation.require_json(self.headers.get("Content-Type"))
            asked = validation.parse_json(raw or b"{}")
            if not isinstance(asked, dict):
                return 400, {"error": "not_json", "detail": "the body must be a JSON object"}, {}
            id_last4 = str(asked.get("id_last4", ""))
            reason = asked.get("reason_code", "")
            if not isinstance(reason, str) or len(reason) > 32:
                return 400, {"error": "bad_reason", "detail": "reason_code is a short text"}, {}
            outcome = store.withdraw(parts[2], id_last4, reason_code=reason)
            if outcome is None:
                return 404, {"error": "not_found"}, {}
            result, status = outcome
            if result == "refused":
                return 409, {"error": "not_withdrawable", "status": status}, {}
            return 200, {"dossier_code": parts[2], "outcome": result, "status": status}, {}
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "applications"] and parts[3] == "supplements":
            return self._supplement(parts[2], raw)
        if parts[:2] == ["v1", "payments"]:
            return self._payments(method, parts, query, raw)
        if method == "GET" and parts == ["v1", "stats"]:
            since = _day_start(validation.stats_day(query.get("from"), "from"), 0.0)
            until = _day_start(validation.stats_day(query.get("to"), "to"), float("inf"), next_day=True)
            return 200, store.statistics(since, until, query.get("agency"), query.get("procedure")), {}
        return 404, {"error": "not_found"}, {}

    def _supplement(self, code: str, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        key = validation.idempotency_key(self.headers.get("Idempotency-Key"))
        validation.require_json(self.headers.get("Content-Type"))
        body = validation.parse_json(raw)
        if not isinstance(body, dict):
            return 400, {"error": "not_json", "detail": "the body must be a JSON object"}, {}
        attachments = body.get("attachments")
        if not isinstance(attachments, list) or not attachments:
            return 422, {"errors": [{"field": "attachments", "code": "required",
                                     "message_vi": "Chưa có giấy tờ bổ sung.",
                                     "message_en": "No paper was added."}]}, {}
        outcome, answer = self.server.store.add_supplement(code, key, body)
        if outcome == "not_found":
            return 404, {"error": "not_found"}, {}
        if outcome == "conflict":
            return 409, {"error": "idempotency_conflict"}, {}
        if outcome == "refused":
            return 409, {"error": "not_supplementable", "status": answer}, {}
        return (201 if outcome == "created" else 200), answer, {}

    def _payments(self, method: str, parts: list[str], query: dict[str, str],
                  raw: bytes) -> tuple[int, Any, dict[str, str]]:
        store = self.server.store
        if method == "POST" and len(parts) == 2:
            validation.require_json(self.headers.get("Content-Type"))
            asked = validation.parse_json(raw)
            if not isinstance(asked, dict) or not isinstance(asked.get("dossier_code"), str):
                return 400, {"error": "bad_request", "detail": "dossier_code and id_last4 are required"}, {}
            if asked.get("method", "vietqr") != "vietqr":
                return 400, {"error": "bad_request", "detail": "method must be vietqr"}, {}
            opened = store.open_payment(asked["dossier_code"], str(asked.get("id_last4", "")), "vietqr")
            if opened is None:
                return 404, {"error": "not_found"}, {}
            return (201 if opened[0] else 200), opened[1], {}
        if method == "GET" and len(parts) == 3:
            found = store.payment(parts[2], query.get("id_last4", ""))
            return (200, found, {}) if found else (404, {"error": "not_found"}, {})
        return 404, {"error": "not_found"}, {}

    # ---- test hooks ----------------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, query: dict[str, str], raw: bytes) -> None:
        if path == "/_sim/health":
            self._send(200, {"ok": True})
        elif path == "/_sim/applications":
            self._send(200, self.server.store.all_applications())
        elif path == "/_sim/payments":
            self._send(200, self.server.store.all_payments())
        elif path.startswith("/_sim/payments/") and path.endswith("/confirm") and method == "POST":
            code = urllib.parse.unquote(path[len("/_sim/payments/"):-len("/confirm")])
            confirmed = self.server.store.confirm_payment(code)
            self._send(200 if confirmed else 404, confirmed or {"error": "not_found"})
        elif path == "/_sim/faults" and method == "PUT":
            try:
                self.server.plan.replace(FaultSpec.parse(validation.utf8_text(raw, "fault SPEC")))
            except FaultSpecError as exc:
                self._send(400, {"error": str(exc)})
                return
            self._send(200, {"ok": True})
        elif path == "/_sim/clock" and method == "POST":
            self.server.clock_offset = validation.clock_offset(query.get("advance_s", "0"), self.server.clock_offset)
            self._send(200, {"offset_s": self.server.clock_offset})
        else:
            self._send(404, {"error": "not_found"})


def _day_start(day: dt.date | None, default: float, next_day: bool = False) -> float:
    if day is None:
        return default
    day += dt.timedelta(days=1 if next_day else 0)
    return dt.datetime.combine(day, dt.time(0, 0), VIETNAM_TIME).timestamp()


def _drain(sock: socket.socket, *, seconds: float, max_bytes: int) -> None:
    """Half-close, then read and discard what the peer still sends, so closing does not reset our answer away."""
    try:
        sock.shutdown(socket.SHUT_WR)
        end = time.monotonic() + seconds
        while max_bytes > 0 and (left := end - time.monotonic()) > 0:
            sock.settimeout(left)
            chunk = sock.recv(65536)
            if not chunk:
                return
            max_bytes -= len(chunk)
    except OSError:
        pass


class _Overflow:
    """Answers 503 to connections beyond the thread limit, all from one thread, without blocking the accept loop.

    Each answer goes out at once; the socket is then half-closed and read until the client closes (at most
    `LINGER_S`), because closing with unread request bytes would send a reset that can destroy the answer.
    Over TLS no answer can be written before a handshake, so those connections are simply closed.
    """

    LINGER_S = 1.0
    MAX_PENDING = 256
    _BODY = json.dumps({"error": "busy", "retry_after_s": 1}).encode()
    ANSWER = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
              b"Retry-After: 1\r\nConnection: close\r\nContent-Length: " + str(len(_BODY)).encode()
              + b"\r\n\r\n" + _BODY)

    def __init__(self) -> None:
        self._incoming: queue.SimpleQueue[socket.socket] = queue.SimpleQueue()
        self._pending: dict[socket.socket, float] = {}
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="portal-sim-busy", daemon=True)
        self._thread.start()

    def submit(self, sock: socket.socket) -> None:
        if len(self._pending) + self._incoming.qsize() >= self.MAX_PENDING:
            _close(sock)
            return
        self._incoming.put(sock)
        with contextlib.suppress(OSError):  # a full wake-up pipe: the loop is awake anyway
            self._wake_w.send(b"\0")

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")
        self._thread.join(5)

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                for key, _ in self._selector.select(timeout=0.1):
                    if key.fileobj is self._wake_r:
                        with contextlib.suppress(OSError):
                            self._wake_r.recv(4096)
                        continue
                    self._read(key.fileobj)  # type: ignore[arg-type]
                now = time.monotonic()
                while True:
                    try:
                        self._answer(self._incoming.get_nowait(), now)
                    except queue.Empty:
                        break
                for sock, until in list(self._pending.items()):
                    if until <= now:
                        self._drop(sock)
        finally:
            for sock in list(self._pending):
                self._drop(sock)
            while not self._incoming.empty():
                _close(self._incoming.get_nowait())
            self._selector.close()
            self._wake_r.close()
            self._wake_w.close()

    def _answer(self, sock: socket.socket, now: float) -> None:
        if isinstance(sock, ssl.SSLSocket):
            _close(sock)
            return
        try:
            sock.setblocking(False)
            sock.send(self.ANSWER)  # a fresh socket's send buffer takes these few hundred bytes at once
            sock.shutdown(socket.SHUT_WR)
            self._selector.register(sock, selectors.EVENT_READ)
        except OSError:
            _close(sock)
            return
        self._pending[sock] = now + self.LINGER_S

    def _read(self, sock: socket.socket) -> None:
        try:
            if sock.recv(65536):
                return
        except BlockingIOError:
            return
        except OSError:
            pass
        self._drop(sock)

    def _drop(self, sock: socket.socket) -> None:
        self._pending.pop(sock, None)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(sock)
        _close(sock)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("simulator connection ended abruptly", exc_info=True)

    def __init__(self, port: int, store_path: Path, plan: FaultPlan, *, step_s: float,
                 fates: dict[str, float], seed: int | None, limits: SimulatorLimits,
                 payment_confirm_s: float | None = 10.0, calendar: HolidayCalendar | None = None,
                 processing: dict[ProcedureKey, int] | None = None) -> None:
        self.clock_offset = 0.0
        self.plan = plan
        self.max_body_bytes = limits.max_body_bytes
        self.idle_timeout_s = limits.idle_timeout_s
        self.request_deadline_s = limits.request_deadline_s
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        self.store = SimulatorStore(store_path, lambda: time.time() + self.clock_offset, step_s=step_s,
                                    fates=fates, seed=seed, payment_confirm_s=payment_confirm_s,
                                    calendar=calendar, processing=processing)
        self._overflow = _Overflow()  # before binding: a failed bind calls server_close(), which stops it
        try:
            super().__init__(("127.0.0.1", port), _Handler)
        except BaseException:
            self.store.close()
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection while a slot is free; beyond that a 503 from the overflow thread."""
        if not self._slots.acquire(blocking=False):
            self._overflow.submit(request)
            return
        try:
            threading.Thread(target=self._serve_in_slot, args=(request, client_address),
                             name="portal-sim-conn", daemon=True).start()
        except RuntimeError:  # the interpreter could not start a thread: refuse this one connection
            self._slots.release()
            self.shutdown_request(request)

    def _serve_in_slot(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self._overflow.stop()


@dataclass(frozen=True)
class SimulatorLimits:
    """Resource bounds of one simulator; every value must be positive and finite."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S
    request_deadline_s: float = DEFAULT_REQUEST_DEADLINE_S

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_connections", "idle_timeout_s", "request_deadline_s"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive finite number, not {value!r}")


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
        """Move the simulated clock; a non-finite or absurd move raises ValueError."""
        try:
            self._server.clock_offset = validation.clock_offset(seconds, self._server.clock_offset)
        except RequestRefused as refused:
            raise ValueError(refused.detail) from None

    def applications(self) -> list[dict[str, Any]]:
        return self._server.store.all_applications()

    def payments(self) -> list[dict[str, Any]]:
        return self._server.store.all_payments()

    def withdraw_reason(self, dossier_code: str) -> str:
        return self._server.store.withdraw_reason(dossier_code)

    def request_supplement(self, dossier_code: str, items: list[str] | None = None, note: str = "") -> bool:
        """An officer asks for papers now: the file is in status 5 with this request (False: no such file)."""
        return self._server.store.request_supplement(dossier_code, items, note)

    def supplements(self) -> list[dict[str, Any]]:
        return self._server.store.all_supplements()

    def confirm_payment(self, dossier_code: str) -> dict[str, Any] | None:
        """The bank's confirmation of the file's open payment, now; None when none is open."""
        return self._server.store.confirm_payment(dossier_code)

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
        try:
            fates[code] = float(p)
        except ValueError:
            raise FaultSpecError(f"fate probability must be a number in {item!r}") from None
        if not 0.0 <= fates[code] <= 1.0:  # also refuses nan
            raise FaultSpecError(f"fate probability must be between 0 and 1 in {item!r}")
    if sum(fates.values()) > 1:
        raise FaultSpecError("fate probabilities add up to more than 1")
    return fates


def start_simulator(port: int = 0, db: Path | str = ":memory:", faults: str = "", *, step_s: float = 60.0,
                    fates: str = "", seed: int | None = None, tls_cert: Path | None = None,
                    tls_key: Path | None = None, client_ca: Path | None = None,
                    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, max_connections: int = DEFAULT_MAX_CONNECTIONS,
                    idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
                    request_deadline_s: float = DEFAULT_REQUEST_DEADLINE_S,
                    payment_confirm_s: float | None = 10.0, calendar: HolidayCalendar | None = None,
                    catalogue: Catalogue | None = None) -> RunningSimulator:
    """Start serving on 127.0.0.1:`port` (0 picks a free port) and return once it accepts connections.

    With `tls_cert`/`tls_key` it speaks HTTPS; with `client_ca` too it demands a client certificate signed by
    that CA (mutual TLS, as the adapter contract asks of each kiosk). The last four options bound what one
    client can hold (see `SimulatorLimits`); a bad value raises ValueError. An opened fee payment is confirmed by
    the simulated bank `payment_confirm_s` seconds later, or only through `/_sim/payments/<file code>/confirm`
    (or `confirm_payment`) when it is None. Due dates count each service's processing time (from `catalogue`,
    default the shipped one) in working days of `calendar` (default the shipped one), as the kiosk does.
    """
    limits = SimulatorLimits(max_body_bytes, max_connections, idle_timeout_s, request_deadline_s)
    if payment_confirm_s is not None and not (math.isfinite(payment_confirm_s) and payment_confirm_s >= 0):
        raise ValueError(f"payment_confirm_s must be a finite number of seconds ≥ 0, not {payment_confirm_s!r}")
    if not (math.isfinite(step_s) and step_s >= 0):
        raise ValueError(f"step_s must be a finite number of seconds ≥ 0, not {step_s!r}")
    server = _Server(port, Path(db) if db != ":memory:" else Path(":memory:"), FaultPlan(FaultSpec.parse(faults)),
                     step_s=step_s, fates=parse_fates(fates), seed=seed, limits=limits,
                     payment_confirm_s=payment_confirm_s, calendar=calendar,
                     processing=processing_times(catalogue) if catalogue is not None else shipped_processing_times())
    scheme = "http"
    if tls_cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
        if client_ca is not None:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(client_ca)
        # The handshake happens in the connection's thread under its timeout (see `_Handler.setup`): done in
        # accept(), one silent client would stop the whole server.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="portal-sim", daemon=True)
    thread.start()
    real_port = server.server_address[1]
    return RunningSimulator(f"{scheme}://127.0.0.1:{real_port}", int(real_port), server, thread)

"""A small FHIR R4 server on 127.0.0.1 playing the hospital's system for demos and tests (`kiosk hospital-sim`).

REST over JSON (`application/fhir+json`; `application/json` is taken too), on a `FhirStore`:
- `POST /<type>` create, conditional with `If-None-Exist: identifier=<system>|<value>` (200 and the existing
  resource when one matches, 412 when several do); `GET /<type>/<id>`; `PUT /<type>/<id>` with optional
  `If-Match: W/"<version>"`; `GET /<type>?identifier=…&patient.identifier=…&date=…&status=…` → searchset Bundle;
  types: Patient, Encounter, Appointment.
- `GET /Encounter/<id>/$queue-position` → Parameters {status, ahead, serving}: the hospital's queue for the clinic
  and day of that encounter (an operation of this endpoint, not of the base specification).
- `GET /metadata` → a CapabilityStatement naming the above.
- `/_sim/…` (never part of a real hospital's endpoint): `POST /_sim/call-next?specialty=NOI` makes that clinic call
  its next patient; `POST /_sim/book` with {id_number, full_name, birth_date, sex, specialty, specialty_name, start}
  books an appointment as the hospital's own booking would.

Every error is an OperationOutcome with an HTTP status (RFC 9110); bodies are checked before they are read
(`kiosk.portal.simulator.validation`: one plain Content-Length, a size limit, strict UTF-8 JSON of bounded depth), each
connection has an idle timeout, and at most `max_connections` are served at once (more get 503).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kiosk.hospital.fhir import FHIR_JSON, CodeSystems
from kiosk.hospital.fhir_store import KINDS, FhirRefused, FhirStore, operation_outcome
from kiosk.hospital.system import PatientDetails
from kiosk.portal.simulator import validation
from kiosk.portal.simulator.validation import RequestRefused

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 256 * 1024
DEFAULT_MAX_CONNECTIONS = 16
DEFAULT_IDLE_TIMEOUT_S = 10.0
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_MEDIA = ("application/fhir+json", "application/json")


def _require_fhir_json(content_type: str | None) -> None:
    media, _, params = (content_type or "").partition(";")
    if media.strip().lower() not in _MEDIA:
        raise RequestRefused(415, "not-supported", "send the body as application/fhir+json")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise RequestRefused(415, "not-supported", "JSON must be sent in UTF-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_timeout_s)  # a silent client does not hold its thread forever

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("hospital sim %s", format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{FHIR_JSON}; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> Any:
        length = validation.body_length(self.headers.get_all("Content-Length") or [],
                                        self.headers.get("Transfer-Encoding"), self.server.max_body_bytes)
        raw = self.rfile.read(length) if length else b""
        _require_fhir_json(self.headers.get("Content-Type"))
        return validation.parse_json(raw)

    def _dispatch(self, method: str) -> None:
        try:
            url = urllib.parse.urlsplit(self.path)
            query = _query(url.query)
            parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/") if p]
            if parts[:1] == ["_sim"]:
                self._sim(method, parts[1:], query)
            else:
                self._fhir(method, parts, query)
        except RequestRefused as refused:
            if refused.close:
                self.close_connection = True
            self._send(refused.status, operation_outcome(refused.error, refused.detail),
                       {"Connection": "close"} if refused.close else None)
        except FhirRefused as refused:
            self._send(refused.status, refused.outcome())

    def _fhir(self, method: str, parts: list[str], query: dict[str, str]) -> None:
        store = self.server.store
        if parts == ["metadata"] and method == "GET":
            self._send(200, _capability())
            return
        if not parts or parts[0] not in KINDS or any(not _ID.fullmatch(p) for p in parts[1:2]):
            raise FhirRefused(404, "not-found", "no such resource type or id")
        kind = parts[0]
        if len(parts) == 1 and method == "POST":
            status, stored = store.create(kind, self._body(), self.headers.get("If-None-Exist"))
            self._send(status, stored, {"Location": f"{kind}/{stored['id']}/_history/{stored['meta']['versionId']}",
                                        "ETag": f'W/"{stored["meta"]["versionId"]}"'})
        elif len(parts) == 1 and method == "GET":
            self._send(200, store.search(kind, query))
        elif len(parts) == 2 and method == "GET":
            stored = store.read(kind, parts[1])
            self._send(200, stored, {"ETag": f'W/"{stored["meta"]["versionId"]}"'})
        elif len(parts) == 2 and method == "PUT":
            stored = store.update(kind, parts[1], self._body(), self.headers.get("If-Match"))
            self._send(200, stored, {"ETag": f'W/"{stored["meta"]["versionId"]}"'})
        elif len(parts) == 3 and kind == "Encounter" and parts[2] == "$queue-position" and method == "GET":
            self._send(200, store.queue_position(parts[1]))
        else:
            raise FhirRefused(405, "not-supported", f"{method} is not supported here")

    def _sim(self, method: str, parts: list[str], query: dict[str, str]) -> None:
        store = self.server.store
        if method == "POST" and parts == ["call-next"]:
            specialty = query.get("specialty", "")
            if not specialty:
                raise RequestRefused(400, "required", "specialty is required")
            self._send(200, {"called": store.call_next(specialty)})
        elif method == "POST" and parts == ["book"]:
            self._send(201, {"appointment_id": _book(store, self._body())})
        else:
            raise FhirRefused(404, "not-found", "no such simulator route")


def _book(store: FhirStore, body: Any) -> str:
    if not isinstance(body, dict):
        raise RequestRefused(400, "invalid", "send a JSON object")
    try:
        birth = date.fromisoformat(str(body["birth_date"])) if body.get("birth_date") else None
        start = datetime.fromisoformat(str(body["start"]))
        id_number = str(body["id_number"])
        specialty = str(body["specialty"])
    except (KeyError, ValueError):
        raise RequestRefused(400, "invalid", "id_number, specialty and start (ISO date-time) are required") from None
    if not (len(id_number) == 12 and id_number.isdigit()) or not specialty:
        raise RequestRefused(400, "invalid", "id_number must have 12 digits and specialty must be set")
    patient = PatientDetails(id_number, str(body.get("full_name", "")), birth, str(body.get("sex", "")))
    return store.book(patient, specialty, str(body.get("specialty_name", specialty)), start)


def _query(text: str) -> dict[str, str]:
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=20,
                                       errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise RequestRefused(400, "invalid", "the query string cannot be read") from None
    query: dict[str, str] = {}
    for name, value in pairs:
        if name in query:
            raise RequestRefused(400, "invalid", f"{name} is given twice")
        query[name] = value
    return query


def _capability() -> dict[str, Any]:
    interactions = [{"code": c} for c in ("read", "update", "create", "search-type")]
    return {"resourceType": "CapabilityStatement", "status": "active", "kind": "instance", "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"], "date": "2026-12-01",
            "rest": [{"mode": "server", "resource": [
                {"type": kind, "interaction": interactions, "conditionalCreate": True, "conditionalUpdate": False}
                for kind in KINDS]}]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, store: FhirStore, *, max_body_bytes: int, max_connections: int,
                 idle_timeout_s: float) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.store = store
        self.max_body_bytes = max_body_bytes
        self.idle_timeout_s = idle_timeout_s
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("hospital sim: connection ended abnormally", exc_info=True)


@dataclass
class RunningHospitalSimulator:
    url: str
    port: int
    store: FhirStore
    _server: _Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def call_next(self, specialty: str) -> int | None:
        return self.store.call_next(specialty)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> RunningHospitalSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_hospital_simulator(port: int = 0, *, store: FhirStore | None = None, call_every_s: float | None = 120.0,
                             systems: CodeSystems | None = None, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
                             max_connections: int = DEFAULT_MAX_CONNECTIONS,
                             idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S) -> RunningHospitalSimulator:
    """Serve on 127.0.0.1:`port` (0 picks a free one) until `stop()`; clinics call the next patient every
    `call_every_s` seconds (None: only on `/_sim/call-next`). A bad limit raises ValueError."""
    for name, value in (("max_body_bytes", max_body_bytes), ("max_connections", max_connections),
                        ("idle_timeout_s", idle_timeout_s)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive finite number, not {value!r}")
    store = store or FhirStore(systems or CodeSystems(), call_every_s=call_every_s)
    server = _Server(port, store, max_body_bytes=max_body_bytes, max_connections=int(max_connections),
                     idle_timeout_s=idle_timeout_s)
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="hospital-sim",
                              daemon=True)
    thread.start()
    real_port = int(server.server_address[1])
    return RunningHospitalSimulator(f"http://127.0.0.1:{real_port}", real_port, store, server, thread)

"""Small misbehaving HTTP servers on 127.0.0.1 for the portal and gateway tests (stdlib only)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    """What a server received: one (method, path, body) per request."""

    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    bytes_sent: int = 0


Reply = Callable[[BaseHTTPRequestHandler, Seen], None]


def json_reply(status: int, obj: Any, headers: dict[str, str] | None = None) -> Reply:
    def reply(handler: BaseHTTPRequestHandler, seen: Seen) -> None:
        raw = json.dumps(obj).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(raw)
    return reply


def html_reply(status: int) -> Reply:
    def reply(handler: BaseHTTPRequestHandler, seen: Seen) -> None:
        raw = b"<html><body><h1>Not Found</h1><p>nginx</p></body></html>"
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)
    return reply


def redirect_reply(status: int, location: str) -> Reply:
    def reply(handler: BaseHTTPRequestHandler, seen: Seen) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return reply


def dribble_reply(status: int, obj: Any, every_s: float, headers_too: bool = False) -> Reply:
    """The whole answer, one byte at a time, each byte well inside any read timeout."""
    def reply(handler: BaseHTTPRequestHandler, seen: Seen) -> None:
        raw = json.dumps(obj).encode()
        head = (f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {len(raw)}\r\n\r\n"
                ).encode()
        if not headers_too:
            handler.wfile.write(head)
            handler.wfile.flush()
            head = b""
        try:
            for i in range(len(head + raw)):
                handler.wfile.write((head + raw)[i:i + 1])
                handler.wfile.flush()
                seen.bytes_sent += 1
                time.sleep(every_s)
        except OSError:
            pass
        handler.close_connection = True
    return reply


def huge_reply(total: int, declare_length: bool) -> Reply:
    """A body of `total` bytes of JSON-ish filler, with or without a Content-Length."""
    def reply(handler: BaseHTTPRequestHandler, seen: Seen) -> None:
        handler.send_response(201)
        handler.send_header("Content-Type", "application/json")
        if declare_length:
            handler.send_header("Content-Length", str(total))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        block = b" " * 65536
        try:
            while seen.bytes_sent < total:
                handler.wfile.write(block)
                seen.bytes_sent += len(block)
        except OSError:
            pass
        handler.close_connection = True
    return reply


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serve(reply: Reply) -> Iterator[tuple[str, Seen]]:
    """A server on a free loopback port answering every request with `reply`; yields (base URL, what it saw)."""
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen.requests.append((self.command, self.path, body))
            reply(self, seen)

        do_GET = do_POST = do_PUT = _any

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

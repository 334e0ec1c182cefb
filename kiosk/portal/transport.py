"""Bounded HTTP exchanges for the portal adapter and the hospital gateway: no redirects, a total deadline, a cap.

`requests`' (connect, read) timeout bounds each wait on the socket, not the exchange: a server that sends one
byte just before every read timeout can hold a call for minutes, and a body is read whole however large it is.
Here every exchange gets a wall-clock deadline, enforced by one watchdog thread that shuts the connection's
socket down when the deadline passes (a blocked read then returns at once), and the answer is read as a stream
that stops at `max_answer_bytes`. Redirects are never followed (RFC 9110 §15.4 lets a 307/308 repeat a POST with
its body to another origin, which would carry a citizen's application there); a 3xx is reported as such.
Compressed answers are not asked for (`Accept-Encoding: identity`), so the size cap is the size of the data.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_CHUNK = 64 * 1024
_RETRY_ATTACH_S = 0.05  # deadline passed while no socket was open yet (connecting): look again shortly


class DeadlineExceeded(Exception):
    """The whole exchange took longer than its deadline (the answer, if any, is unknown)."""


class AnswerTooLarge(Exception):
    """The answer's body is larger than the configured maximum."""


class Redirected(Exception):
    """The server answered 3xx; `target_origin` is scheme://host[:port] of `Location` (no path or query)."""

    def __init__(self, status: int, target_origin: str) -> None:
        super().__init__(f"HTTP {status} redirect to {target_origin or 'nowhere'}")
        self.status = status
        self.target_origin = target_origin


class UnaskedEncoding(Exception):
    """The server compressed the answer although the kiosk asked for `identity`."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    content: bytes


# ---- the watchdog ---------------------------------------------------------------------------------------------

_current = threading.local()


class _Watch:
    """One exchange's deadline; `attach` learns the connection once urllib3 has picked it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: Any = None
        self._done = False
        self.expired = False

    def attach(self, conn: Any) -> None:
        with self._lock:
            self._conn = conn
            conn.kiosk_watch = self

    def fire(self) -> bool:
        """Deadline reached: shut the socket down. True when it must be tried again (no socket yet)."""
        with self._lock:
            if self._done:
                return False
            self.expired = True
            conn = self._conn
            # The connection may have gone back to the pool and on to another exchange: leave that one alone.
            if conn is None or getattr(conn, "kiosk_watch", None) is not self:
                return conn is None
            sock = getattr(conn, "sock", None)
            if sock is None:
                return True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            return False

    def finish(self) -> bool:
        """The exchange is over; True when the deadline had already fired (what was read may be cut short)."""
        with self._lock:
            self._done = True
            return self.expired


class _Watchdog:
    """A single daemon thread holding every pending deadline in a heap (no thread per request)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Watch]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, watch: _Watch, deadline: float) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline, next(self._seq), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-deadline", daemon=True)
                self._thread.start()
            if self._heap[0][2] is watch:  # only an earlier deadline than the one waited for needs a wake-up
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._cond.wait(None if not self._heap else self._heap[0][0] - time.monotonic())
                _, _, watch = heapq.heappop(self._heap)
            if watch.fire():
                self.arm(watch, time.monotonic() + _RETRY_ATTACH_S)


    def forget(self) -> None:
        """In a forked child: the parent's thread and deadlines did not come along; start afresh on next use."""
        self._cond = threading.Condition()
        self._heap = []
        self._thread = None


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG.forget)


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An `HTTPAdapter` whose connections let the watchdog find their socket."""

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def bounded_session(pool_size: int = 4) -> requests.Session:
    """A session for bounded exchanges: the watched adapter, no retries, nothing taken from the environment."""
    session = requests.Session()
    adapter = DeadlineAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    return session


def origin_of(location: str | None) -> str:
    """scheme://host[:port] of a redirect target; paths and queries may hold codes or ID digits."""
    if not location:
        return ""
    try:
        parts = urllib.parse.urlsplit(location)
    except ValueError:
        return "<unreadable>"
    if not parts.scheme or not parts.hostname:
        return "<same origin>"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def exchange(session: requests.Session, method: str, url: str, *, deadline_s: float, max_answer_bytes: int,
             **kwargs: Any) -> Answer:
    """One request and its whole answer within `deadline_s`, at most `max_answer_bytes` of body.

    Raises `DeadlineExceeded`, `AnswerTooLarge`, `Redirected`, `UnaskedEncoding`, or what `requests` raises
    for transport trouble (when that trouble was the watchdog's doing, `DeadlineExceeded` instead).
    """
    headers = {"Accept-Encoding": "identity", **dict(kwargs.pop("headers", None) or {})}
    watch = _Watch()
    _current.watch = watch
    _WATCHDOG.arm(watch, time.monotonic() + deadline_s)
    response: requests.Response | None = None
    try:
        try:
            response = session.request(method, url, headers=headers, allow_redirects=False, stream=True, **kwargs)
            _current.watch = None
            content = _read_capped(response, max_answer_bytes)
        except requests.RequestException:
            if watch.finish():
                raise DeadlineExceeded(f"no whole answer within {deadline_s:g} s") from None
            raise
        if watch.finish():  # a close at the deadline can look like a normal end of a body without a length
            raise DeadlineExceeded(f"no whole answer within {deadline_s:g} s")
        return Answer(response.status_code, response.headers, content)
    finally:
        watch.finish()
        _current.watch = None
        if response is not None:
            response.close()


def _read_capped(response: requests.Response, limit: int) -> bytes:
    status = response.status_code
    if 300 <= status < 400:
        raise Redirected(status, origin_of(response.headers.get("Location")))
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise UnaskedEncoding(encoding[:40])
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AnswerTooLarge(f"answer declares {declared} bytes, more than {limit}")
    body = bytearray()
    for chunk in response.iter_content(_CHUNK):
        body += chunk
        if len(body) > limit:
            raise AnswerTooLarge(f"answer is more than {limit} bytes")
    return bytes(body)

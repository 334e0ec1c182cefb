"""Soak run of the portal simulator: a few client threads send mixed malformed input for a while, and the run
records every answer, the simulator process's thread count and resident memory (from /proc), and whether a valid
application still goes through afterwards.

The simulator runs as its own process (`kiosk portal-sim`), as a technician starts it, so threads and memory are
its own. Requests are written on raw sockets because most of the inputs (a `Content-Length` of "abc", a request
line of control bytes, a body dribbled byte by byte) cannot be produced by an HTTP library. Used by the test suite
in a short form and by `bench/portal_soak.py` for the full ten minutes.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

APPLICATION = {"procedure_code": "1.004194", "agency_code": "000.00.01.H26", "channel": "kiosk",
               "applicant": {"id_number": "001090001234", "full_name": "Soak Test"}, "form": {"data": {"n": 1}}}
JSON = "application/json; charset=utf-8"
BUSY = "503"  # the simulator is at its connection limit: an acceptable answer to anything
CLOSED = "closed"  # the simulator closed the connection without an answer (idle or past the deadline)


@dataclass(frozen=True)
class SoakLimits:
    """The limits the simulator under test is started with (see `kiosk portal-sim --help`)."""

    max_connections: int = 16
    idle_timeout_s: float = 2.0
    request_deadline_s: float = 5.0
    max_body_bytes: int = 4 * 1024 * 1024


@dataclass
class SoakReport:
    seconds: float
    limits: SoakLimits
    sent: collections.Counter[str] = field(default_factory=collections.Counter)
    answers: dict[str, collections.Counter[str]] = field(default_factory=dict)
    unexpected: collections.Counter[str] = field(default_factory=collections.Counter)
    examples: list[str] = field(default_factory=list)
    max_threads: int = 0
    rss_start_kb: int = 0
    rss_end_kb: int = 0  # after the run, once idle connections have timed out
    rss_max_kb: int = 0
    rss_timeline: list[tuple[float, int]] = field(default_factory=list)  # (seconds into the run, kB)
    created: int = 0  # valid applications answered 201
    stored: int = 0  # applications the simulator holds at the end
    final_status: str = ""  # answer to one valid application after the soak

    def statuses(self) -> collections.Counter[str]:
        total: collections.Counter[str] = collections.Counter()
        for counts in self.answers.values():
            total.update(counts)
        return total

    def table(self) -> str:
        lines = [f"portal simulator soak: {self.seconds:.0f} s, max {self.limits.max_connections} connections, "
                 f"idle timeout {self.limits.idle_timeout_s:g} s, request deadline "
                 f"{self.limits.request_deadline_s:g} s, body limit {self.limits.max_body_bytes} bytes", "",
                 "| request kind | sent | answers | unexpected |", "|---|---:|---|---:|"]
        for kind in sorted(self.sent):
            answers = ", ".join(f"{k}×{v}" for k, v in sorted(self.answers.get(kind, {}).items()))
            lines.append(f"| {kind} | {self.sent[kind]} | {answers} | {self.unexpected[kind]} |")
        lines += ["", "| answer | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in sorted(self.statuses().items())]
        lines += ["", "| measure | value |", "|---|---:|",
                  f"| requests sent | {sum(self.sent.values())} |",
                  f"| max simulator threads | {self.max_threads} |",
                  f"| RSS start / end / max (MiB) | {self.rss_start_kb / 1024:.1f} / {self.rss_end_kb / 1024:.1f} / "
                  f"{self.rss_max_kb / 1024:.1f} |",
                  "| RSS over the run (MiB) | " + " → ".join(f"{kb / 1024:.0f}" for _, kb in self.rss_timeline) + " |",
                  f"| valid applications created / stored | {self.created} / {self.stored} |",
                  f"| valid application after the soak | {self.final_status} |",
                  f"| errors (unexpected outcomes) | {sum(self.unexpected.values())} |"]
        lines += [f"  e.g. {e}" for e in self.examples[:10]]
        return "\n".join(lines)


# ---- one exchange on a raw socket ----------------------------------------------------------------------------


def request(method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None, *,
            length: bool = True) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_answer(sock: socket.socket) -> str:
    """The status code of the answer on `sock`, or CLOSED / "reset" / "timeout" / "cut" when there is none."""
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return CLOSED if not buf else "cut"
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0].split()[1].decode()
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return "cut"
            rest += chunk
        json.loads(rest[:length])  # every answer of the simulator is JSON; anything else is a fault
        return status
    except ConnectionResetError:
        return "reset"
    except TimeoutError:
        return "timeout"
    except (ValueError, IndexError):
        return "not_json"


@dataclass(frozen=True)
class Probe:
    """One kind of request: how to send it and which outcomes are correct (503 always is, at the limit).

    A `slow` probe holds connections for seconds (idle, dribbling, a swarm); one client thread takes turns at
    those while the others send the quick ones, so the limit is reached regularly but not all the time.
    """

    send: Callable[[int, int], str]  # (port, serial) → outcome
    expect: frozenset[str]
    weight: int = 10
    slow: bool = False


def _simple(raw: Callable[[int], bytes]) -> Callable[[int, int], str]:
    def send(port: int, n: int) -> str:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            with contextlib.suppress(OSError):  # the simulator may answer and close before a large request is written
                sock.sendall(raw(n))
            return read_answer(sock)
    return send


def _create(body: Callable[[int], bytes], content_type: str = JSON) -> Callable[[int], bytes]:
    return lambda n: request("POST", "/v1/applications", body(n),
                             {"Content-Type": content_type, "Idempotency-Key": f"soak-{os.getpid()}-{n}"})


def _valid_body(n: int) -> bytes:
    return json.dumps({**APPLICATION, "form": {"data": {"n": n}}}).encode()


def _with_form(fragment: str) -> Callable[[int], bytes]:
    return lambda n: _valid_body(n).replace(f'{{"n": {n}}}'.encode(), fragment.encode())


def _cut_short(port: int, n: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        raw = request("POST", "/v1/applications", b"", {"Content-Type": JSON, "Idempotency-Key": f"cut-{n}",
                                                       "Content-Length": "1000"}, length=False)
        sock.sendall(raw + b'{"applicant":')
        sock.shutdown(socket.SHUT_WR)
        return read_answer(sock)


def _idle(port: int, n: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        return read_answer(sock)  # sends nothing: the simulator must close it at its idle timeout


def _dribble(port: int, n: int) -> str:
    raw = request("POST", "/v1/applications", _valid_body(n), {"Content-Type": JSON, "Idempotency-Key": f"d-{n}"})
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for byte in raw:
                sock.send(bytes([byte]))
                if select.select([sock], [], [], 0.25)[0]:  # the simulator has answered or closed: stop sending
                    break
        except OSError:
            pass
        return read_answer(sock)


def _reset_midway(port: int, n: int) -> str:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"POST /v1/applications HTTP/1.1\r\nContent-Length: 500\r\n\r\n{")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # a reset from the client side: nothing to read, the simulator must just carry on
    return "sent"


def _swarm(port: int, n: int) -> str:
    """Forty connections at once, all silent: beyond the limit they must be answered 503, the rest closed."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(40)]
    try:
        outcomes = {read_answer(s) for s in socks}
    finally:
        for s in socks:
            s.close()
    return "+".join(sorted(outcomes))


def _flood_expect(*statuses: str) -> frozenset[str]:
    return frozenset((*statuses, BUSY))


PROBES: dict[str, Probe] = {
    "valid application": Probe(_simple(_create(_valid_body)), _flood_expect("201"), 20),
    "upload 1 MiB": Probe(_simple(lambda n: request("POST", "/v1/uploads", os.urandom(1 << 20),
                                                      {"Content-Type": "application/pdf"})), _flood_expect("201"), 3),
    "deep JSON": Probe(_simple(_create(lambda n: b"[" * 100_000 + b"]" * 100_000)), _flood_expect("400")),
    "nested JSON 100": Probe(_simple(_create(_with_form('{"a":' * 100 + "1" + "}" * 100))), _flood_expect("400")),
    "lone surrogate": Probe(_simple(_create(_with_form('{"x": "\\udc80"}'))), _flood_expect("400")),
    "NaN": Probe(_simple(_create(_with_form('{"x": NaN}'))), _flood_expect("400")),
    "1e400": Probe(_simple(_create(_with_form('{"x": 1e400}'))), _flood_expect("400")),
    "not UTF-8": Probe(_simple(_create(lambda n: _valid_body(n).decode().encode("utf-16"))), _flood_expect("400")),
    "text/plain": Probe(_simple(_create(_valid_body, "text/plain")), _flood_expect("415")),
    "Content-Length abc": Probe(_simple(lambda n: request("POST", "/v1/applications", b"{}", {
        "Content-Length": "abc", "Content-Type": JSON, "Idempotency-Key": "x"}, length=False)), _flood_expect("400")),
    "Content-Length 100 GB": Probe(_simple(lambda n: request("POST", "/v1/uploads", b"x" * 65536, {
        "Content-Length": str(100 * 1024**3)}, length=False)), _flood_expect("413")),
    "Content-Length -1": Probe(_simple(lambda n: request("POST", "/v1/applications", b"{}", {
        "Content-Length": "-1"}, length=False)), _flood_expect("400")),
    "chunked": Probe(_simple(lambda n: request("POST", "/v1/applications", b"2\r\n{}\r\n0\r\n\r\n", {
        "Transfer-Encoding": "chunked"}, length=False)), _flood_expect("411")),
    "body cut short": Probe(_cut_short, _flood_expect("400")),
    "stats bad date": Probe(_simple(lambda n: request("GET", "/v1/stats?from=2026-13-45")), _flood_expect("400")),
    "stats year 9999": Probe(_simple(lambda n: request("GET", "/v1/stats?to=9999-12-31")), _flood_expect("400")),
    "clock 1e400": Probe(_simple(lambda n: request("POST", "/_sim/clock?advance_s=1e400")), _flood_expect("400")),
    "faults not UTF-8": Probe(_simple(lambda n: request("PUT", "/_sim/faults", b"\xff\xfe5")), _flood_expect("400")),
    "faults absurd": Probe(_simple(lambda n: request("PUT", "/_sim/faults", b"latency:99999999999s")),
                           _flood_expect("400")),
    "garbage line": Probe(_simple(lambda n: b"\x00\x01\x02 \xff\r\n\r\n"), _flood_expect("400")),
    "150 headers": Probe(_simple(lambda n: request("GET", "/v1/health", b"", {f"X-H{i}": "v" for i in range(150)})),
                         _flood_expect("431")),
    "URI 70 kB": Probe(_simple(lambda n: request("GET", "/v1/stats?agency=" + "a" * 70_000)), _flood_expect("414")),
    "DELETE": Probe(_simple(lambda n: request("DELETE", "/v1/applications/X")), _flood_expect("501")),
    "client reset": Probe(_reset_midway, frozenset({"sent"})),
    "idle connection": Probe(_idle, _flood_expect(CLOSED), 2, slow=True),
    "dribbled request": Probe(_dribble, _flood_expect("408"), 2, slow=True),
    "swarm of 40": Probe(_swarm, frozenset({f"{BUSY}+{CLOSED}", BUSY, CLOSED}), 1, slow=True),
}


# ---- the run --------------------------------------------------------------------------------------------------


def _proc_status(pid: int) -> tuple[int, int]:
    """(threads, resident kB) of a process, from /proc/PID/status."""
    threads = rss = 0
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
        for line in f:
            if line.startswith("Threads:"):
                threads = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return threads, rss


def start_process(folder: Path, limits: SoakLimits) -> tuple[subprocess.Popen[str], int]:
    """`kiosk portal-sim` on a free port with `limits`; returns the process and its port."""
    cmd = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())", "portal-sim",
           "--port", "0", "--db", str(folder / "portal-sim.sqlite3"), "--step-s", "3600",
           "--max-connections", str(limits.max_connections), "--idle-timeout-s", str(limits.idle_timeout_s),
           "--request-deadline-s", str(limits.request_deadline_s), "--max-body-bytes", str(limits.max_body_bytes)]
    root = Path(__file__).resolve().parents[3]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("PORT="):
            return proc, int(line.strip().split("=")[1])
    proc.wait(10)
    raise RuntimeError(f"the simulator did not start (exit {proc.returncode})")


def run_soak(seconds: float, *, clients: int = 4, limits: SoakLimits | None = None, seed: int = 1,
             kinds: list[str] | None = None) -> SoakReport:
    """Send mixed bad input for `seconds` from `clients` threads (plus one for the slow probes), then check that a
    valid application still goes through and that every one answered 201 was stored once."""
    limits = limits or SoakLimits()
    chosen = {k: PROBES[k] for k in (kinds or list(PROBES))}
    report = SoakReport(seconds, limits)
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="portal-soak-") as tmp:
        proc, port = start_process(Path(tmp), limits)
        try:
            report.final_status = _simple(_create(_valid_body))(port, -1)  # warm-up, so RSS starts from a live server
            report.created += report.final_status == "201"
            report.max_threads, report.rss_start_kb = _proc_status(proc.pid)
            report.rss_max_kb = report.rss_start_kb
            stop = threading.Event()

            started = time.monotonic()
            report.rss_timeline.append((0.0, report.rss_start_kb))

            def watch() -> None:
                every = max(1.0, seconds / 10)
                while not stop.wait(0.1):
                    threads, rss = _proc_status(proc.pid)
                    report.max_threads = max(report.max_threads, threads)
                    report.rss_max_kb = max(report.rss_max_kb, rss)
                    into = time.monotonic() - started
                    if into >= report.rss_timeline[-1][0] + every:
                        report.rss_timeline.append((into, rss))

            def client(index: int, slow: bool) -> None:
                rng = random.Random(seed * 1000 + index)
                names = [k for k, probe in chosen.items() if probe.slow == slow]
                weights = [chosen[k].weight for k in names]
                if not names:
                    return
                n = index
                while not stop.is_set():
                    kind = rng.choices(names, weights)[0]
                    n += clients + 1
                    try:
                        outcome = chosen[kind].send(port, n)
                    except OSError as exc:  # could not even connect or write: the simulator is not coping
                        outcome = type(exc).__name__
                    with lock:
                        report.sent[kind] += 1
                        report.answers.setdefault(kind, collections.Counter())[outcome] += 1
                        if kind == "valid application" and outcome == "201":
                            report.created += 1
                        if outcome not in chosen[kind].expect:
                            report.unexpected[kind] += 1
                            if len(report.examples) < 20:
                                report.examples.append(f"{kind}: {outcome}")

            watcher = threading.Thread(target=watch, daemon=True)
            workers = [threading.Thread(target=client, args=(i, i == clients), daemon=True)
                       for i in range(clients + 1)]
            watcher.start()
            for w in workers:
                w.start()
            time.sleep(seconds)
            stop.set()
            for w in workers:
                w.join(limits.request_deadline_s + limits.idle_timeout_s + 30)
            watcher.join(5)
            time.sleep(limits.idle_timeout_s + 0.5)  # connections left idle by the clients time out
            threads, report.rss_end_kb = _proc_status(proc.pid)
            report.max_threads = max(report.max_threads, threads)
            report.rss_timeline.append((time.monotonic() - started, report.rss_end_kb))
            report.final_status = _simple(_create(_valid_body))(port, -2)
            report.created += report.final_status == "201"
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                sock.sendall(request("GET", "/_sim/applications"))
                report.stored = _count_applications(sock)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    return report


def _count_applications(sock: socket.socket) -> int:
    buf = b""
    while chunk := sock.recv(1 << 20):
        buf += chunk
    _, _, body = buf.partition(b"\r\n\r\n")
    apps = json.loads(body)
    return len(apps) if isinstance(apps, list) else -1

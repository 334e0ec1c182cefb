"""Simulated kiosks for demos, tests and the benchmark: scripted journeys on simulated devices, each kiosk with
its own metrics served on 127.0.0.1:port_base+i.

Every kiosk is a real `KioskMetrics` (the same registry, labels and collector a kiosk in service has). Its files
live either in memory or, with a data folder, in a real encrypted submission queue (`SqliteSubmissionQueue`,
under `<data_dir>/<kiosk id>/`), so `kiosk --config … stats` can be run on it and compared with Prometheus.
Journeys are drawn from a seeded random generator: service, duration, card read, face check, payment, outcome,
print job. Scripted incidents: the first kiosk's printer runs out of paper, its citizen asks for help (through
Alertmanager when an address is given), or every kiosk loses the portal.

All kiosks of one process are served by one thread: each kiosk has its own listening socket, a selector waits on
all of them and on the next journey due, so 500 endpoints cost one thread and 500 sockets.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import random
import selectors
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from kiosk.fleet.metrics import FileRow, KioskLabels, KioskMetrics, QueueSnapshot, StateSources
from kiosk.help.desk import AlertmanagerHelpDesk, HelpDesk, SimulatedHelpDesk

log = logging.getLogger(__name__)

# A ward office's mix: most journeys end with a file sent at once; some are saved for later, refused, given up.
OUTCOME_WEIGHTS = {"sent": 70, "queued": 10, "rejected": 4, "abandoned": 11, "handed_to_staff": 5}
FACE_WEIGHTS = {"match": 90, "no_match": 2, "liveness_failed": 4, "staff_vouched": 3, "gave_up": 1}
CARD_FAILURES = ("no_card", "removed", "access_denied", "protocol")
HELP_CHECK_S = 2.0  # how often the help screen asks whether staff answered
PAID_SERVICES = frozenset({"judicial_record", "traffic_fine", "birth_combined"})


@dataclass
class SimulationOptions:
    kiosks: int
    port_base: int
    ward: str | None = None
    province: str = "01"
    prefix: str = "SIM"
    duration_s: float = 0.0               # 0: until stopped
    journey_every_s: float = 20.0         # mean seconds between two journeys at one kiosk
    seed: int = 1
    data_dir: Path | None = None          # real queues under <data_dir>/<kiosk id>/
    services: tuple[str, ...] = ()
    out_of_paper_after_s: float | None = None
    help_after_s: float | None = None
    alertmanager_url: str = ""
    portal_down_after_s: float | None = None
    max_journeys: int | None = None       # per kiosk, then the kiosk only serves its metrics
    on_time_target_s: float = 3600.0
    first_index: int = 0                  # this process's first kiosk in the province (wards of a split run)
    journeys_after_s: float = 0.0         # the first journeys wait this long (let Prometheus see the zeros)


class _Ledger:
    """The files of one simulated kiosk: in memory, or in a real queue."""

    def __init__(self, clock: Callable[[], float], queue: Any = None) -> None:
        self._clock = clock
        self.queue = queue
        self._rows: list[FileRow] = []
        self._pending: list[tuple[float, int]] = []  # (accept at, row index) for in-memory queued files

    def save(self, service: str, outcome: str, rng: random.Random) -> None:
        now = self._clock()
        if self.queue is not None:
            self._save_real(service, outcome, rng)
            return
        if outcome == "sent":
            self._rows.append(FileRow(service, "accepted", now, now + rng.uniform(0.5, 4.0)))
        elif outcome == "rejected":
            self._rows.append(FileRow(service, "rejected", now, None))
        else:
            self._rows.append(FileRow(service, "queued", now, None))
            self._pending.append((now + rng.uniform(60.0, 300.0), len(self._rows) - 1))

    def _save_real(self, service: str, outcome: str, rng: random.Random) -> None:
        from offline_cache import ReceiptFacts

        facts = ReceiptFacts(service_code=service, masked_id="********0000", id_last4="0000",
                             received_at=self._clock())
        record = self.queue.enqueue(service, {"simulated": True}, facts, claim=outcome != "queued")
        sid = record.submission_id
        if outcome == "sent":
            self.queue.mark_accepted(sid, f"SIM-{sid[:8]}", None)
        elif outcome == "rejected":
            self.queue.mark_rejected(sid, "validation")

    def settle(self) -> None:
        """In-memory queued files are accepted once their time comes (the portal came back)."""
        now = self._clock()
        keep = []
        for at, index in self._pending:
            if at <= now:
                row = self._rows[index]
                self._rows[index] = FileRow(row.service, "accepted", row.created_at, now)
            else:
                keep.append((at, index))
        self._pending = keep

    def rows(self) -> list[FileRow]:
        if self.queue is not None:
            from kiosk.fleet.metrics import file_rows_from_queue

            return list(file_rows_from_queue(self.queue.stats_rows()))
        return list(self._rows)

    def snapshot(self, portal_up: bool) -> QueueSnapshot:
        waiting = [r.created_at for r in self.rows() if r.state in ("queued", "sending")]
        return QueueSnapshot(waiting=len(waiting), oldest_waiting_at=min(waiting) if waiting else None,
                             portal_reachable=portal_up)

    def close(self) -> None:
        if self.queue is not None:
            self.queue.close()


@dataclass
class SimulatedKiosk:
    labels: KioskLabels
    port: int
    metrics: KioskMetrics
    ledger: _Ledger
    rng: random.Random
    services: tuple[str, ...]
    help_desk: HelpDesk | None = None
    printer_state: str = "ready"
    portal_up: bool = True
    journeys: int = 0
    help_request: str | None = None
    log: list[str] = field(default_factory=list)

    def journey(self) -> None:
        """One citizen's visit, start to end, counted as the journey core would count it."""
        rng = self.rng
        m = self.metrics
        service = rng.choice(self.services)
        if rng.random() < 0.05:
            m.card_read(False, rng.choice(CARD_FAILURES))
        m.card_read(True)
        m.face_check(_pick(rng, FACE_WEIGHTS))
        outcome = _pick(rng, OUTCOME_WEIGHTS)
        if outcome == "sent" and not self.portal_up:
            outcome = "queued"
        if outcome in ("sent", "queued", "rejected"):
            self.ledger.save(service, outcome, rng)
            m.submission(service, outcome)
            if service in PAID_SERVICES:
                m.payment("paid" if rng.random() < 0.95 else "failed")
            m.print_job("printed" if self.printer_state == "ready" else self.printer_state)
        if rng.random() < 0.02:
            m.withdrawal(rng.choice(("withdrawn_locally", "withdrawn", "requested")))
        m.journey_completed(service, outcome, rng.lognormvariate(5.6, 0.5))  # median ≈ 270 s
        self.journeys += 1

    def sources(self) -> StateSources:
        return StateSources(
            files=self.ledger.rows, queue=lambda: self.ledger.snapshot(self.portal_up),
            devices={"reader": lambda: True, "camera": lambda: True, "printer": lambda: self.printer_state == "ready",
                     "speech": lambda: True},
            printer_state=lambda: self.printer_state,
            help_waiting_s=self.help_desk.waiting_s if self.help_desk is not None else None)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ward_for(index: int, options: SimulationOptions) -> str:
    """All kiosks in `--ward`, or ten kiosks to a ward (00001, 00002, …) for a province-sized run."""
    return options.ward or f"{(options.first_index + index) // 10 + 1:05d}"


class _MetricsHandler(BaseHTTPRequestHandler):
    timeout = 5

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != "/metrics":
            self.send_error(404)
            return
        kiosk: SimulatedKiosk = self.server.kiosk  # type: ignore[attr-defined]
        body = kiosk.metrics.exposition()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


class _Server(socketserver.TCPServer):
    allow_reuse_address = True

    def __init__(self, port: int, kiosk: SimulatedKiosk) -> None:
        super().__init__(("127.0.0.1", port), _MetricsHandler)
        self.kiosk = kiosk
        self.socket.setblocking(False)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("scrape from %s failed", client_address, exc_info=True)


class Simulation:
    """N simulated kiosks in this process; `start()` runs them on one thread, `stop()` ends it."""

    def __init__(self, options: SimulationOptions, *, clock: Callable[[], float] = time.time) -> None:
        self.options = options
        self._clock = clock
        self._mono = time.monotonic
        self.kiosks: list[SimulatedKiosk] = []
        self._servers: list[_Server] = []
        self._selector = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0
        services = options.services or _catalogue_codes()
        try:
            for i in range(options.kiosks):
                self._add(i, services)
        except OSError:
            self.close()
            raise

    def _add(self, i: int, services: tuple[str, ...]) -> None:
        o = self.options
        port = o.port_base + i
        labels = KioskLabels(kiosk=f"{o.prefix}-{port}", ward=ward_for(i, o), province=o.province)
        metrics = KioskMetrics(labels, services, on_time_target_s=o.on_time_target_s)
        queue = None
        if o.data_dir is not None:
            queue = _open_queue(o.data_dir / labels.kiosk, self._clock)
        desk: HelpDesk | None = None
        if i == 0 and o.help_after_s is not None:
            desk = (AlertmanagerHelpDesk(o.alertmanager_url, labels, "1", repeat_s=30.0, metrics=metrics)
                    if o.alertmanager_url else SimulatedHelpDesk("1", ack_after_s=20.0, metrics=metrics))
        kiosk = SimulatedKiosk(labels, port, metrics, _Ledger(self._clock, queue),
                               random.Random(o.seed * 100_003 + i), services, help_desk=desk)
        metrics.set_sources(kiosk.sources())
        self.kiosks.append(kiosk)
        server = _Server(port, kiosk)
        self._servers.append(server)
        self._selector.register(server.socket, selectors.EVENT_READ, server)

    def start(self) -> None:
        self._started = self._mono()
        self._thread = threading.Thread(target=self._run, name="fleet-simulation", daemon=True)
        self._thread.start()

    def run(self) -> None:
        """Run in the calling thread until `duration_s` has passed or `stop()` is called."""
        self._started = self._mono()
        self._run()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def close(self) -> None:
        self.stop()
        for server in self._servers:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(server.socket)
            server.server_close()
        self._servers.clear()
        for kiosk in self.kiosks:
            if kiosk.help_desk is not None and kiosk.help_request is not None:
                with contextlib.suppress(Exception):
                    kiosk.help_desk.close(kiosk.help_request)
            kiosk.ledger.close()
        self._selector.close()

    def _events(self) -> Iterator[tuple[float, int, str]]:
        o = self.options
        rng = random.Random(o.seed)
        for i, _ in enumerate(self.kiosks):
            yield (o.journeys_after_s + rng.uniform(0.0, o.journey_every_s), i, "journey")
        if o.out_of_paper_after_s is not None and self.kiosks:
            yield (o.out_of_paper_after_s, 0, "out_of_paper")
        if o.help_after_s is not None and self.kiosks:
            yield (o.help_after_s, 0, "help")
        if o.portal_down_after_s is not None:
            for i, _ in enumerate(self.kiosks):
                yield (o.portal_down_after_s, i, "portal_down")

    def _run(self) -> None:
        o = self.options
        agenda = list(self._events())
        heapq.heapify(agenda)
        rng = random.Random(o.seed + 1)
        while not self._stop.is_set():
            elapsed = self._mono() - self._started
            if o.duration_s and elapsed >= o.duration_s:
                break
            while agenda and agenda[0][0] <= elapsed:
                _at, i, what = heapq.heappop(agenda)
                again = self._happen(self.kiosks[i], what)
                if again is not None:
                    delay = rng.expovariate(1.0 / o.journey_every_s) if what == "journey" else again
                    heapq.heappush(agenda, (elapsed + delay, i, "help_check" if what == "help" else what))
            wait = 0.5 if not agenda else max(0.0, min(0.5, agenda[0][0] - elapsed))
            for key, _mask in self._selector.select(timeout=wait):
                server: _Server = key.data
                with contextlib.suppress(OSError):
                    server.handle_request()

    def _happen(self, kiosk: SimulatedKiosk, what: str) -> float | None:
        """Apply one scripted event; the delay to its next occurrence when it recurs, else None."""
        if what == "journey":
            kiosk.ledger.settle()
            if self.options.max_journeys is not None and kiosk.journeys >= self.options.max_journeys:
                return None
            kiosk.journey()
            return 0.0
        if what == "out_of_paper":
            kiosk.printer_state = "out_of_paper"
            kiosk.log.append("printer out of paper")
        elif what == "portal_down":
            kiosk.portal_up = False
        elif what == "help" and kiosk.help_desk is not None:
            result = kiosk.help_desk.request("citizen")
            kiosk.help_request = result.request_id
            kiosk.log.append(f"help {result.kind}")
            return HELP_CHECK_S
        elif what == "help_check" and kiosk.help_desk is not None and kiosk.help_request is not None:
            result = kiosk.help_desk.check(kiosk.help_request)
            if result.kind != "acknowledged":
                return HELP_CHECK_S
            kiosk.log.append("help acknowledged")
        return None


def _open_queue(folder: Path, clock: Callable[[], float]) -> Any:
    """A real queue laid out as a kiosk with `[kiosk] data_dir = folder` keeps it (so `kiosk stats` reads it)."""
    from kiosk.config import load_config
    from offline_cache import FileKeyProvider, SqliteSubmissionQueue
    from offline_cache.private_files import private_dir

    config = load_config(overrides={"kiosk": {"data_dir": str(folder)}})
    private_dir(folder)
    q = config.queue
    return SqliteSubmissionQueue(q.db_path, FileKeyProvider(q.key_file), clock=clock)


def _catalogue_codes() -> tuple[str, ...]:
    from kiosk.catalogue.loader import load_catalogue

    return tuple(code for code in load_catalogue().codes() if code != "file_status")


def free_port_block(count: int, start: int = 20000, end: int = 60000) -> int:
    """The first port P from `start` such that P … P+count-1 are all free on 127.0.0.1 (for tests and the bench)."""
    port = start
    while port + count < end:
        taken = None
        for p in range(port, port + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    taken = p
                    break
        if taken is None:
            return port
        port = taken + 1
    raise OSError("no free block of loopback ports")

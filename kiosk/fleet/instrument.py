"""Wire one running kiosk to its metrics: count card reads, print jobs and portal sends where they happen, and tell
the scrape-time collector where the queue and device figures come from.

The card reader, the printer and the sync worker's sender are wrapped (same interface, every other attribute
passed through), so neither `devices/` nor `offline_cache/` knows that Prometheus exists. Submissions are counted
through `SubmissionService.observers`. Nothing here runs unless `fleet.metrics_address` is set.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiosk.fleet.metrics import FileRow, KioskLabels, KioskMetrics, QueueSnapshot, StateSources, file_rows_from_queue

if TYPE_CHECKING:
    from devices.card.access_keys import AccessKey
    from devices.card.identity import Identity
    from devices.card.interface import CardEvent, CardReader, ReaderStatus, Unsubscribe
    from devices.card.reader import Progress
    from devices.printer.printer import Printer, PrinterStatus, PrintJob, PrintResult
    from kiosk.config import KioskConfig
    from kiosk.submissions import SubmissionService, SubmitOutcome
    from offline_cache import OutgoingSubmission, SendResult

log = logging.getLogger(__name__)

# Card errors by class name (the names are the reader's public error types), most specific first.
_CARD_REASONS = (
    ("StaffCheckNeededError", "staff_check"), ("AuthenticityError", "not_authentic"),
    ("NoReaderError", "no_reader"), ("NoCardError", "no_card"), ("CardRemovedError", "removed"),
    ("AccessDeniedError", "access_denied"), ("CardProtocolError", "protocol"),
)


def card_error_reason(exc: BaseException) -> str:
    names = {cls.__name__ for cls in type(exc).__mro__}
    return next((reason for name, reason in _CARD_REASONS if name in names), "other")


class MeteredCardReader:
    """A card reader that counts each `read_identity` by outcome and reason."""

    def __init__(self, inner: CardReader, metrics: KioskMetrics) -> None:
        self.inner = inner
        self._metrics = metrics

    def readers(self) -> list[ReaderStatus]:
        return self.inner.readers()

    def card_present(self) -> bool:
        return self.inner.card_present()

    def wait_for_card(self, timeout: float) -> bool:
        return self.inner.wait_for_card(timeout)

    def read_identity(self, keys: Sequence[AccessKey], progress: Progress | None = None) -> Identity:
        try:
            identity = self.inner.read_identity(keys, progress)
        except Exception as exc:
            self._metrics.card_read(False, card_error_reason(exc))
            raise
        self._metrics.card_read(True)
        return identity

    def subscribe(self, callback: Callable[[CardEvent], None]) -> Unsubscribe:
        return self.inner.subscribe(callback)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:  # simulator extras (insert, remove, …) pass through
        return getattr(self.inner, name)


class MeteredPrinter:
    """A printer that counts jobs by outcome and remembers the state it last saw.

    `state()` asks the printer only when no job is printing (a status query in the middle of a USB or IPP job
    could disturb it); otherwise it answers the last state seen."""

    def __init__(self, inner: Printer, metrics: KioskMetrics) -> None:
        self.inner = inner
        self._metrics = metrics
        self._busy = threading.Lock()
        self._last = "ready"

    @property
    def name(self) -> str:
        return self.inner.name

    def status(self) -> PrinterStatus:
        status = self.inner.status()
        self._last = status.value
        return status

    def print(self, job: PrintJob) -> PrintResult:
        from devices.printer.printer import PrinterError, PrinterNotReadyError, PrinterStatus

        with self._busy:
            try:
                result = self.inner.print(job)
            except PrinterNotReadyError as exc:
                self._last = exc.status.value
                self._metrics.print_job("out_of_paper" if exc.status is PrinterStatus.OUT_OF_PAPER else "not_ready")
                raise
            except PrinterError as exc:
                self._last = exc.status.value
                self._metrics.print_job("failed")
                raise
            self._last = "ready"
            self._metrics.print_job("printed")
            return result

    def state(self) -> str:
        if not self._busy.acquire(blocking=False):
            return self._last
        try:
            return self.status().value
        finally:
            self._busy.release()

    def __getattr__(self, name: str) -> Any:  # simulate(), output_dir, … of the PDF printer
        return getattr(self.inner, name)


class MeteredSender:
    """The sync worker's sender, counting each background send as accepted, deferred or refused."""

    def __init__(self, inner: Any, metrics: KioskMetrics) -> None:
        self.inner = inner
        self._metrics = metrics

    def send(self, item: OutgoingSubmission) -> SendResult:
        result: SendResult = self.inner.send(item)
        kind = type(result).__name__
        self._metrics.portal_send({"Delivered": "accepted", "Deferred": "deferred"}.get(kind, "refused"))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def queue_sources(submissions: SubmissionService, clock: Callable[[], float] = time.time
                  ) -> tuple[Callable[[], list[FileRow]], Callable[[], QueueSnapshot]]:
    """Scrape-time readers of the queue: every file's clear columns, and the sync worker's state."""
    queue = submissions.queue

    def files() -> list[FileRow]:
        return list(file_rows_from_queue(queue.stats_rows()))

    def snapshot() -> QueueSnapshot:
        progress = submissions.progress()
        waiting = [created for _s, state, _p, created, _a in queue.stats_rows() if state in ("queued", "sending")]
        return QueueSnapshot(waiting=progress.waiting + progress.sending,
                             oldest_waiting_at=min(waiting) if waiting else None,
                             portal_reachable=progress.portal_reachable,
                             operational_fault=bool(progress.operational_fault),
                             last_success_at=progress.last_success_at)

    return files, snapshot


def instrument(kiosk: Any, help_waiting_s: Callable[[], float] | None = None) -> KioskMetrics:
    """Metrics for a built `Kiosk`: wraps its card reader and printer in place, counts its submissions and sends,
    and points the collector at its queue and devices. Returns the metrics (not yet served: see `serve`)."""
    config: KioskConfig = kiosk.config
    metrics = KioskMetrics(KioskLabels.from_config(config), services=kiosk.catalogue.codes(),
                           on_time_target_s=config.fleet.on_time_target_s)
    reader = MeteredCardReader(kiosk.card_reader, metrics)
    printer = MeteredPrinter(kiosk.printer, metrics)
    kiosk.card_reader = reader
    kiosk.printer = printer
    submissions: SubmissionService = kiosk.submissions

    def counted(service_code: str, outcome: SubmitOutcome) -> None:
        metrics.submission(service_code, outcome.kind)

    submissions.observers.append(counted)
    if submissions.worker is not None:
        submissions.worker.sender = MeteredSender(submissions.worker.sender, metrics)
    files, snapshot = queue_sources(submissions, kiosk.wall_clock)
    camera = kiosk.camera
    speaker = kiosk.speaker
    binary = getattr(speaker, "_binary", None)

    def camera_up() -> bool:
        return str(camera.health().state) != "failed"

    def speech_up() -> bool:
        return binary is None or shutil.which(str(binary)) is not None

    metrics.set_sources(StateSources(
        files=files, queue=snapshot, printer_state=printer.state, help_waiting_s=help_waiting_s,
        devices={"reader": lambda: bool(reader.readers()), "camera": camera_up,
                 "printer": lambda: printer.state() == "ready", "speech": speech_up},
        clock=kiosk.wall_clock))
    return metrics


def serve(metrics: KioskMetrics, address: str) -> Callable[[], None]:
    """Serve /metrics on `address` (HOST:PORT) from a background thread; returns the function that stops it."""
    from prometheus_client import start_http_server

    host, _, port = address.rpartition(":") if ":" in address else ("0.0.0.0", "", address)  # noqa: S104
    server, thread = start_http_server(int(port), addr=host or "0.0.0.0", registry=metrics.registry)  # noqa: S104

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    log.info("metrics served on %s", address)
    return stop

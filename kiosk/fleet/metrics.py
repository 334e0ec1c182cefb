"""One kiosk's Prometheus metrics: device health, queue, sends, journeys, help, withdrawals and payments.

Exposed in the Prometheus text format (version 0.0.4) by `prometheus-client` on `fleet.metrics_address`. Every
series carries `kiosk`, `ward` and `province` from `[kiosk]` in the configuration and otherwise only labels whose
values come from a fixed vocabulary below (or the catalogue's service codes): a value outside it is counted as
"other", so the number of series per kiosk has a known ceiling (`series_ceiling`) whatever happens. No label and
no value ever holds personal data: no names, ID numbers, file codes or face scores — only counts and durations.

Counters are created at zero for every label set when the kiosk starts, so Prometheus's `increase()` sees the
first event of a fresh process. File counts (`kiosk_files`) are read from the submission queue at each scrape:
the queue keeps its clear columns for good, so those figures survive restarts and match `kiosk stats` exactly.

For other parts of the kiosk (the registry API):

    metrics = KioskMetrics(KioskLabels.from_config(config), services=catalogue.codes())
    version = metrics.add_gauge("kiosk_catalogue_version", "Catalogue version in service.")
    version.set(42)
    kind = metrics.add_gauge("kiosk_update_state", "…", labels={"kind": ("catalogue", "config")})
    kind.set(1, kind="config")
    metrics.add_collector(my_collector)      # anything with collect() yielding metric families

The journey core reports what only it knows (see `journey_completed`, `face_check`, `help_requested`,
`withdrawal`, `payment`); the card reader, printer and sync worker are counted by the wrappers in
`kiosk.fleet.instrument`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

# `_created` samples would double the series count and no rule reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

KIOSK_LABELS = ("kiosk", "ward", "province")
OTHER = "other"

# ---- vocabularies (every label value a series may carry, besides the kiosk's own three) -----------------------
JOURNEY_OUTCOMES = ("sent", "queued", "rejected", "ticket", "abandoned", "handed_to_staff")
SUBMIT_OUTCOMES = ("sent", "queued", "rejected")
SEND_OUTCOMES = ("accepted", "deferred", "refused")
CARD_READ_OUTCOMES = ("ok", "failed")
CARD_READ_REASONS = ("none", "no_reader", "no_card", "removed", "access_denied", "not_authentic",
                     "staff_check", "protocol", OTHER)
FACE_OUTCOMES = ("match", "no_match", "liveness_failed", "no_face", "staff_vouched", "gave_up")
HELP_REASONS = ("citizen", "card", "face", "printer", "portal", "payment", OTHER)
HELP_OUTCOMES = ("slip_printed", "staff_told", "acknowledged", "failed")
WITHDRAW_OUTCOMES = ("withdrawn_locally", "withdrawn", "requested", "pending", "too_late", "busy",
                     "nothing_to_withdraw", "not_found", "unavailable")
PAYMENT_OUTCOMES = ("paid", "failed", "cancelled", "not_required")
PRINT_OUTCOMES = ("printed", "out_of_paper", "not_ready", "failed")
DEVICES = ("reader", "camera", "printer", "speech")
PRINTER_STATES = ("ready", "out_of_paper", "offline", "error")
FILE_STATES = ("queued", "sending", "accepted", "rejected", "withdrawn", "withdrawing", "damaged")
# Seconds: a quick certificate copy takes about two minutes, a combined birth registration ten or more.
JOURNEY_BUCKETS = (60.0, 120.0, 180.0, 300.0, 450.0, 600.0, 900.0, 1200.0, 1800.0)


@dataclass(frozen=True)
class KioskLabels:
    """The three labels every series of one kiosk carries."""

    kiosk: str
    ward: str
    province: str

    @classmethod
    def from_config(cls, config: KioskConfig) -> KioskLabels:
        k = config.kiosk
        return cls(kiosk=k.kiosk_id, ward=k.ward_code, province=k.province_code)

    def values(self) -> tuple[str, str, str]:
        return (self.kiosk, self.ward, self.province)

    def as_dict(self) -> dict[str, str]:
        return dict(zip(KIOSK_LABELS, self.values(), strict=True))


def bounded(value: str, allowed: Sequence[str]) -> str:
    """`value` when the vocabulary has it, else "other": the guard that keeps cardinality bounded."""
    return value if value in allowed else OTHER


class BoundGauge:
    """A gauge another part of the kiosk added through `KioskMetrics.add_gauge`, already carrying the kiosk's labels.

    `set(value, **labels)` takes the gauge's own labels by name; values outside their vocabulary become "other".
    """

    def __init__(self, gauge: Gauge, kiosk: tuple[str, str, str], vocabulary: Mapping[str, Sequence[str]]) -> None:
        self._gauge = gauge
        self._kiosk = kiosk
        self._vocabulary = dict(vocabulary)

    def set(self, value: float, **labels: str) -> None:
        if set(labels) != set(self._vocabulary):
            raise ValueError(f"labels must be exactly {sorted(self._vocabulary)}, not {sorted(labels)}")
        own = [bounded(labels[name], allowed) for name, allowed in self._vocabulary.items()]
        self._gauge.labels(*self._kiosk, *own).set(value)


@dataclass(frozen=True)
class FileRow:
    """The clear columns of one queued file (`SqliteSubmissionQueue.stats_rows`): no payload, no person."""

    service: str
    state: str
    created_at: float
    accepted_at: float | None


@dataclass
class QueueSnapshot:
    """What the sync worker and queue look like now; every field optional so a source may give only part."""

    waiting: int = 0
    oldest_waiting_at: float | None = None
    portal_reachable: bool = True
    operational_fault: bool = False
    last_success_at: float | None = None


@dataclass
class StateSources:
    """Where the scrape-time gauges come from. A source that raises is skipped for that scrape and counted in
    `kiosk_metrics_source_errors_total{source}`; the other figures still go out."""

    files: Callable[[], Iterable[FileRow]] | None = None
    queue: Callable[[], QueueSnapshot] | None = None
    devices: Mapping[str, Callable[[], bool]] = field(default_factory=dict)
    printer_state: Callable[[], str] | None = None
    help_waiting_s: Callable[[], float] | None = None
    clock: Callable[[], float] | None = None


class KioskMetrics:
    """The kiosk's registry and the typed functions that count events into it (thread-safe)."""

    def __init__(self, labels: KioskLabels, services: Iterable[str] = (), *, on_time_target_s: float = 3600.0,
                 registry: CollectorRegistry | None = None) -> None:
        self.labels = labels
        self.services: tuple[str, ...] = (*sorted(set(services) - {OTHER}), OTHER)
        self.on_time_target_s = on_time_target_s
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self._kiosk = labels.values()
        self._extra: list[BoundGauge] = []
        r = self.registry
        # Registered first: a source that fails during a scrape is counted before the counters are read.
        self._state = _StateCollector(self)
        r.register(self._state)

        def counter(name: str, doc: str, *own: str) -> Counter:
            return Counter(name, doc, [*KIOSK_LABELS, *own], registry=r)

        self._journeys = counter("kiosk_journeys_completed", "Citizen journeys that ended, by service and outcome.",
                                 "service", "outcome")
        self._journey_seconds = Histogram("kiosk_journey_duration_seconds",
                                          "Time from the first tap to the end of a journey, by service.",
                                          [*KIOSK_LABELS, "service"], buckets=JOURNEY_BUCKETS, registry=r)
        self._submissions = counter("kiosk_submissions", "Files submitted, by service and first-try outcome.",
                                    "service", "outcome")
        self._sends = counter("kiosk_portal_sends", "Background sends to the portal, by outcome.", "outcome")
        self._card_reads = counter("kiosk_card_reads", "Chip reads, by outcome and reason.", "outcome", "reason")
        self._faces = counter("kiosk_face_checks", "Face checks, by outcome (counts only, no biometric data).",
                              "outcome")
        self._help = counter("kiosk_help_requests", "Help requests, by reason.", "reason")
        self._help_results = counter("kiosk_help_results", "What the help desk could confirm, by outcome.",
                                     "outcome")
        self._withdrawals = counter("kiosk_withdrawals", "Withdrawal requests, by outcome.", "outcome")
        self._payments = counter("kiosk_payments", "Fee payments, by outcome.", "outcome")
        self._prints = counter("kiosk_print_jobs", "Print jobs, by outcome.", "outcome")
        self._source_errors = counter("kiosk_metrics_source_errors", "Scrape-time sources that failed.", "source")
        self._preset()

    # ---- the registry API ------------------------------------------------------------------------------------
    def add_gauge(self, name: str, documentation: str, labels: Mapping[str, Sequence[str]] | None = None
                  ) -> BoundGauge:
        """A gauge in this registry with the kiosk's labels plus `labels` (name → allowed values)."""
        vocabulary = dict(labels or {})
        gauge = Gauge(name, documentation, [*KIOSK_LABELS, *vocabulary], registry=self.registry)
        bound = BoundGauge(gauge, self._kiosk, {k: (*v, OTHER) for k, v in vocabulary.items()})
        self._extra.append(bound)
        return bound

    def add_collector(self, collector: Collector) -> None:
        """Register a custom collector; its families must carry the kiosk's labels (`self.labels.as_dict()`)."""
        self.registry.register(collector)

    def set_sources(self, sources: StateSources) -> None:
        """Where queue, device and help figures are read from at each scrape."""
        self._state.sources = sources

    def exposition(self) -> bytes:
        """The text a scrape of /metrics returns."""
        return generate_latest(self.registry)

    # ---- events the journey core reports ---------------------------------------------------------------------
    def journey_completed(self, service: str, outcome: str, duration_s: float) -> None:
        """A journey ended: `outcome` one of JOURNEY_OUTCOMES; `duration_s` from its first tap to its end."""
        s = self._service(service)
        self._journeys.labels(*self._kiosk, s, bounded(outcome, JOURNEY_OUTCOMES)).inc()
        if math.isfinite(duration_s) and duration_s >= 0:
            self._journey_seconds.labels(*self._kiosk, s).observe(duration_s)

    def submission(self, service: str, outcome: str) -> None:
        self._submissions.labels(*self._kiosk, self._service(service), bounded(outcome, SUBMIT_OUTCOMES)).inc()

    def portal_send(self, outcome: str) -> None:
        self._sends.labels(*self._kiosk, bounded(outcome, SEND_OUTCOMES)).inc()

    def card_read(self, ok: bool, reason: str = "none") -> None:
        self._card_reads.labels(*self._kiosk, "ok" if ok else "failed",
                                "none" if ok else bounded(reason, CARD_READ_REASONS[1:])).inc()

    def face_check(self, outcome: str) -> None:
        self._faces.labels(*self._kiosk, bounded(outcome, FACE_OUTCOMES)).inc()

    def help_requested(self, reason: str) -> None:
        self._help.labels(*self._kiosk, bounded(reason, HELP_REASONS)).inc()

    def help_result(self, outcome: str) -> None:
        self._help_results.labels(*self._kiosk, bounded(outcome, HELP_OUTCOMES)).inc()

    def withdrawal(self, outcome: str) -> None:
        self._withdrawals.labels(*self._kiosk, bounded(outcome, WITHDRAW_OUTCOMES)).inc()

    def payment(self, outcome: str) -> None:
        self._payments.labels(*self._kiosk, bounded(outcome, PAYMENT_OUTCOMES)).inc()

    def print_job(self, outcome: str) -> None:
        self._prints.labels(*self._kiosk, bounded(outcome, PRINT_OUTCOMES)).inc()

    def source_failed(self, source: str) -> None:
        self._source_errors.labels(*self._kiosk, bounded(source, (*_SOURCES, OTHER))).inc()

    # ---- internals -------------------------------------------------------------------------------------------
    def _service(self, code: str) -> str:
        return code if code in self.services else OTHER

    def _preset(self) -> None:
        """Every counter series at zero from the start (see the module docstring)."""
        k = self._kiosk
        for s in self.services:
            self._journey_seconds.labels(*k, s)
            for o in JOURNEY_OUTCOMES:
                self._journeys.labels(*k, s, o)
            for o in SUBMIT_OUTCOMES:
                self._submissions.labels(*k, s, o)
        for o in SEND_OUTCOMES:
            self._sends.labels(*k, o)
        self._card_reads.labels(*k, "ok", "none")
        for reason in CARD_READ_REASONS[1:]:
            self._card_reads.labels(*k, "failed", reason)
        for counter, values in ((self._faces, FACE_OUTCOMES), (self._help, HELP_REASONS),
                                (self._help_results, HELP_OUTCOMES), (self._withdrawals, WITHDRAW_OUTCOMES),
                                (self._payments, PAYMENT_OUTCOMES), (self._prints, PRINT_OUTCOMES)):
            for v in values:
                counter.labels(*k, v)


_SOURCES = ("files", "queue", "printer", "help", *DEVICES)


class _StateCollector(Collector):
    """Gauges read at scrape time from the queue and the devices (no thread of its own, no stale cache)."""

    def __init__(self, metrics: KioskMetrics) -> None:
        self._metrics = metrics
        self.sources = StateSources()
        self._lock = threading.Lock()  # two scrapers at once would otherwise read the queue twice as often

    def describe(self) -> Iterator[Metric]:
        return iter(())  # families depend on the sources; nothing to check for name clashes at registration

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            yield from self._collect()

    def _collect(self) -> Iterator[Metric]:
        m = self._metrics
        src = self.sources
        k = list(m.labels.values())
        names = list(KIOSK_LABELS)
        up = GaugeMetricFamily("kiosk_up", "1 while the kiosk software runs (kiosk identity in labels).",
                               labels=names)
        up.add_metric(k, 1)
        yield up
        if src.files is not None:
            rows = self._read("files", src.files)
            if rows is not None:
                yield from _file_families(m, k, list(rows))
        if src.queue is not None:
            snap = self._read("queue", src.queue)
            if snap is not None:
                yield from _queue_families(k, snap, (src.clock or _now)())
        devices = GaugeMetricFamily("kiosk_device_up", "1 when the device answers, 0 when not.",
                                    labels=[*names, "device"])
        for device in DEVICES:
            probe = src.devices.get(device)
            if probe is None:
                continue
            ok = self._read(device, probe)
            if ok is not None:
                devices.add_metric([*k, device], 1 if ok else 0)
        yield devices
        if src.printer_state is not None:
            state = self._read("printer", src.printer_state)
            if state is not None:
                family = GaugeMetricFamily("kiosk_printer_state", "1 for the printer's current state.",
                                           labels=[*names, "state"])
                current = bounded(state, PRINTER_STATES)
                for value in (*PRINTER_STATES, OTHER):
                    family.add_metric([*k, value], 1 if value == current else 0)
                yield family
        if src.help_waiting_s is not None:
            waited = self._read("help", src.help_waiting_s)
            if waited is not None:
                family = GaugeMetricFamily("kiosk_help_unacknowledged_seconds",
                                           "How long the oldest open help request has waited for staff (0: none).",
                                           labels=names)
                family.add_metric(k, waited)
                yield family

    def _read(self, name: str, source: Callable[[], Any]) -> Any:
        try:
            return source()
        except Exception:  # a device or database hiccup must not take the whole scrape down
            self._metrics.source_failed(name)
            return None


def _now() -> float:
    import time

    return time.time()


def _file_families(m: KioskMetrics, k: list[str], rows: list[FileRow]) -> Iterator[Metric]:
    names = [*KIOSK_LABELS]
    counts: dict[tuple[str, str], int] = {}
    accepted: dict[str, int] = {}
    on_time: dict[str, int] = {}
    for row in rows:
        service = m._service(row.service)
        key = (service, bounded(row.state, FILE_STATES))
        counts[key] = counts.get(key, 0) + 1
        if row.accepted_at is not None:
            accepted[service] = accepted.get(service, 0) + 1
            if row.accepted_at - row.created_at <= m.on_time_target_s:
                on_time[service] = on_time.get(service, 0) + 1
    files = GaugeMetricFamily("kiosk_files", "Files this kiosk ever saved, by service and state now.",
                              labels=[*names, "service", "state"])
    for (service, state), n in sorted(counts.items()):
        files.add_metric([*k, service, state], n)
    yield files
    acc = GaugeMetricFamily("kiosk_files_accepted", "Files the portal accepted, by service.",
                            labels=[*names, "service"])
    ok = GaugeMetricFamily("kiosk_files_accepted_on_time",
                           "Files the portal accepted within the on-time target of Submit, by service.",
                           labels=[*names, "service"])
    for service, n in sorted(accepted.items()):
        acc.add_metric([*k, service], n)
        ok.add_metric([*k, service], on_time.get(service, 0))
    yield acc
    yield ok


def _queue_families(k: list[str], snap: QueueSnapshot, now: float) -> Iterator[Metric]:
    names = list(KIOSK_LABELS)

    def gauge(name: str, doc: str, value: float) -> Metric:
        family = GaugeMetricFamily(name, doc, labels=names)
        family.add_metric(k, value)
        return family

    yield gauge("kiosk_queue_waiting_files", "Files saved and not yet accepted or settled.", snap.waiting)
    oldest = 0.0 if snap.oldest_waiting_at is None else max(0.0, now - snap.oldest_waiting_at)
    yield gauge("kiosk_queue_oldest_waiting_seconds", "Age of the oldest file waiting to be sent (0: none).", oldest)
    yield gauge("kiosk_portal_breaker_open", "1 while the circuit breaker holds sends back.",
                0 if snap.portal_reachable else 1)
    yield gauge("kiosk_portal_config_fault", "1 while the portal address or credentials are wrong.",
                1 if snap.operational_fault else 0)
    if snap.last_success_at is not None:
        yield gauge("kiosk_portal_last_success_timestamp_seconds", "When a send last succeeded.",
                    snap.last_success_at)


def series_ceiling(services: int) -> int:
    """The most series one kiosk can expose with `services` catalogue codes, besides gauges added through
    `add_gauge`: every vocabulary plus "other". The cardinality test checks the exposition against it; for
    Prometheus sizing, ten services give 439."""
    s = services + 1

    def v(vocabulary: Sequence[str]) -> int:
        return len(set(vocabulary) | {OTHER})

    counters = (s * v(JOURNEY_OUTCOMES) + s * v(SUBMIT_OUTCOMES) + v(SEND_OUTCOMES)
                + 1 + len(set(CARD_READ_REASONS) - {"none"}) + v(FACE_OUTCOMES) + v(HELP_REASONS)
                + v(HELP_OUTCOMES) + v(WITHDRAW_OUTCOMES) + v(PAYMENT_OUTCOMES) + v(PRINT_OUTCOMES) + v(_SOURCES))
    histogram = s * (len(JOURNEY_BUCKETS) + 3)  # buckets, +Inf, _sum, _count
    queue = 5
    gauges = 1 + s * v(FILE_STATES) + 2 * s + queue + len(DEVICES) + v(PRINTER_STATES) + 1
    return counters + histogram + gauges


def file_rows_from_queue(rows: Iterable[tuple[Any, ...]]) -> Iterator[FileRow]:
    """`SqliteSubmissionQueue.stats_rows()` tuples as `FileRow`s."""
    for service, state, _status, created, accepted in rows:
        yield FileRow(str(service), str(state), float(created), None if accepted is None else float(accepted))

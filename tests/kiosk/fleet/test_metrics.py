"""The kiosk's metrics registry: label sets are bounded and known, counters start at zero, file counts agree with
`kiosk stats`, failing sources do not take a scrape down, and other parts can add gauges."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kiosk.fleet import metrics as m
from kiosk.fleet.metrics import FileRow, KioskLabels, KioskMetrics, QueueSnapshot, StateSources, series_ceiling
from kiosk.staff.statistics import compute_statistics
from offline_cache import ReceiptFacts, SqliteSubmissionQueue, StaticKeyProvider

SERVICES = ("id_confirmation", "judicial_record", "traffic_fine")
LABELS = KioskLabels("KIOSK-7", "26734", "01")
# What a careless caller might pass as a label value: none of it may reach the exposition.
JUNK = ("001099012345", "Nguyễn Văn A", "12 Hàng Bài, Hà Nội", "HN-260302-0001", "", "x" * 300, "{}\"\n")


def samples(metrics: KioskMetrics) -> list[tuple[str, dict[str, str], float]]:
    text = metrics.exposition().decode()
    return [(s.name, s.labels, s.value) for family in text_string_to_metric_families(text) for s in family.samples]


def exercised() -> KioskMetrics:
    """Every event with every allowed value and with junk, and every scrape-time source, many times over."""
    metrics = KioskMetrics(LABELS, SERVICES, on_time_target_s=60.0)
    rng = random.Random(5)
    services = (*SERVICES, *JUNK, "other")
    for _ in range(3):
        for service, outcome in itertools.product(services, (*m.JOURNEY_OUTCOMES, *JUNK)):
            metrics.journey_completed(service, outcome, rng.uniform(0, 4000))
        for service, outcome in itertools.product(services, (*m.SUBMIT_OUTCOMES, *JUNK)):
            metrics.submission(service, outcome)
        for value in (*m.SEND_OUTCOMES, *JUNK):
            metrics.portal_send(value)
        for ok, reason in itertools.product((True, False), (*m.CARD_READ_REASONS, *JUNK)):
            metrics.card_read(ok, reason)
        for fn, vocab in ((metrics.face_check, m.FACE_OUTCOMES), (metrics.help_requested, m.HELP_REASONS),
                          (metrics.help_result, m.HELP_OUTCOMES), (metrics.withdrawal, m.WITHDRAW_OUTCOMES),
                          (metrics.payment, m.PAYMENT_OUTCOMES), (metrics.print_job, m.PRINT_OUTCOMES),
                          (metrics.source_failed, m._SOURCES)):
            for value in (*vocab, *JUNK):
                fn(value)
    rows = [FileRow(rng.choice(services), rng.choice((*m.FILE_STATES, *JUNK)), 1000.0 + i,
                    rng.choice((None, 1010.0 + i, 5000.0 + i))) for i in range(500)]
    metrics.set_sources(StateSources(
        files=lambda: rows, queue=lambda: QueueSnapshot(3, 900.0, False, True, 950.0),
        devices={d: (lambda: True) for d in m.DEVICES}, printer_state=lambda: "on fire",
        help_waiting_s=lambda: 12.0, clock=lambda: 1000.0))
    return metrics


def test_every_label_set_comes_from_the_known_vocabularies_and_stays_under_the_ceiling() -> None:
    metrics = exercised()
    got = samples(metrics)
    allowed = {
        "service": {*SERVICES, "other"}, "outcome": {*m.JOURNEY_OUTCOMES, *m.SUBMIT_OUTCOMES, *m.SEND_OUTCOMES,
                                                   *m.CARD_READ_OUTCOMES, *m.FACE_OUTCOMES, *m.HELP_OUTCOMES,
                                                   *m.WITHDRAW_OUTCOMES, *m.PAYMENT_OUTCOMES, *m.PRINT_OUTCOMES,
                                                   "other"},
        "reason": {*m.CARD_READ_REASONS, *m.HELP_REASONS}, "state": {*m.FILE_STATES, *m.PRINTER_STATES, "other"},
        "device": set(m.DEVICES), "source": {*m._SOURCES, "other"},
        "le": {*(f"{b}" for b in m.JOURNEY_BUCKETS), "+Inf"},
        "kiosk": {"KIOSK-7"}, "ward": {"26734"}, "province": {"01"},
    }
    label_sets = {(name, tuple(sorted(labels.items()))) for name, labels, _v in got}
    assert len(label_sets) == len(got)  # no series twice
    for name, labels, _value in got:
        assert set(labels) >= {"kiosk", "ward", "province"}, name
        for key, value in labels.items():
            assert value in allowed[key], (name, key, value)
    assert len(got) <= series_ceiling(len(SERVICES))
    text = metrics.exposition().decode()
    assert not any(junk in text for junk in JUNK if len(junk) > 3)


def test_the_ceiling_is_reached_only_by_the_label_sets_the_vocabularies_allow() -> None:
    # A second, differently exercised kiosk exposes exactly the same set of series names and label keys.
    a = {(n, tuple(sorted(labels))) for n, labels, _v in samples(exercised())}
    quiet = KioskMetrics(LABELS, SERVICES)
    b = {(n, tuple(sorted(labels))) for n, labels, _v in samples(quiet)}
    assert b <= a


def test_counters_exist_at_zero_before_the_first_event() -> None:
    metrics = KioskMetrics(LABELS, SERVICES)
    got = {(n, tuple(sorted(labels.items()))): v for n, labels, v in samples(metrics)}
    for service, outcome in itertools.product((*SERVICES, "other"), m.JOURNEY_OUTCOMES):
        key = ("kiosk_journeys_completed_total", tuple(sorted({**LABELS.as_dict(), "service": service,
                                                               "outcome": outcome}.items())))
        assert got[key] == 0.0
    metrics.journey_completed("judicial_record", "sent", 200.0)
    after = {(n, tuple(sorted(labels.items()))): v for n, labels, v in samples(metrics)}
    key = ("kiosk_journeys_completed_total", tuple(sorted({**LABELS.as_dict(), "service": "judicial_record",
                                                           "outcome": "sent"}.items())))
    assert after[key] == 1.0
    les = {labels["le"]: v for n, labels, v in samples(metrics)
           if n == "kiosk_journey_duration_seconds_bucket" and labels.get("service") == "judicial_record"}
    assert les["180.0"] == 0.0 and les["300.0"] == 1.0


def test_file_counts_match_kiosk_stats_on_a_real_queue(tmp_path: Path) -> None:
    now = [1_780_000_000.0]
    queue = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(bytes(32)), clock=lambda: now[0])

    def save(service: str) -> str:
        return queue.enqueue(service, {"x": 1}, ReceiptFacts(service, "********1234", "1234", now[0]),
                             claim=True).submission_id

    a = save("judicial_record")
    now[0] += 30
    queue.mark_accepted(a, "F-1", None)  # 30 s after Submit: on time against a 60 s target
    b = save("judicial_record")
    now[0] += 600
    queue.mark_accepted(b, "F-2", None)  # 600 s: late
    c = save("traffic_fine")
    queue.mark_rejected(c, "validation")
    queue.enqueue("id_confirmation", {"x": 2}, ReceiptFacts("id_confirmation", "********1234", "1234", now[0]))
    metrics = KioskMetrics(LABELS, SERVICES, on_time_target_s=60.0)
    metrics.set_sources(StateSources(files=lambda: list(m.file_rows_from_queue(queue.stats_rows()))))
    own = compute_statistics(queue)
    files = [(labels["service"], labels["state"], v) for n, labels, v in samples(metrics) if n == "kiosk_files"]
    by_service: dict[str, float] = {}
    by_state: dict[str, float] = {}
    for service, state, v in files:
        by_service[service] = by_service.get(service, 0) + v
        by_state[state] = by_state.get(state, 0) + v
    assert by_service == own.by_service and by_state == own.by_state
    accepted = {labels["service"]: v for n, labels, v in samples(metrics) if n == "kiosk_files_accepted"}
    on_time = {labels["service"]: v for n, labels, v in samples(metrics) if n == "kiosk_files_accepted_on_time"}
    assert accepted == {"judicial_record": 2.0} and on_time == {"judicial_record": 1.0}
    queue.close()


def test_a_failing_source_is_counted_and_the_rest_of_the_scrape_still_goes_out() -> None:
    metrics = KioskMetrics(LABELS, SERVICES)

    def broken() -> list[FileRow]:
        raise OSError("database is locked")

    metrics.set_sources(StateSources(files=broken, devices={"reader": lambda: False},
                                     queue=lambda: QueueSnapshot(waiting=2, oldest_waiting_at=100.0),
                                     clock=lambda: 160.0))
    got = {(n, labels.get("source") or labels.get("device")): v for n, labels, v in samples(metrics)}
    assert got[("kiosk_metrics_source_errors_total", "files")] == 1.0
    assert got[("kiosk_device_up", "reader")] == 0.0
    assert got[("kiosk_queue_oldest_waiting_seconds", None)] == 60.0
    assert got[("kiosk_up", None)] == 1.0


def test_other_parts_add_gauges_with_the_kiosk_labels_and_a_bounded_vocabulary() -> None:
    metrics = KioskMetrics(LABELS, SERVICES)
    version = metrics.add_gauge("kiosk_catalogue_version", "Catalogue version in service.")
    version.set(42)
    kind = metrics.add_gauge("kiosk_update_state", "Update state.", labels={"kind": ("catalogue", "config")})
    kind.set(1, kind="config")
    kind.set(1, kind="001099012345")
    with pytest.raises(ValueError, match="labels must be exactly"):
        kind.set(1, wrong="config")
    got = {(n, labels.get("kind")): (labels, v) for n, labels, v in samples(metrics)}
    labels, value = got[("kiosk_catalogue_version", None)]
    assert value == 42 and labels == LABELS.as_dict()
    assert {k for n, k in got if n == "kiosk_update_state"} == {"config", "other"}

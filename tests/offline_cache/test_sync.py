from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from offline_cache import (
    Deferred,
    Delivered,
    OutgoingSubmission,
    QueueStorageFullError,
    Refused,
    SendResult,
    SqliteSubmissionQueue,
    StaticKeyProvider,
    SubmissionState,
    SyncPolicy,
    SyncProgress,
    SyncWorker,
)
from offline_cache.sync import CircuitBreaker, RateLimiter, backoff_delay
from tests.offline_cache.conftest import KEY, FakeClock, payload, receipt


class ScriptedPortal:
    """A stand-in portal (not the unit under test) whose answers the test scripts."""

    def __init__(self) -> None:
        self.down = False
        self.refuse: set[str] = set()
        self.calls: list[str] = []
        self.codes: dict[str, str] = {}

    def send(self, item: OutgoingSubmission) -> SendResult:
        self.calls.append(item.submission_id)
        if self.down:
            return Deferred("http_503", retry_after_s=7.0)
        if item.submission_id in self.refuse:
            return Refused("validation")
        code = self.codes.setdefault(item.submission_id, f"F-{len(self.codes) + 1:04d}")
        return Delivered(code, "2026-12-01T17:00:00+07:00", None)


def make(queue: SqliteSubmissionQueue, clock: FakeClock, portal: ScriptedPortal, **policy: float) -> SyncWorker:
    defaults: dict[str, float] = {"backoff_base_s": 1.0, "backoff_max_s": 60.0, "breaker_failures": 3,
                                  "breaker_probe_s": 30.0, "max_rate_per_s": 0.0, "concurrency": 1}
    defaults.update(policy)
    return SyncWorker(queue, portal, SyncPolicy(**defaults), clock=clock, rng=random.Random(1))  # type: ignore[arg-type]


def test_due_submissions_are_sent_once_and_marked_with_their_file_code(queue: SqliteSubmissionQueue,
                                                                       clock: FakeClock) -> None:
    portal = ScriptedPortal()
    ids = [queue.enqueue("1.004194", payload(i), receipt()).submission_id for i in range(5)]
    worker = make(queue, clock, portal)
    assert worker.run_once() == 5
    assert worker.run_once() == 0
    assert sorted(portal.calls) == sorted(ids)
    assert {queue.get(i).file_code for i in ids} == set(portal.codes.values())


def test_refused_submission_is_not_retried(queue: SqliteSubmissionQueue, clock: FakeClock) -> None:
    portal = ScriptedPortal()
    sid = queue.enqueue("1.004194", payload(), receipt()).submission_id
    portal.refuse.add(sid)
    worker = make(queue, clock, portal)
    worker.run_once()
    clock.advance(3600)
    worker.run_once()
    assert portal.calls == [sid] and queue.get(sid).state is SubmissionState.REJECTED


def test_failed_send_backs_off_and_honours_retry_after(queue: SqliteSubmissionQueue, clock: FakeClock) -> None:
    portal = ScriptedPortal()
    portal.down = True
    sid = queue.enqueue("1.004194", payload(), receipt()).submission_id
    worker = make(queue, clock, portal, breaker_failures=100)
    worker.run_once()
    rec = queue.get(sid)
    assert rec.state is SubmissionState.QUEUED and rec.last_error == "http_503"
    assert rec.next_attempt_at - clock.now >= 7.0  # Retry-After is a floor
    clock.advance(6.9)
    assert worker.run_once() == 0


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    policy = SyncPolicy(backoff_base_s=1.0, backoff_max_s=60.0)
    rng = random.Random(3)
    for attempts in range(1, 12):
        ceiling = min(60.0, 2.0 ** (attempts - 1))
        for _ in range(20):
            d = backoff_delay(attempts, policy, rng)
            assert ceiling / 2 <= d <= ceiling


def test_breaker_stops_hammering_a_dead_portal_then_probes_once(queue: SqliteSubmissionQueue,
                                                                clock: FakeClock) -> None:
    portal = ScriptedPortal()
    portal.down = True
    ids = [queue.enqueue("1.004194", payload(i), receipt()).submission_id for i in range(20)]
    worker = make(queue, clock, portal, breaker_failures=3, breaker_probe_s=30.0)
    worker.run_once()
    assert len(portal.calls) == 3  # the breaker opened after three failures; the rest were handed back
    assert queue.counts()[SubmissionState.SENDING] == 0
    assert not worker.progress().portal_reachable
    clock.advance(10)
    assert worker.run_once() == 0
    clock.advance(25)
    worker.run_once()
    assert len(portal.calls) == 4  # one probe
    portal.down = False
    clock.advance(31)
    worker.run_once()  # the probe succeeds, the breaker closes, and every backed-off row becomes due
    while worker.run_once():
        pass
    assert all(queue.get(i).state is SubmissionState.ACCEPTED for i in ids)
    assert worker.progress().portal_reachable


class MisconfiguredPortal:
    """A stand-in for a kiosk pointed at the wrong address: every send meets the same set-up fault."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fixed = False

    def send(self, item: OutgoingSubmission) -> SendResult:
        self.calls.append(item.submission_id)
        if self.fixed:
            return Delivered(f"F-{len(self.calls):04d}", None, None)
        return Deferred("config_http_404", operational=True)


def test_a_setup_fault_opens_the_breaker_at_once_and_keeps_every_file(queue: SqliteSubmissionQueue,
                                                                    clock: FakeClock) -> None:
    portal = MisconfiguredPortal()
    ids = [queue.enqueue("1.004194", payload(i), receipt()).submission_id for i in range(10)]
    worker = SyncWorker(queue, portal, SyncPolicy(breaker_failures=5, breaker_probe_s=30.0, max_rate_per_s=0.0,
                                                  concurrency=1), clock=clock, rng=random.Random(1))
    worker.run_once()
    assert len(portal.calls) == 1  # not five: every other file would meet the same answer
    progress = worker.progress()
    assert progress.breaker_open and progress.operational_fault == "config_http_404"
    assert queue.counts()[SubmissionState.QUEUED] == 10 and queue.counts()[SubmissionState.REJECTED] == 0
    clock.advance(31)
    worker.run_once()
    assert len(portal.calls) == 2 and worker.progress().breaker_open  # one probe, still wrong
    portal.fixed = True
    clock.advance(31)
    while worker.run_once():
        pass
    assert all(queue.get(i).state is SubmissionState.ACCEPTED for i in ids)
    assert worker.progress().operational_fault is None and worker.progress().portal_reachable


def test_an_ordinary_outage_is_not_reported_as_a_setup_fault(queue: SqliteSubmissionQueue,
                                                             clock: FakeClock) -> None:
    portal = ScriptedPortal()
    portal.down = True
    queue.enqueue("1.004194", payload(), receipt())
    worker = make(queue, clock, portal, breaker_failures=3)
    worker.run_once()
    assert worker.progress().operational_fault is None and not worker.progress().breaker_open


def test_breaker_state_machine() -> None:
    clock = FakeClock()
    b = CircuitBreaker(2, 10.0, clock)
    b.failed()
    assert b.allows() and not b.is_open
    b.failed()
    assert b.is_open and not b.allows()
    clock.advance(10)
    assert b.allows()
    b.failed()  # the probe failed: wait a full pause again
    assert not b.allows()
    clock.advance(10)
    assert b.succeeded() and not b.is_open


def test_rate_limiter_spaces_sends() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock)
    waits = [limiter.wait_time() for _ in range(10)]
    assert waits == [0.0] * 10  # one second's burst
    assert 0.09 <= limiter.wait_time() <= 0.11
    clock.advance(1.0)
    assert limiter.wait_time() == 0.0


def test_a_sender_that_crashes_loses_nothing(queue: SqliteSubmissionQueue, clock: FakeClock) -> None:
    class Broken:
        def send(self, item: OutgoingSubmission) -> SendResult:
            raise RuntimeError("bug")

    sid = queue.enqueue("1.004194", payload(), receipt()).submission_id
    worker = SyncWorker(queue, Broken(), SyncPolicy(max_rate_per_s=0), clock=clock)
    worker.run_once()
    assert queue.get(sid).state is SubmissionState.QUEUED and queue.get(sid).last_error == "sender_error"


def test_background_worker_drains_and_reports_progress(tmp_path: Path) -> None:
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY))
    portal = ScriptedPortal()
    seen: list[SyncProgress] = []
    done = threading.Event()

    def on_progress(p: SyncProgress) -> None:
        seen.append(p)
        if p.waiting == 0 and p.accepted == 3:
            done.set()

    worker = SyncWorker(q, portal, SyncPolicy(max_rate_per_s=0, idle_poll_s=0.05), on_progress=on_progress)
    worker.start()
    try:
        for i in range(3):
            q.enqueue("1.004194", payload(i), receipt())
            worker.wake()
        assert done.wait(5)
    finally:
        worker.stop()
        q.close()
    assert seen[-1].last_success_at is not None and seen[-1].last_success_at <= time.time()


def test_worker_applies_retention_while_running(tmp_path: Path) -> None:
    clock = FakeClock()
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY), clock=clock)
    sid = q.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    q.mark_accepted(sid, "F-1", None)
    clock.advance(31 * 86400)
    worker = SyncWorker(q, ScriptedPortal(), SyncPolicy(retention_days=30, idle_poll_s=0.01), clock=clock)
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while q.payload(sid) is not None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
    assert q.payload(sid) is None and q.get(sid).receipt.file_code == "F-1"
    q.close()


def test_a_failed_write_after_sending_hands_the_rest_back(queue: SqliteSubmissionQueue, clock: FakeClock,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    portal = ScriptedPortal()
    ids = [queue.enqueue("1.004194", payload(i), receipt()).submission_id for i in range(4)]
    worker = make(queue, clock, portal)
    real = queue.mark_accepted
    calls = []

    def disk_full_on_second(sid: str, *args: object, **kwargs: object) -> None:
        calls.append(sid)
        if len(calls) == 2:
            raise QueueStorageFullError("full")
        real(sid, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queue, "mark_accepted", disk_full_on_second)
    with pytest.raises(QueueStorageFullError):
        worker.run_once()
    counts = queue.counts()
    assert counts[SubmissionState.SENDING] == 0 and counts[SubmissionState.ACCEPTED] == 1
    monkeypatch.setattr(queue, "mark_accepted", real)
    while worker.run_once():
        pass
    assert all(queue.get(i).state is SubmissionState.ACCEPTED for i in ids)
    assert {queue.get(i).file_code for i in ids} == set(portal.codes.values())  # the re-send got the same code


def test_sends_overlap_up_to_the_concurrency_limit_and_never_beyond(queue: SqliteSubmissionQueue,
                                                                    clock: FakeClock) -> None:
    class SlowPortal(ScriptedPortal):
        def __init__(self) -> None:
            super().__init__()
            self.lock = threading.Lock()
            self.now_in_flight = 0
            self.most = 0

        def send(self, item: OutgoingSubmission) -> SendResult:
            with self.lock:
                self.now_in_flight += 1
                self.most = max(self.most, self.now_in_flight)
            time.sleep(0.03)
            with self.lock:
                self.now_in_flight -= 1
                return super().send(item)

    portal = SlowPortal()
    ids = [queue.enqueue("1.004194", payload(i), receipt()).submission_id for i in range(12)]
    worker = make(queue, clock, portal, concurrency=3)
    assert worker.run_once() == 12
    worker.stop()
    assert 2 <= portal.most <= 3
    assert sorted(portal.calls) == sorted(ids)
    assert all(queue.get(i).state is SubmissionState.ACCEPTED for i in ids)

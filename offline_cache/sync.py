"""The sync worker: drains the queue to the portal with back-off, a circuit breaker and a rate limit.

Back-off is exponential with "equal jitter" (half fixed, half random) so a room of kiosks that lost the portal
together do not come back in lock-step; a `Retry-After` from the portal is honoured as a floor. After
`breaker_failures` consecutive failures the breaker opens: nothing is sent until `breaker_probe_s` has passed,
then one submission is tried as a probe, and on success every waiting row is made due at once. A fault of the
kiosk's own set-up (a `Deferred` marked `operational`: wrong portal address, refused credentials) opens it at
once, since every other file would meet the same answer; progress then names that fault for staff.
Withdrawals recorded while the portal could not be asked (rows in `withdrawing`) go first in each round the
breaker allows, through the kiosk's `Withdrawer`, each backing off on its own; those rows are never sent as new
applications.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol

from offline_cache.errors import QueueCorruptedError, QueueError
from offline_cache.queue import SqliteSubmissionQueue
from offline_cache.records import Deferred, Delivered, OutgoingSubmission, Refused, SendResult, SubmissionState

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Delivers one submission to the portal. Must not raise for portal trouble: return `Deferred` instead."""

    def send(self, item: OutgoingSubmission) -> SendResult: ...


class Withdrawer(Protocol):
    """Finishes a withdrawal recorded while the portal could not be asked (a `withdrawing` row): asks the portal,
    withdraws the file there or settles it as never sent. True once settled; False (portal unreachable) to try
    again later. Must not raise for portal trouble."""

    def finish_withdrawal(self, submission_id: str) -> bool: ...


@dataclass(frozen=True)
class SyncPolicy:
    backoff_base_s: float = 1.0
    backoff_max_s: float = 300.0
    breaker_failures: int = 5
    breaker_probe_s: float = 30.0
    max_rate_per_s: float = 50.0
    batch_size: int = 20
    concurrency: int = 4  # sends in flight at once
    idle_poll_s: float = 5.0
    retention_days: float = 0.0  # clear payloads of files settled this long ago; 0 keeps them
    retention_every_s: float = 3600.0


@dataclass(frozen=True)
class SyncProgress:
    """A snapshot the UI can show: "3 files waiting to be sent; last try 14:02"."""

    waiting: int
    sending: int
    accepted: int
    rejected: int
    portal_reachable: bool  # False while the breaker is open
    last_attempt_at: float | None
    last_success_at: float | None
    last_error: str | None
    next_attempt_at: float | None
    # The reason code of a set-up fault (portal address, proxy or credentials wrong) while it lasts, else None.
    operational_fault: str | None = None

    @property
    def breaker_open(self) -> bool:
        """The circuit breaker holds sends back (the portal looked dead); same as `not portal_reachable`."""
        return not self.portal_reachable

    @property
    def queued(self) -> int:
        """Alias of `waiting`, the number of files saved but not yet sent."""
        return self.waiting


def backoff_delay(attempts: int, policy: SyncPolicy, rng: random.Random,
                  retry_after_s: float | None = None) -> float:
    """Seconds to wait before try number `attempts + 1`."""
    ceiling = min(policy.backoff_max_s, policy.backoff_base_s * 2.0 ** max(attempts - 1, 0))
    delay: float = ceiling / 2 + rng.uniform(0, ceiling / 2)
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, policy.backoff_max_s))
    return delay


class CircuitBreaker:
    """Closed → open after N consecutive failures → half-open probe after a pause → closed on success."""

    def __init__(self, failures: int, probe_after_s: float, clock: Callable[[], float]) -> None:
        self._limit = max(failures, 1)
        self._probe_after = probe_after_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allows(self) -> bool:
        """True when sending is allowed (closed), or a probe is due (half-open)."""
        return self._opened_at is None or self._clock() - self._opened_at >= self._probe_after

    def probe_due_in(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self._probe_after - self._clock())

    def succeeded(self) -> bool:
        """Record a success; True when this closed an open breaker."""
        was_open = self._opened_at is not None
        self._failures, self._opened_at = 0, None
        return was_open

    def failed(self) -> None:
        self._failures += 1
        if self._opened_at is not None or self._failures >= self._limit:
            self._opened_at = self._clock()

    def trip(self) -> None:
        """Open now, whatever the count: the failure will repeat for every send until someone fixes it."""
        self._failures = max(self._failures + 1, self._limit)
        self._opened_at = self._clock()


class RateLimiter:
    """A token bucket: at most `rate` sends per second, short bursts up to one second's worth."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate
        self._clock = clock
        self._tokens = max(rate, 1.0)
        self._stamp = clock()

    def wait_time(self) -> float:
        if self._rate <= 0:
            return 0.0
        now = self._clock()
        self._tokens = min(max(self._rate, 1.0), self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self._rate


class SyncWorker:
    """Runs `run_once` in a background thread until `stop()`; `run_once` alone is the unit under test."""

    def __init__(self, queue: SqliteSubmissionQueue, sender: Sender, policy: SyncPolicy | None = None, *,
                 clock: Callable[[], float] = time.time, rng: random.Random | None = None,
                 on_progress: Callable[[SyncProgress], None] | None = None,
                 withdrawer: Withdrawer | None = None) -> None:
        self.queue = queue
        self.sender = sender
        self.withdrawer = withdrawer
        self._withdraw_failures = 0
        self.policy = policy or SyncPolicy()
        self._clock = clock
        self._rng = rng or random.Random()
        self._on_progress = on_progress
        self.breaker = CircuitBreaker(self.policy.breaker_failures, self.policy.breaker_probe_s, clock)
        self._limiter = RateLimiter(self.policy.max_rate_per_s)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_attempt: float | None = None
        self._last_success: float | None = None
        self._last_error: str | None = None
        self._operational_fault: str | None = None
        self._last_purge: float | None = None
        self._pool: ThreadPoolExecutor | None = None

    # ---- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self.queue.recover_interrupted()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="queue-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def wake(self) -> None:
        """Something new was queued, or staff asked for a retry: look now."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._apply_retention()
                sent = self.run_once()
            except QueueCorruptedError as exc:
                log.error("queue file damaged (%s); setting it aside", exc.message_key)
                self._last_error = exc.message_key
                with contextlib.suppress(QueueError):
                    self.queue.repair()
                sent = 0
            except QueueError as exc:  # disk full, key trouble: say so, keep trying later
                log.error("queue sync paused: %s", exc.message_key)
                self._last_error = exc.message_key
                sent = 0
            except Exception:  # never let the one sync thread die silently; rows stay safe in the queue
                log.exception("queue sync round failed")
                self._last_error = "queue.storage_error"
                sent = 0
            if sent == 0:
                try:
                    wait = self._idle_wait()
                except QueueError:
                    wait = self.policy.idle_poll_s
                self._wake.wait(wait)
                self._wake.clear()

    def _apply_retention(self) -> None:
        """Retention runs from the worker too, so a kiosk left on for weeks still clears old payloads."""
        if self.policy.retention_days <= 0:
            return
        now = self._clock()
        if self._last_purge is None or now - self._last_purge >= self.policy.retention_every_s:
            self._last_purge = now
            cleared = self.queue.purge_payloads(self.policy.retention_days * 86400.0)
            if cleared:
                log.info("retention cleared the payloads of %d settled files", cleared)

    def _idle_wait(self) -> float:
        if self.breaker.is_open:
            return max(self.breaker.probe_due_in(), 0.05)
        due = self.queue.next_due_at()
        if due is None:
            return self.policy.idle_poll_s
        return min(max(due - self._clock(), 0.01), self.policy.idle_poll_s)

    # ---- one round -----------------------------------------------------------------------------------------

    def run_once(self) -> int:
        """Send what is due (one probe if the breaker is half-open); returns how many were settled.

        Up to `concurrency` sends are in flight at once (a portal 100 ms away would otherwise cap a drain at
        ten files a second); outcomes are written from this thread only, so SQLite sees one writer.
        """
        if not self.breaker.allows():
            return 0
        withdrawn = self._finish_withdrawals()
        probing = self.breaker.is_open
        batch = self.queue.claim_due(1 if probing else self.policy.batch_size)
        settled: set[str] = set()
        try:
            self._dispatch(batch, settled)
        finally:
            # Rows claimed but not settled (stopping, breaker opened, or a write failed) go back in line at
            # once; one that was sent but not recorded is re-sent under the same key and replayed.
            leftover = [i.submission_id for i in batch if i.submission_id not in settled]
            if leftover:
                with contextlib.suppress(QueueError):
                    self.queue.release(leftover)
        self._report()
        return len(settled) + withdrawn

    def _finish_withdrawals(self) -> int:
        """Pending withdrawals go first: the portal may hold a file the citizen no longer wants. One that cannot
        be finished backs off on its own; it does not feed the breaker, so a portal that takes files but cannot
        answer a look-up never holds back the sending of everyone else's."""
        if self.withdrawer is None:
            return 0
        done = 0
        for sid in self.queue.due_withdrawals(self.policy.batch_size):
            if self._stop.is_set():
                break
            try:
                finished = self.withdrawer.finish_withdrawal(sid)
            except Exception:  # a bug must not kill the sync thread; the row stays pending
                log.exception("finishing the withdrawal of %s failed unexpectedly", sid)
                finished = False
            if finished:
                done += 1
                self._withdraw_failures = 0
                self._success()
                continue
            self._withdraw_failures += 1
            delay = backoff_delay(self._withdraw_failures, self.policy, self._rng)
            self.queue.defer_withdrawal(sid, "withdrawal_pending", self._clock() + delay)
            self._last_error = "withdrawal_pending"
        return done

    def _dispatch(self, batch: list[OutgoingSubmission], settled: set[str]) -> None:
        pending = list(batch)
        in_flight: dict[Future[SendResult], OutgoingSubmission] = {}
        limit = max(1, self.policy.concurrency)
        while pending or in_flight:
            while pending and len(in_flight) < limit and self._may_send():
                if not self._pace():
                    break
                item = pending.pop(0)
                in_flight[self._executor().submit(self._send, item)] = item
            if not in_flight:
                return
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                item = in_flight.pop(future)
                self.settle(item, future.result())
                settled.add(item.submission_id)
            if not self._may_send():
                pending.clear()  # handed back by the caller

    def _may_send(self) -> bool:
        return not self._stop.is_set() and self.breaker.allows()

    def _pace(self) -> bool:
        """Wait for the rate limit; False when stopping."""
        delay = self._limiter.wait_time()
        while delay > 0:
            if self._stop.wait(delay):
                return False
            delay = self._limiter.wait_time()
        return True

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=max(1, self.policy.concurrency),
                                            thread_name_prefix="queue-send")
        return self._pool

    def _send(self, item: OutgoingSubmission) -> SendResult:
        self._last_attempt = self._clock()
        try:
            return self.sender.send(item)
        except Exception:  # a sender bug must not lose the row: treat as "try later"
            log.exception("sender failed unexpectedly for %s", item.submission_id)
            return Deferred("sender_error")

    def settle(self, item: OutgoingSubmission, result: SendResult) -> None:
        """Write one outcome to the queue and feed the breaker."""
        if isinstance(result, Delivered):
            self.queue.mark_accepted(item.submission_id, result.file_code, result.due_at, result.portal_status)
            self._success()
        elif isinstance(result, Refused):
            self.queue.mark_rejected(item.submission_id, result.reason_code, result.problems)
            self._success()  # the portal is up and answering sensibly
        else:
            delay = backoff_delay(item.attempt, self.policy, self._rng, result.retry_after_s)
            self.queue.mark_deferred(item.submission_id, result.reason_code, self._clock() + delay)
            self._last_error = result.reason_code
            if result.operational:
                if self._operational_fault != result.reason_code:
                    log.error("portal set-up fault (%s): sending paused, one probe every %g s until it is fixed",
                              result.reason_code, self.policy.breaker_probe_s)
                self._operational_fault = result.reason_code
                self.breaker.trip()
            else:
                self.breaker.failed()

    def _success(self) -> None:
        self._last_success = self._clock()
        self._last_error = None
        self._operational_fault = None
        if self.breaker.succeeded():
            self.queue.reschedule_all_now()

    # ---- progress ------------------------------------------------------------------------------------------

    def progress(self) -> SyncProgress:
        counts = self.queue.counts()
        return SyncProgress(
            waiting=counts[SubmissionState.QUEUED], sending=counts[SubmissionState.SENDING],
            accepted=counts[SubmissionState.ACCEPTED], rejected=counts[SubmissionState.REJECTED],
            portal_reachable=not self.breaker.is_open, last_attempt_at=self._last_attempt,
            last_success_at=self._last_success, last_error=self._last_error,
            next_attempt_at=self.queue.next_due_at(), operational_fault=self._operational_fault)

    def _report(self) -> None:
        if self._on_progress is None:
            return
        with contextlib.suppress(QueueError):
            self._on_progress(self.progress())

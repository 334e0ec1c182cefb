"""Withdrawing a file whose earlier send may have reached the portal: never "cancelled, never sent" on trust.

A row that was handed to a sender at least once is moved to `withdrawing`; it is never sent again as a new
application, and the worker asks the kiosk's `Withdrawer` to settle it (at the portal, or as never sent).
"""

from __future__ import annotations

import pytest

from offline_cache import (
    Deferred,
    Delivered,
    OutgoingSubmission,
    SendResult,
    SqliteSubmissionQueue,
    SubmissionNotWithdrawableError,
    SubmissionState,
    SyncPolicy,
    SyncWorker,
)
from tests.offline_cache.conftest import FakeClock, payload, receipt


class CountingSender:
    """A stand-in portal that records every create it is asked for and never answers (answer unknown)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def send(self, item: OutgoingSubmission) -> SendResult:
        self.calls.append(item.submission_id)
        return Deferred("connection")


class ScriptedWithdrawer:
    """Plays the kiosk's side: `reachable` decides whether the portal answered; `held` is what it holds."""

    def __init__(self, queue: SqliteSubmissionQueue, held: dict[str, str]) -> None:
        self.queue = queue
        self.held = held
        self.reachable = False
        self.asked: list[str] = []

    def finish_withdrawal(self, submission_id: str) -> bool:
        self.asked.append(submission_id)
        if not self.reachable:
            return False
        code = self.held.get(submission_id)
        return self.queue.settle_withdrawal(submission_id, code, None, 8 if code else None)


def sent_once(queue: SqliteSubmissionQueue, clock: FakeClock) -> str:
    """A row whose first send ended without an answer: it may be at the portal."""
    sid = queue.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    queue.mark_deferred(sid, "connection", clock.now + 5)
    return sid


def test_a_row_never_handed_to_a_sender_is_cancelled_at_once(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt()).submission_id
    assert queue.withdraw(sid) is SubmissionState.WITHDRAWN
    assert queue.get(sid).payload_cleared


def test_a_row_sent_without_an_answer_is_not_cancelled_as_never_sent(queue: SqliteSubmissionQueue,
                                                                     clock: FakeClock) -> None:
    sid = sent_once(queue, clock)
    assert queue.withdraw(sid) is SubmissionState.WITHDRAWING
    rec = queue.get(sid)
    assert rec.state is SubmissionState.WITHDRAWING and rec.payload_cleared  # nothing left that could be sent
    assert queue.withdraw(sid) is SubmissionState.WITHDRAWING  # asking again changes nothing
    clock.advance(3600)
    assert queue.claim_due(10) == []  # never handed out as a new application again


def test_a_row_being_sent_still_cannot_be_withdrawn(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    with pytest.raises(SubmissionNotWithdrawableError):
        queue.withdraw(sid)


def test_settling_a_withdrawal_records_what_the_portal_said(queue: SqliteSubmissionQueue, clock: FakeClock) -> None:
    at_portal, never_arrived = sent_once(queue, clock), sent_once(queue, clock)
    queue.withdraw(at_portal)
    queue.withdraw(never_arrived)
    assert queue.settle_withdrawal(at_portal, "F-0009", "2026-12-01", 8)
    assert queue.settle_withdrawal(never_arrived, None, None, None)
    found = queue.get(at_portal)
    assert (found.state, found.file_code, found.portal_status) == (SubmissionState.ACCEPTED, "F-0009", 8)
    assert found.receipt.file_code == "F-0009"
    gone = queue.get(never_arrived)
    assert gone.state is SubmissionState.WITHDRAWN and gone.payload_cleared
    assert not queue.settle_withdrawal(at_portal, None, None, None)  # the first settlement stands


def test_the_worker_finishes_pending_withdrawals_once_the_portal_answers(queue: SqliteSubmissionQueue,
                                                                         clock: FakeClock) -> None:
    sid = sent_once(queue, clock)
    queue.withdraw(sid)
    sender = CountingSender()
    withdrawer = ScriptedWithdrawer(queue, {sid: "F-0001"})
    worker = SyncWorker(queue, sender, SyncPolicy(backoff_base_s=1, backoff_max_s=10, breaker_failures=3,
                                                  breaker_probe_s=30, max_rate_per_s=0),
                        clock=clock, withdrawer=withdrawer)
    clock.advance(60)
    worker.run_once()
    assert withdrawer.asked == [sid] and queue.get(sid).state is SubmissionState.WITHDRAWING
    worker.run_once()
    assert withdrawer.asked == [sid]  # backed off, not asked again at once
    withdrawer.reachable = True
    clock.advance(60)
    worker.run_once()
    assert withdrawer.asked == [sid, sid]
    rec = queue.get(sid)
    assert rec.state is SubmissionState.ACCEPTED and rec.file_code == "F-0001" and rec.portal_status == 8
    assert sender.calls == []  # never delivered as a new application
    assert queue.next_due_at() is None


class WorkingSender:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def send(self, item: OutgoingSubmission) -> SendResult:
        self.calls.append(item.submission_id)
        return Delivered(f"F-{len(self.calls):04d}", None, None)


def test_a_withdrawal_the_portal_cannot_finish_never_holds_back_other_files(queue: SqliteSubmissionQueue,
                                                                            clock: FakeClock) -> None:
    stuck = sent_once(queue, clock)
    queue.withdraw(stuck)
    withdrawer = ScriptedWithdrawer(queue, {})  # the look-up keeps failing (say the portal lacks it)
    sender = WorkingSender()
    worker = SyncWorker(queue, sender, SyncPolicy(backoff_base_s=1, backoff_max_s=10, breaker_failures=1,
                                                  breaker_probe_s=30, max_rate_per_s=0),
                        clock=clock, withdrawer=withdrawer)
    for n in range(3):
        clock.advance(60)
        sid = queue.enqueue("1.004194", payload(n), receipt()).submission_id
        worker.run_once()
        assert queue.get(sid).state is SubmissionState.ACCEPTED
    assert len(withdrawer.asked) == 3 and queue.get(stuck).state is SubmissionState.WITHDRAWING
    assert stuck not in sender.calls


"""Property-based test of the queue's state machine against a plain model."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from offline_cache import (
    FieldProblem,
    SqliteSubmissionQueue,
    StaticKeyProvider,
    SubmissionNotWithdrawableError,
    SubmissionState,
)
from tests.offline_cache.conftest import KEY, FakeClock, payload, receipt

Q, S, A, R, W = (SubmissionState.QUEUED, SubmissionState.SENDING, SubmissionState.ACCEPTED,
                 SubmissionState.REJECTED, SubmissionState.WITHDRAWN)
WD = SubmissionState.WITHDRAWING


class QueueMachine(RuleBasedStateMachine):
    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="queue-sm-"))
        self.clock = FakeClock()
        self.queue = self._open()
        self.model: dict[str, SubmissionState] = {}
        self.due: dict[str, float] = {}
        self.codes: dict[str, str] = {}
        self.sends: dict[str, int] = {}

    def _open(self) -> SqliteSubmissionQueue:
        return SqliteSubmissionQueue(self.dir / "q.sqlite3", StaticKeyProvider(KEY), clock=self.clock)

    def teardown(self) -> None:
        self.queue.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(target=ids, n=st.integers(0, 999))
    def enqueue(self, n: int) -> str:
        sid = self.queue.enqueue("1.004194", payload(n), receipt()).submission_id
        self.model[sid] = Q
        self.due[sid] = self.clock.now
        return sid

    @rule(target=ids, n=st.integers(0, 999))
    def submit_claimed(self, n: int) -> str:
        sid = self.queue.enqueue("1.004194", payload(n), receipt(), claim=True).submission_id
        self.model[sid] = S
        self.due[sid] = self.clock.now
        self.sends[sid] = 1
        return sid

    @rule(sid=ids)
    def release(self, sid: str) -> None:
        self.queue.release([sid])
        if self.model[sid] is S:
            self.model[sid] = Q
            self.sends[sid] -= 1  # handed back untried

    @rule()
    def portal_back(self) -> None:
        self.queue.reschedule_all_now()
        for sid, s in self.model.items():
            if s is Q:
                self.due[sid] = min(self.due[sid], self.clock.now)

    @rule(limit=st.integers(1, 5))
    def claim(self, limit: int) -> None:
        got = self.queue.claim_due(limit)
        due = sorted((self.due[i], i) for i, s in self.model.items() if s is Q and self.due[i] <= self.clock.now)
        assert len(got) == min(limit, len(due))
        for item in got:
            assert self.model[item.submission_id] is Q
            self.model[item.submission_id] = S
            self.sends[item.submission_id] = self.sends.get(item.submission_id, 0) + 1

    @rule(sid=ids, outcome=st.sampled_from(["accept", "reject", "defer"]), delay=st.floats(0, 100))
    def settle(self, sid: str, outcome: str, delay: float) -> None:
        was = self.model[sid]
        if outcome == "accept":
            self.queue.mark_accepted(sid, f"F-{sid[:8]}", None)
            if was is S:
                self.model[sid] = A
                self.codes[sid] = f"F-{sid[:8]}"
        elif outcome == "reject":
            self.queue.mark_rejected(sid, "validation", [FieldProblem("f", "c", "vi", "en")])
            if was is S:
                self.model[sid] = R
        else:
            self.queue.mark_deferred(sid, "http_503", self.clock.now + delay)
            if was is S:
                self.model[sid] = Q
                self.due[sid] = self.clock.now + delay

    @rule(sid=ids)
    def withdraw(self, sid: str) -> None:
        try:
            got = self.queue.withdraw(sid)
        except SubmissionNotWithdrawableError:
            assert self.model[sid] not in (Q, WD)
        else:
            assert self.model[sid] in (Q, WD)
            # Once handed to a sender, a row may be at the portal: it is never cancelled as "never sent".
            self.model[sid] = WD if self.model[sid] is WD or self.sends.get(sid, 0) > 0 else W
            assert got is self.model[sid]

    @rule(sid=ids, reached_portal=st.booleans())
    def settle_withdrawal(self, sid: str, reached_portal: bool) -> None:
        code = f"F-{sid[:8]}" if reached_portal else None
        assert self.queue.settle_withdrawal(sid, code, None, 8 if code else None) == (self.model[sid] is WD)
        if self.model[sid] is WD:
            self.model[sid] = A if code else W
            if code:
                self.codes[sid] = code

    @rule(seconds=st.floats(0, 200))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @precondition(lambda self: any(s is S for s in self.model.values()))
    @rule()
    def crash_and_restart(self) -> None:
        self.queue.close()
        self.queue = self._open()
        moved = self.queue.recover_interrupted()
        assert moved == sum(s is S for s in self.model.values())
        for sid, s in self.model.items():
            if s is S:
                self.model[sid] = Q

    @invariant()
    def matches_model(self) -> None:
        counts = self.queue.counts()
        for state in SubmissionState:
            assert counts[state] == sum(s is state for s in self.model.values())
        for sid, code in self.codes.items():
            assert self.queue.get(sid).file_code == code  # a file code, once given, never changes
        for sid, s in self.model.items():
            if s is W:
                assert sid not in self.codes


QueueMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestQueueStateMachine = QueueMachine.TestCase

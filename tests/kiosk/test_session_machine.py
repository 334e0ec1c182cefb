"""Property-based test: any sequence of UI calls keeps the session's privacy invariants."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk.session import Helper, SessionTransitionError
from kiosk.session.events import SessionState, SessionWiped
from tests.kiosk.session_fixtures import FormState, make_identity, new_session

S = SessionState
BEFORE_IDENTITY = {S.IDLE, S.LANGUAGE, S.IDENTIFY, S.STATUS_LOOKUP, S.TECHNICIAN, S.MANAGER}
AFTER_FACE = {S.CHOOSE_SERVICE, S.STEPS, S.REVIEW, S.SUBMITTING, S.RECEIPT, S.DONE}
WITH_SUBMISSION = {S.SUBMITTING, S.RECEIPT, S.DONE}


class SessionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.session, self.clock, self.recorder, self.audit = new_session()
        self.forms: list[FormState] = []
        self.keys = 0

    def _try(self, action: Callable[[], object]) -> None:
        before = (self.session.state, self.session.identity, self.session.service_code, self.session.submission_key)
        try:
            action()
        except SessionTransitionError:
            after = (self.session.state, self.session.identity, self.session.service_code,
                     self.session.submission_key)
            assert after == before, "a refused move changed the session"

    @rule(steps=st.integers(min_value=1, max_value=8))
    def proceed(self, steps: int) -> None:
        """Take the happy path a few steps, so deep states are reached often among all the other calls."""
        s = self.session
        for _ in range(steps):
            happy: dict[SessionState, Callable[[], object]] = {
                S.IDLE: s.start,
                S.LANGUAGE: lambda: s.choose_language("vi"),
                S.IDENTIFY: lambda: s.identified(make_identity()),
                S.VERIFY_FACE: s.face_verified,
                S.CHOOSE_SERVICE: self.choose_service,
                S.STEPS: s.steps_completed,
                S.REVIEW: self.submit,
                S.SUBMITTING: lambda: self.complete("sent"),
                S.RECEIPT: s.receipt_printed,
            }
            action = happy.get(s.state)
            if action is None:
                return
            if s.state is S.IDENTIFY:
                s.card_inserted()
            action()

    @rule()
    def start(self) -> None:
        self._try(self.session.start)

    @rule(lang=st.sampled_from(["vi", "en"]))
    def choose_language(self, lang: str) -> None:
        self._try(lambda: self.session.choose_language(lang))

    @rule()
    def insert_card(self) -> None:
        self.session.card_inserted()

    @rule()
    def remove_card(self) -> None:
        held = self.session.holds_citizen_data()
        self.session.card_removed()
        if held:
            assert self.session.state is S.IDLE and not self.session.holds_citizen_data()

    @rule()
    def identified(self) -> None:
        self._try(lambda: self.session.identified(make_identity()))

    @rule(method=st.sampled_from(["camera", "staff"]))
    def face(self, method: str) -> None:
        self._try(lambda: self.session.face_verified(method))  # type: ignore[arg-type]

    @rule()
    def choose_service(self) -> None:
        form = FormState(answers={"q": "a"})

        def go() -> None:
            self.session.choose_service("1.001", form)
            self.forms.append(form)
        self._try(go)

    @rule()
    def steps_completed(self) -> None:
        self._try(self.session.steps_completed)

    @rule()
    def back(self) -> None:
        self._try(self.session.back)

    @rule()
    def submit(self) -> None:
        self.keys += 1
        self._try(lambda: self.session.submission_started(f"k{self.keys}"))

    @rule(route=st.sampled_from(["sent", "queued"]))
    def complete(self, route: str) -> None:
        key = self.session.submission_key or f"k{self.keys}"
        self._try(lambda: self.session.submission_completed(key, route, "F-1"))  # type: ignore[arg-type]

    @rule()
    def fail(self) -> None:
        key = self.session.submission_key or f"k{self.keys}"
        self._try(lambda: self.session.submission_failed(key, "queue.full"))

    @rule()
    def printed(self) -> None:
        self._try(self.session.receipt_printed)

    @rule()
    def finish(self) -> None:
        self._try(self.session.finish)

    @rule()
    def cancel(self) -> None:
        self.session.cancel()
        assert self.session.state is S.IDLE and not self.session.holds_citizen_data()

    @rule()
    def status_lookup(self) -> None:
        self._try(self.session.start_status_lookup)

    @rule()
    def assist(self) -> None:
        self._try(lambda: self.session.begin_assistance(Helper("TN-1", "An")))

    @rule()
    def end_assist(self) -> None:
        self.session.end_assistance()
        assert self.session.helper is None

    @rule()
    def technician(self) -> None:
        self._try(lambda: self.session.enter_technician_mode(Helper("KT-1", "Kỹ thuật")))

    @rule()
    def leave_technician(self) -> None:
        self._try(self.session.leave_technician_mode)

    @rule()
    def manager(self) -> None:
        self._try(lambda: self.session.enter_manager_mode(Helper("manager", "Quản lý")))

    @rule()
    def leave_manager(self) -> None:
        self._try(self.session.leave_manager_mode)

    @rule(seconds=st.sampled_from([1.0, 29.0, 30.0, 90.0, 180.0]))
    def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.session.tick()

    @rule()
    def extend(self) -> None:
        self.session.extend()

    @rule()
    def tap(self) -> None:
        self.session.activity()

    @invariant()
    def idle_holds_nothing(self) -> None:
        if self.session.state is S.IDLE:
            assert not self.session.holds_citizen_data()
            assert self.session.helper is None and self.session.technician is None and self.session.manager is None

    @invariant()
    def staff_are_named_only_in_their_own_mode(self) -> None:
        assert (self.session.technician is not None) == (self.session.state is S.TECHNICIAN)
        assert (self.session.manager is not None) == (self.session.state is S.MANAGER)
        if self.session.state in (S.TECHNICIAN, S.MANAGER):
            assert not self.session.holds_citizen_data() and self.session.helper is None

    @invariant()
    def identity_only_between_card_and_goodbye(self) -> None:
        if self.session.state in BEFORE_IDENTITY:
            assert self.session.identity is None
        if self.session.state in AFTER_FACE:
            assert self.session.identity is not None

    @invariant()
    def submission_key_only_once_sending(self) -> None:
        assert (self.session.submission_key is not None) == (self.session.state in WITH_SUBMISSION)

    @invariant()
    def every_dropped_form_is_wiped(self) -> None:
        for form in self.forms:
            if form is not self.session.form:
                assert form.answers == {}

    @invariant()
    def a_wipe_is_announced_once_per_exit(self) -> None:
        assert self.session.extensions_left in range(0, 11)
        wipes = self.recorder.of(SessionWiped)
        assert all(w.at <= self.clock.monotonic() for w in wipes)

    @invariant()
    def audit_holds_no_personal_data(self) -> None:
        for record in self.audit.records[-3:]:
            text = " ".join(record.values())
            assert "001090012345" not in text and "HƯƠNG" not in text


SessionMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestSessionMachine = SessionMachine.TestCase

from __future__ import annotations

import pytest

from kiosk.config import SessionConfig
from kiosk.session import Helper, SessionTransitionError
from kiosk.session.events import (
    AssistanceEnded,
    CardRemoved,
    InactivityWarned,
    ManagerModeEntered,
    ManagerModeLeft,
    SessionState,
    SessionWiped,
    StateChanged,
    SubmissionCompleted,
    SubmissionFailed,
    TimeExtended,
    WipeReason,
)
from tests.kiosk.session_fixtures import FormState, make_identity, new_session, walk_to_steps

S = SessionState


def test_the_whole_journey_ends_wiped_when_the_card_is_taken() -> None:
    session, _, recorder, audit = new_session()
    form = walk_to_steps(session)
    session.steps_completed()
    session.submission_started("key-1")
    session.submission_completed("key-1", "sent", "H26.01-250312-0001")
    assert session.state is S.RECEIPT and session.file_code == "H26.01-250312-0001"
    session.receipt_printed()
    assert session.state is S.DONE and session.identity is not None
    session.card_removed()
    assert session.state is S.IDLE
    assert session.identity is None and not session.holds_citizen_data()
    assert form.answers == {} and form.wiped == 1
    visited = [e.new for e in recorder.of(StateChanged)]  # type: ignore[attr-defined]
    assert visited == [S.LANGUAGE, S.IDENTIFY, S.VERIFY_FACE, S.CHOOSE_SERVICE, S.STEPS, S.REVIEW, S.SUBMITTING,
                       S.RECEIPT, S.DONE, S.IDLE]
    assert [e.reason for e in recorder.of(SessionWiped)] == [WipeReason.FINISHED]  # type: ignore[attr-defined]
    assert any(r["event"] == "submission_sent" and r["file_code"] == "H26.01-250312-0001" for r in audit.records)


def test_card_removed_mid_form_wipes_everything_at_once() -> None:
    session, clock, recorder, _ = new_session()
    scan = FormState(answers={"qr": "payload"})
    collaborator = FormState(answers={"face_template": "x"})
    session.register_collaborator(collaborator)
    form = walk_to_steps(session)
    session.add_scan(scan)
    before = clock.monotonic()
    session.card_removed()
    wiped = recorder.of(SessionWiped)
    assert len(wiped) == 1 and wiped[0].at - before < 1.0
    assert session.state is S.IDLE and session.identity is None and session.service_code == ""
    assert session.form is None and form.answers == {} and scan.answers == {} and collaborator.answers == {}
    assert not session.holds_citizen_data() and session.submission_key is None


def test_card_removed_while_sending_keeps_only_the_idempotency_key() -> None:
    session, _, recorder, audit = new_session()
    walk_to_steps(session)
    session.steps_completed()
    session.submission_started("key-42")
    session.card_removed()
    assert session.state is S.IDLE and session.identity is None and session.service_code == ""
    assert session.orphaned_submission_keys == {"key-42"}
    assert recorder.of(SessionWiped)[-1].kept_submission_key  # type: ignore[attr-defined]
    # The portal answers after the citizen left: recorded, nothing shown, the key let go.
    session.submission_completed("key-42", "queued", "H26.01-Q-7")
    assert session.state is S.IDLE and session.orphaned_submission_keys == frozenset()
    done = recorder.of(SubmissionCompleted)[-1]
    assert done.orphaned and done.route == "queued"  # type: ignore[attr-defined]
    assert audit.records[-1]["event"] == "submission_queued" and audit.records[-1]["file_code"] == "H26.01-Q-7"


def test_card_removed_before_the_chip_was_read_lets_the_citizen_try_again() -> None:
    session, _, recorder, _ = new_session()
    session.start()
    session.choose_language("en")
    session.card_inserted()
    session.card_removed()
    assert session.state is S.IDENTIFY and session.language == "en"
    assert recorder.of(CardRemoved) and not recorder.of(SessionWiped)


def test_inactivity_warns_then_wipes_thirty_seconds_later() -> None:
    session, clock, recorder, _ = new_session()
    form = walk_to_steps(session)
    clock.advance(89.9)
    session.tick()
    assert not session.warned
    clock.advance(0.1)
    session.tick()
    assert session.warned and len(recorder.of(InactivityWarned)) == 1
    session.tick()
    assert len(recorder.of(InactivityWarned)) == 1  # warned once, not on every tick
    assert session.seconds_until_wipe() == pytest.approx(30.0)
    clock.advance(29.9)
    session.tick()
    assert session.state is S.STEPS
    clock.advance(0.1)
    session.tick()
    assert session.state is S.IDLE and form.answers == {}
    assert recorder.of(SessionWiped)[-1].reason is WipeReason.INACTIVITY  # type: ignore[attr-defined]


def test_activity_restarts_the_timer_but_does_not_dismiss_a_warning() -> None:
    session, clock, _, _ = new_session()
    walk_to_steps(session)
    clock.advance(60)
    session.activity()
    clock.advance(60)
    session.tick()
    assert not session.warned
    clock.advance(30)
    session.tick()
    assert session.warned
    session.activity()
    clock.advance(30)
    session.tick()
    assert session.state is S.IDLE


def test_reading_screens_get_the_longer_timer() -> None:
    session, clock, _, _ = new_session()
    walk_to_steps(session)
    session.set_reading_screen(True)
    clock.advance(120)
    session.tick()
    assert not session.warned
    clock.advance(60)
    session.tick()
    assert session.warned


def test_review_is_a_reading_screen_by_default() -> None:
    session, clock, _, _ = new_session()
    walk_to_steps(session)
    session.steps_completed()
    clock.advance(179)
    session.tick()
    assert not session.warned


def test_the_citizen_can_ask_for_more_time_ten_times() -> None:
    session, clock, recorder, _ = new_session()
    walk_to_steps(session)
    for used in range(1, 11):
        clock.advance(90)
        session.tick()
        assert session.warned
        clock.advance(25)
        assert session.extend()
        assert not session.warned and session.extensions_left == 10 - used
    assert len(recorder.of(TimeExtended)) == 10
    clock.advance(90)
    session.tick()
    warning = recorder.of(InactivityWarned)[-1]
    assert not warning.can_extend  # type: ignore[attr-defined]
    assert not session.extend()
    clock.advance(30)
    session.tick()
    assert session.state is S.IDLE


def test_extensions_follow_the_configuration() -> None:
    session, clock, _, _ = new_session(SessionConfig(inactivity_warning_s=5, wipe_after_warning_s=2,
                                                     max_extensions=12))
    walk_to_steps(session)
    for _ in range(12):
        clock.advance(5)
        session.tick()
        assert session.extend()
    clock.advance(5)
    session.tick()
    assert not session.extend()


def test_extend_without_a_warning_does_nothing() -> None:
    session, _, _, _ = new_session()
    walk_to_steps(session)
    assert not session.extend() and session.extensions_left == 10


def test_no_timer_on_the_welcome_screen_or_while_sending() -> None:
    session, clock, recorder, _ = new_session()
    clock.advance(10_000)
    session.tick()
    walk_to_steps(session)
    session.steps_completed()
    session.submission_started("k")
    clock.advance(10_000)
    session.tick()
    assert session.state is S.SUBMITTING and not recorder.of(InactivityWarned)


def test_cancel_wipes_from_any_screen() -> None:
    session, _, recorder, _ = new_session()
    form = walk_to_steps(session)
    session.cancel()
    assert session.state is S.IDLE and form.answers == {} and session.identity is None
    assert recorder.of(SessionWiped)[-1].reason is WipeReason.CANCELLED  # type: ignore[attr-defined]


def test_going_back_to_choose_another_service_drops_the_form() -> None:
    session, _, _, _ = new_session()
    form = walk_to_steps(session)
    session.back()
    assert session.state is S.CHOOSE_SERVICE and form.answers == {} and session.form is None
    assert session.identity is not None


def test_moves_the_journey_does_not_allow_are_refused_and_change_nothing() -> None:
    session, _, _, _ = new_session()
    with pytest.raises(SessionTransitionError):
        session.identified(make_identity())
    with pytest.raises(SessionTransitionError):
        session.steps_completed()
    assert session.state is S.IDLE and session.identity is None
    walk_to_steps(session)
    with pytest.raises(SessionTransitionError):
        session.enter_technician_mode(Helper("T1", "Kỹ thuật"))
    with pytest.raises(SessionTransitionError):
        session.submission_completed("nope", "sent", "X")
    assert session.state is S.STEPS


def test_a_failed_submission_returns_to_review_with_the_answers_kept() -> None:
    session, _, _, _ = new_session()
    form = walk_to_steps(session)
    session.steps_completed()
    session.submission_started("k1")
    session.submission_failed("k1", "queue.full")
    assert session.state is S.REVIEW and form.answers and session.submission_key is None


def test_status_lookup_needs_no_card_and_finishes_wiped() -> None:
    session, _, recorder, _ = new_session()
    session.start_status_lookup()
    assert session.state is S.STATUS_LOOKUP
    session.finish()
    assert session.state is S.IDLE and recorder.of(SessionWiped)


def test_assistance_ends_with_the_citizen_session_and_goes_into_the_audit() -> None:
    session, _, recorder, audit = new_session()
    session.start()
    session.begin_assistance(Helper("TN-007", "Trần Văn An"))
    assert session.helper is not None and session.helper.display_name == "Trần Văn An"
    session.choose_language("vi")
    session.identified(make_identity())
    session.face_verified(method="staff")
    session.choose_service("1.001", FormState())
    session.steps_completed()
    session.submission_started("k")
    session.submission_completed("k", "sent", "F-1")
    submitted = [r for r in audit.records if r["event"] == "submission_sent"]
    assert submitted[0]["staff_id"] == "TN-007" and submitted[0]["service_code"] == "1.001"
    session.receipt_printed()
    session.card_removed()
    assert session.helper is None and recorder.of(AssistanceEnded)


def test_staff_face_confirmation_needs_a_helper() -> None:
    session, _, _, _ = new_session()
    session.start()
    session.choose_language("vi")
    session.identified(make_identity())
    with pytest.raises(SessionTransitionError):
        session.face_verified(method="staff")


def test_technician_mode_only_from_the_welcome_screen_and_leaving_wipes() -> None:
    session, _, _, audit = new_session()
    session.enter_technician_mode(Helper("KT-1", "Kỹ thuật viên"))
    assert session.state is S.TECHNICIAN and session.technician is not None
    session.leave_technician_mode()
    assert session.state is S.IDLE and session.technician is None
    assert [r["event"] for r in audit.records][-1] == "session_wiped_staff_mode_left"


def test_who_signed_in_is_known_when_the_staff_mode_is_announced() -> None:
    session, _, _, _ = new_session()
    seen: list[tuple[SessionState, Helper | None, Helper | None]] = []
    session.subscribe(lambda e: seen.append((e.new, session.technician, session.manager))
                      if isinstance(e, StateChanged) and e.new is not S.IDLE else None)
    technician, manager = Helper("technician", "Kỹ thuật viên"), Helper("manager", "Quản lý")
    session.enter_technician_mode(technician)
    session.leave_technician_mode()
    session.enter_manager_mode(manager)
    assert seen == [(S.TECHNICIAN, technician, None), (S.MANAGER, None, manager)]


def test_manager_mode_is_its_own_state_audited_by_role_and_leaving_wipes() -> None:
    session, _, recorder, audit = new_session()
    session.enter_manager_mode(Helper("manager", "Quản lý phường"))
    assert session.state is S.MANAGER and session.manager is not None and session.technician is None
    assert [e for e in recorder.events if isinstance(e, ManagerModeEntered)] == [
        ManagerModeEntered(recorder.events[-1].at, "manager")]
    entered = audit.records[-1]
    assert (entered["event"], entered["staff_id"]) == ("manager_mode_entered", "manager")
    assert "Quản lý" not in " ".join(v for r in audit.records for v in r.values())
    assert "technician_mode_entered" not in [r["event"] for r in audit.records]
    with pytest.raises(SessionTransitionError):  # a manager cannot take over a citizen's visit as a volunteer
        session.begin_assistance(Helper("TN-1", "An"))
    with pytest.raises(SessionTransitionError):
        session.leave_technician_mode()
    session.card_removed()  # nothing of a citizen is held: the statistics stay open
    assert session.state is S.MANAGER
    session.leave_manager_mode()
    assert session.state is S.IDLE and session.manager is None
    assert [r["event"] for r in audit.records][-1] == "session_wiped_staff_mode_left"
    assert isinstance(recorder.events[-2], ManagerModeLeft)


def test_manager_mode_only_from_the_welcome_screen() -> None:
    session, _, _, _ = new_session()
    session.start()
    with pytest.raises(SessionTransitionError):
        session.enter_manager_mode(Helper("manager", "Quản lý"))
    assert session.state is S.LANGUAGE and session.manager is None
    session.cancel()
    session.enter_technician_mode(Helper("technician", "Kỹ thuật"))
    with pytest.raises(SessionTransitionError):
        session.enter_manager_mode(Helper("manager", "Quản lý"))
    assert session.manager is None and session.state is S.TECHNICIAN


def test_a_failing_collaborator_wipe_does_not_stop_the_others() -> None:
    session, _, _, _ = new_session()

    class Broken:
        def wipe(self) -> None:
            raise OSError("spool gone")

    session.register_collaborator(Broken())
    form = walk_to_steps(session)
    with pytest.raises(OSError):
        session.card_removed()
    assert form.answers == {} and session.identity is None and session.state is S.IDLE


def test_each_visit_gets_a_new_session_hash() -> None:
    session, _, _, _ = new_session()
    first = session.session_hash
    walk_to_steps(session)
    session.cancel()
    assert session.session_hash != first and len(first) == 16


def test_language_resets_for_the_next_citizen() -> None:
    session, _, _, _ = new_session()
    session.start()
    session.choose_language("en")
    session.cancel()
    assert session.language == "vi"


def test_steps_cannot_be_completed_again_while_sending() -> None:
    session, _, _, _ = new_session()
    walk_to_steps(session)
    session.steps_completed()
    session.submission_started("k")
    with pytest.raises(SessionTransitionError):
        session.steps_completed()
    assert session.state is S.SUBMITTING and session.submission_key == "k"


def test_the_form_is_handed_back_with_its_own_type() -> None:
    session, _, _, _ = new_session()
    form = walk_to_steps(session)
    assert session.form_as(FormState) is form
    assert session.form_as(str) is None


def test_a_volunteer_signing_in_on_the_welcome_screen_starts_a_visit_with_a_timer() -> None:
    session, clock, _, _ = new_session()
    session.begin_assistance(Helper("TN-1", "An"))
    assert session.state is S.LANGUAGE
    clock.advance(120)
    session.tick()
    clock.advance(30)
    session.tick()
    assert session.state is S.IDLE and session.helper is None


def test_a_submission_failing_after_the_citizen_left_is_recorded_not_shown() -> None:
    session, _, recorder, audit = new_session()
    walk_to_steps(session)
    session.steps_completed()
    session.submission_started("k9")
    session.card_removed()
    session.submission_failed("k9", "queue.full")
    failed = recorder.of(SubmissionFailed)[-1]
    assert failed.orphaned and session.state is S.IDLE  # type: ignore[attr-defined]
    assert audit.records[-1]["event"] == "submission_failed" and session.orphaned_submission_keys == frozenset()


def test_no_event_or_repr_carries_personal_data() -> None:
    import dataclasses

    session, _, recorder, _ = new_session()
    identity = make_identity()
    session.begin_assistance(Helper("TN-007", "Trần Văn An"))
    session.choose_language("vi")
    session.identified(identity)
    session.face_verified("staff")
    session.choose_service("1.001", FormState())
    session.steps_completed()
    session.submission_started("k")
    session.submission_completed("k", "sent", "F-1")
    session.receipt_printed()
    session.card_removed()
    dumped = " ".join(repr(dataclasses.asdict(e)) for e in recorder.events)
    dumped += repr(session.helper) + repr(Helper("TN-007", "Trần Văn An"))
    for personal in (identity.id_number, identity.full_name, "Hàng Bạc", "1950", "Trần Văn An"):
        assert personal not in dumped

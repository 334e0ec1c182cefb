"""The assisted path after failed face checks, and the statistics that show how often each path is taken."""

from __future__ import annotations

from pathlib import Path

from kiosk.audit import AuditLog
from kiosk.session import Helper
from kiosk.staff.statistics import face_path_counts
from tests.kiosk.session_fixtures import make_identity, new_session


def _at_face_check() -> tuple:
    session, _clock, _recorder, audit = new_session()
    session.start()
    session.choose_language("vi")
    session.card_inserted()
    session.identified(make_identity())
    return session, audit


def test_the_assisted_path_is_due_after_the_third_failed_face_check() -> None:
    session, audit = _at_face_check()
    assert session.face_check_failed("no_match") is False
    assert session.face_check_failed("liveness_failed") is False
    assert session.face_check_failed("no_match") is True  # third failure: offer a volunteer or officer
    assert session.face_assistance_due
    failed = [r for r in audit.records if r["event"] == "face_check_failed"]
    assert len(failed) == 3 and all(r.get("staff_id", "") == "" for r in failed)


def test_failures_are_forgotten_with_the_session() -> None:
    session, _ = _at_face_check()
    for _ in range(3):
        session.face_check_failed("no_match")
    session.card_removed()
    assert not session.face_assistance_due


def test_a_staff_vouch_is_audited_as_its_own_path_with_the_volunteer_id() -> None:
    session, audit = _at_face_check()
    session.begin_assistance(Helper("TN-007", "Trần Văn An"))
    session.face_verified(method="staff")
    vouched = [r for r in audit.records if r["event"] == "face_vouched"]
    assert len(vouched) == 1 and vouched[0]["staff_id"] == "TN-007"


def test_statistics_count_how_often_each_face_path_is_used(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, "KIOSK-1")
    for event, staff in (("face_verified", ""), ("face_verified", ""), ("face_check_failed", ""),
                         ("face_check_failed", ""), ("face_check_failed", ""), ("face_verified", "TN-1"),
                         ("face_vouched", "TN-1"), ("session_started", "")):
        log.record(event, staff_id=staff)
    counts = face_path_counts(log.records())
    assert counts == {"camera": 2, "staff_vouched": 1, "checks_failed": 3}

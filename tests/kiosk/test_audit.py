from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.audit import AuditFieldError, AuditLog
from kiosk.config import SessionConfig
from kiosk.session import Helper, ManualClock, Session
from tests.kiosk.session_fixtures import FormState, make_identity

FIXED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _log(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path, "KIOSK-01", now=lambda: FIXED)


def test_records_are_appended_as_json_lines(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.record("session_started", session_hash="0a1b2c")
    log.record("submission_sent", session_hash="0a1b2c", staff_id="TN-007", service_code="1.001",
               file_code="H26.01-250312-0001")
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2
    second = json.loads(lines[1])
    assert second == {"event": "submission_sent", "time": "2026-03-02T09:00:00+00:00", "kiosk_id": "KIOSK-01",
                      "staff_id": "TN-007", "session_hash": "0a1b2c", "service_code": "1.001",
                      "file_code": "H26.01-250312-0001"}
    assert [r.event for r in log.records()] == ["session_started", "submission_sent"]


def test_a_reopened_log_appends_instead_of_overwriting(tmp_path: Path) -> None:
    _log(tmp_path).record("session_started")
    _log(tmp_path).record("session_started")
    assert len(list(_log(tmp_path).records())) == 2


@pytest.mark.parametrize(("field", "value"), [
    ("staff_id", "Nguyễn Văn A"),
    ("file_code", "001090012345"),
    ("service_code", "Hà Nội"),
    ("session_hash", "not-hex"),
    ("file_code", "F-0912345678"),
])
def test_personal_data_is_refused_and_nothing_is_written(tmp_path: Path, field: str, value: str) -> None:
    log = _log(tmp_path)
    with pytest.raises(AuditFieldError):
        log.record("submission_sent", **{field: value})
    assert not (tmp_path / "audit.jsonl").exists()


def test_a_damaged_line_is_skipped_when_reading(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.record("session_started")
    with (tmp_path / "audit.jsonl").open("a") as f:
        f.write("{broken\n")
    log.record("session_wiped_finished")
    assert [r.event for r in log.records()] == ["session_started", "session_wiped_finished"]


def test_a_whole_assisted_visit_leaves_no_personal_data_in_the_trail(tmp_path: Path) -> None:
    log = _log(tmp_path)
    clock = ManualClock()
    session = Session(SessionConfig(), clock=clock, audit=log)
    identity = make_identity()
    session.begin_assistance(Helper("TN-007", "Trần Văn An"))
    session.choose_language("vi")
    session.card_inserted()
    session.identified(identity)
    session.face_verified("staff")
    session.choose_service("1.001", FormState(answers={"address": "12 Hàng Bạc"}))
    session.steps_completed()
    session.submission_started("idem-1")
    session.submission_completed("idem-1", "sent", "H26.01-250312-0001")
    session.receipt_printed()
    session.card_removed()
    text = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    for personal in (identity.id_number, identity.document_number, identity.full_name, "HƯƠNG", "Hàng Bạc",
                     "1950", "Hà Nội", "Trần Văn An"):
        assert personal not in text
    assert text.isascii()
    for record in log.records():
        fields = [v for k, v in record.__dict__.items() if k != "session_hash"]
        assert not any(re.search(r"\d{9,}", v) for v in fields)
    events = [r.event for r in log.records()]
    assert "submission_sent" in events and "assistance_started" in events
    sent = next(r for r in log.records() if r.event == "submission_sent")
    assert sent.staff_id == "TN-007" and sent.file_code == "H26.01-250312-0001" and sent.service_code == "1.001"

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.i18n import Translator
from kiosk.stats import VN, compute_statistics, render_table
from offline_cache import ReceiptFacts, SqliteSubmissionQueue, StaticKeyProvider


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=VN).timestamp()

    def __call__(self) -> float:
        return self.now


def facts(service: str) -> ReceiptFacts:
    return ReceiptFacts(service, "********1234", "1234", 0.0)


def test_counts_per_service_state_day_and_median_time_to_acceptance(tmp_path: Path) -> None:
    clock = Clock()
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(bytes(32)), clock=clock)
    a = q.enqueue("1.004194", {"x": 1}, facts("1.004194"), claim=True).submission_id
    clock.now += 60
    q.mark_accepted(a, "F-1", None)
    b = q.enqueue("1.004194", {"x": 2}, facts("1.004194"), claim=True).submission_id
    clock.now += 180
    q.mark_accepted(b, "F-2", None)
    q.set_portal_status(b, 4)
    clock.now += 86400  # next day
    c = q.enqueue("2.001", {"x": 3}, facts("2.001")).submission_id
    q.enqueue("2.001", {"x": 4}, facts("2.001"))
    q.withdraw(c)
    result = compute_statistics(q)
    assert result.total == 4
    assert result.by_service == {"1.004194": 2, "2.001": 2}
    assert result.by_state == {"accepted": 2, "queued": 1, "withdrawn": 1}
    assert result.by_portal_status == {1: 1, 4: 1}
    assert result.by_day == {"2026-11-23": 2, "2026-11-24": 2}
    assert result.median_seconds_to_acceptance == 120.0
    assert result.waiting == 1 and result.oldest_waiting_since == "2026-11-24T09:04:00+07:00"
    only_first_day = compute_statistics(q, dt.date(2026, 11, 23), dt.date(2026, 11, 23))
    assert only_first_day.total == 2 and only_first_day.waiting == 0
    vi, en = render_table(result, Translator("vi")), render_table(result, Translator("en"))
    assert "1.004194" in vi and "Tổng số hồ sơ" in vi and "Files in all" in en and "Tổng số" not in en
    assert result.as_json()["by_portal_status"] == {"1": 1, "4": 1}
    q.close()

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.i18n import Translator
from kiosk.staff.statistics import compute_statistics, render_table
from kiosk.vietnam import VIETNAM_TIME
from offline_cache import ReceiptFacts, SqliteSubmissionQueue, StaticKeyProvider


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=VIETNAM_TIME).timestamp()

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


def test_the_manager_screen_and_the_cli_show_the_same_rows(tmp_path: Path) -> None:
    from dataclasses import dataclass

    from kiosk.catalogue.loader import load_catalogue
    from kiosk.catalogue.model import Catalogue
    from kiosk.staff.diagnostics import statistics
    from kiosk.staff.statistics import statistics_rows

    clock = Clock()
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(bytes(32)), clock=clock)
    catalogue = load_catalogue()
    code = catalogue.codes()[0]
    first = q.enqueue(code, {"x": 1}, facts(code), claim=True).submission_id
    q.mark_accepted(first, "F-1", None)
    q.set_portal_status(first, 4)
    q.enqueue("9.999", {"x": 2}, facts("9.999"))

    @dataclass
    class Queue:
        queue: SqliteSubmissionQueue

    @dataclass
    class Manager:  # what the manager's screen reads of the kiosk
        catalogue: Catalogue
        submissions: Queue
        translator: Translator

    for language in ("vi", "en"):
        screen = statistics(Manager(catalogue, Queue(q), Translator(language)), language)  # type: ignore[arg-type]
        rows = statistics_rows(compute_statistics(q), Translator(language))
        table = render_table(compute_statistics(q), Translator(language)).splitlines()
        name = catalogue.get(code).name.get(language)  # type: ignore[arg-type]
        # One rendering: the same labels and figures in the same order; only services are named on the screen.
        assert [value for _, value in screen] == [row.value for row in rows]
        assert [label for label, _ in screen] == [name if row.label == code else row.label for row in rows]
        assert len(table) == len(rows)
        assert all(row.label in line and line.rstrip().endswith(row.value) for row, line in zip(rows, table,
                                                                                              strict=True))
        labels = dict(screen)
        accepted = Translator(language).text("queue.state_accepted")
        assert labels[name] == "1" and labels["9.999"] == "1" and labels[accepted] == "1"
        assert labels[Translator(language).text("queue.stats_total")] == "2"
    q.close()

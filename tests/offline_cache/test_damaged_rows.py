"""One damaged row (a flipped bit in a sealed value that SQLite's own checks cannot see) is set aside as `damaged`;
every other row is still delivered, nothing is re-sent in a loop, and reading the queue never fails."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from offline_cache import (
    Attachment,
    Delivered,
    OutgoingSubmission,
    SendResult,
    SqliteSubmissionQueue,
    StaticKeyProvider,
    SubmissionState,
    SyncPolicy,
    SyncWorker,
)
from offline_cache.errors import QueueWrongKeyError
from tests.offline_cache.conftest import KEY, FakeClock, payload, receipt


class CountingPortal:
    """A stand-in portal (not the unit under test) that takes everything and counts the sends per row."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def send(self, item: OutgoingSubmission) -> SendResult:
        self.calls.append(item.submission_id)
        return Delivered(f"F-{len(self.calls):04d}", "2026-12-01T17:00:00+07:00", None)


def worker(queue: SqliteSubmissionQueue, clock: FakeClock, portal: CountingPortal) -> SyncWorker:
    return SyncWorker(queue, portal, SyncPolicy(max_rate_per_s=0.0, concurrency=1, batch_size=5), clock=clock,
                      rng=random.Random(1))


def flip(path: Path, sql: str, params: tuple[object, ...], bit: int = 3) -> None:
    """Flip one bit in the middle of a stored blob, through SQLite, so the file itself stays well-formed."""
    conn = sqlite3.connect(path)
    (blob,) = conn.execute(_select(sql), params).fetchone()
    damaged = bytearray(blob)
    damaged[len(damaged) // 2] ^= 1 << bit
    conn.execute(sql, (bytes(damaged), *params))
    conn.commit()
    conn.close()


def _select(update_sql: str) -> str:
    # "UPDATE t SET col=? WHERE cond" -> "SELECT col FROM t WHERE cond"
    head, where = update_sql.split(" WHERE ")
    table, col = head.removeprefix("UPDATE ").split(" SET ")
    return f"SELECT {col.removesuffix('=?')} FROM {table} WHERE {where}"


@pytest.mark.parametrize("part", ["payload", "attachment", "receipt"])
def test_a_damaged_oldest_row_is_set_aside_and_every_other_row_is_delivered(tmp_path: Path, clock: FakeClock,
                                                                           part: str) -> None:
    path = tmp_path / "queue.sqlite3"
    q = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    att = [Attachment("TP1", "scan.jpg", "image/jpeg", b"\xff\xd8" + bytes(3000))]
    ids = []
    for i in range(8):
        ids.append(q.enqueue("1.004194", payload(i), receipt(), att).submission_id)
        clock.advance(1)
    bad = ids[0]
    if part == "attachment":
        flip(path, "UPDATE attachments SET blob=? WHERE submission_id=? AND idx=0", (bad,))
    else:
        flip(path, f"UPDATE submissions SET {part}=? WHERE id=?", (bad,))
    portal = CountingPortal()
    w = worker(q, clock, portal)
    for _ in range(5):
        w.run_once()
        clock.advance(1)
    assert sorted(portal.calls) == sorted(ids[1:])  # each good row once, the damaged one never
    assert q.get(bad).state is SubmissionState.DAMAGED
    assert q.get(bad).last_error == f"damaged_{part}"
    assert q.counts()[SubmissionState.DAMAGED] == 1
    assert q.counts()[SubmissionState.ACCEPTED] == 7
    # No busy loop: nothing is due any more, so the worker idles instead of claiming the damaged row again.
    assert q.next_due_at() is None and q.claim_due(10) == []
    q.close()


def test_a_receipt_damaged_while_the_send_was_in_flight_is_recorded_once_not_resent(tmp_path: Path,
                                                                                    clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    sid = q.enqueue("1.004194", payload(), receipt()).submission_id
    (item,) = q.claim_due(1)
    flip(path, "UPDATE submissions SET receipt=? WHERE id=?", (sid,))
    portal = CountingPortal()
    w = worker(q, clock, portal)
    w.settle(item, portal.send(item))
    for _ in range(5):
        clock.advance(60)
        w.run_once()
    record = q.get(sid)
    assert portal.calls == [sid]
    # The portal has the file: its code is kept in the clear column for staff, the row is never sent again.
    assert record.state is SubmissionState.DAMAGED and record.file_code == "F-0001"
    assert record.last_error == "damaged_receipt"
    q.close()


def test_listing_and_reading_a_damaged_row_never_raise(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    ids = [q.enqueue("1.004194", payload(i), receipt()).submission_id for i in range(3)]
    flip(path, "UPDATE submissions SET receipt=? WHERE id=?", (ids[1],))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE submissions SET state='qu\x01ed', created_at='x' WHERE id=?", (ids[2],))
    conn.commit()
    conn.close()
    records = {r.submission_id: r for r in q.list_records()}
    assert set(records) == set(ids)
    assert records[ids[0]].unreadable == () and records[ids[0]].receipt.masked_id == "********1234"
    assert records[ids[1]].unreadable == ("receipt",) and records[ids[1]].receipt.masked_id == ""
    assert records[ids[2]].state is SubmissionState.DAMAGED and "state" in records[ids[2]].unreadable
    counts = q.counts()
    assert counts[SubmissionState.QUEUED] == 2 and counts[SubmissionState.DAMAGED] == 1
    q.close()


def test_a_wrong_key_is_told_apart_from_a_damaged_row(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    q.enqueue("1.004194", payload(), receipt())
    q.close()
    with pytest.raises(QueueWrongKeyError) as info:
        SqliteSubmissionQueue(path, StaticKeyProvider(bytes(32)), clock=clock)
    assert info.value.message_key == "queue.key_wrong"

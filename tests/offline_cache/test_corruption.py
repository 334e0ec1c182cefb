from __future__ import annotations

from pathlib import Path

import pytest

from offline_cache import NewSubmission, QueueCorruptedError, SqliteSubmissionQueue, StaticKeyProvider, SubmissionState
from tests.offline_cache.conftest import KEY, FakeClock, payload, receipt


def test_a_file_that_is_not_a_database_is_set_aside_and_a_fresh_queue_starts(tmp_path: Path,
                                                                              clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    q = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    assert q.quarantined is not None and q.quarantined.exists()
    assert q.quarantined.read_bytes().startswith(b"this is not sqlite")
    sid = q.enqueue("1.004194", payload(), receipt()).submission_id
    assert q.get(sid).state is SubmissionState.QUEUED
    q.close()


def test_damaged_pages_are_quarantined_and_readable_rows_salvaged(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    ids = [q.enqueue("1.004194", payload(i), receipt()).submission_id for i in range(30)]
    q._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    q.close()
    data = bytearray(path.read_bytes())
    page = 4096
    # Scribble over the last page (index b-tree pages), leaving the table's leaf pages intact.
    data[-page:] = b"\xff" * page
    path.write_bytes(bytes(data))
    q2 = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    assert q2.quarantined is not None
    salvaged = {r.submission_id for r in q2.list_records()}
    assert salvaged <= set(ids) and len(salvaged) > 0
    for sid in salvaged:
        assert q2.payload(sid) is not None
    q2.close()


def test_a_healthy_file_is_left_alone(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    q.enqueue("1.004194", payload(), receipt())
    q.close()
    q2 = SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)
    assert q2.quarantined is None and len(q2.list_records()) == 1
    q2.close()


def _damage_while_open(q: SqliteSubmissionQueue) -> None:
    q._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    q._conn.execute("PRAGMA cache_size=1")  # so the next reads come from the (now damaged) file
    data = bytearray(q.path.read_bytes())
    data[4096 * 10 : 4096 * 12] = b"\x13" * 8192
    q.path.write_bytes(bytes(data))


def test_damage_found_while_running_is_reported_then_repaired_keeping_readable_rows(tmp_path: Path,
                                                                                    clock: FakeClock) -> None:
    q = SqliteSubmissionQueue(tmp_path / "queue.sqlite3", StaticKeyProvider(KEY), clock=clock)
    big = {"form": {"data": {"text": "x" * 500}}}
    ids = [f"s-{i}" for i in range(300)]
    q.enqueue_many(NewSubmission(sid, "1.004194", {**big, "n": i}, receipt()) for i, sid in enumerate(ids))
    _damage_while_open(q)
    with pytest.raises(QueueCorruptedError) as info:
        q.list_records(limit=1000)
    assert info.value.message_key == "queue.corrupted"
    quarantine = q.repair()
    assert quarantine is not None and quarantine.exists() and q.quarantined == quarantine
    kept = {r.submission_id for r in q.list_records(limit=1000)}
    assert kept <= set(ids) and len(kept) >= 250  # only the rows on the two damaged pages are left behind
    assert q.enqueue("1.004194", payload(), receipt()).state is SubmissionState.QUEUED
    q.close()

from __future__ import annotations

from pathlib import Path

from offline_cache import SqliteSubmissionQueue, StaticKeyProvider, SubmissionState
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

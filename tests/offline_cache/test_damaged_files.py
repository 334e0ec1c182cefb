"""A queue file that vanished, shrank, lost its WAL or was cut short is noticed through the signed manifest kept
beside it, told to staff until acknowledged, and every readable row is salvaged with a recovered/expected count."""

from __future__ import annotations

import shutil
from pathlib import Path

from offline_cache import NewSubmission, SqliteSubmissionQueue, StaticKeyProvider, SubmissionState
from offline_cache.salvage import walk
from tests.offline_cache.conftest import KEY, FakeClock, payload, receipt


def open_queue(path: Path, clock: FakeClock) -> SqliteSubmissionQueue:
    return SqliteSubmissionQueue(path, StaticKeyProvider(KEY), clock=clock)


def fill(q: SqliteSubmissionQueue, n: int, start: int = 0) -> list[str]:
    ids = [f"s-{start + i:04d}" for i in range(n)]
    q.enqueue_many(NewSubmission(sid, "1.004194", payload(start + i), receipt()) for i, sid in enumerate(ids))
    return ids


def kinds(q: SqliteSubmissionQueue) -> list[str]:
    return [i.kind for i in q.incidents()]


def test_a_healthy_queue_reopened_many_times_reports_nothing(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    for round_ in range(4):
        q = open_queue(path, clock)
        assert q.incidents() == ()
        fill(q, 5, start=round_ * 5)
        q.close()
    assert (tmp_path / "queue.sqlite3.manifest").exists()


def test_an_older_manifest_is_no_false_alarm(tmp_path: Path, clock: FakeClock) -> None:
    # A stop between a commit and the manifest update leaves the manifest behind the file: never a loss.
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    fill(q, 3)
    old = (tmp_path / "queue.sqlite3.manifest").read_bytes()
    fill(q, 3, start=3)
    q.close()
    (tmp_path / "queue.sqlite3.manifest").write_bytes(old)
    q = open_queue(path, clock)
    assert q.incidents() == () and len(q.list_records()) == 6
    q.close()


def test_a_queue_file_emptied_to_zero_bytes_is_reported_until_acknowledged(tmp_path: Path,
                                                                           clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    fill(q, 5)
    q.close()
    path.write_bytes(b"")
    q = open_queue(path, clock)
    (incident,) = q.incidents()
    assert incident.kind == "vanished" and incident.expected_rows == 5 and incident.found_rows == 0
    q.close()
    q = open_queue(path, clock)  # still told at the next start (and to every other process)
    assert kinds(q) == ["vanished"]
    q.acknowledge_incidents()
    q.close()
    q = open_queue(path, clock)
    assert q.incidents() == ()
    q.close()


def test_a_lost_wal_is_noticed_as_missing_rows(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    fill(q, 10)
    q._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    fill(q, 5, start=10)  # these live only in the WAL so far
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(path, copy / path.name)
    shutil.copy(tmp_path / "queue.sqlite3.manifest", copy / "queue.sqlite3.manifest")
    q.close()
    q = open_queue(copy / path.name, clock)
    (incident,) = q.incidents()
    assert incident.kind == "rows_missing" and (incident.expected_rows, incident.found_rows) == (15, 10)
    q.close()


def test_a_damaged_wal_is_noticed_as_missing_rows(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    fill(q, 10)
    q._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for i in range(5):  # five commits, five sets of WAL frames
        fill(q, 1, start=10 + i)
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("queue.sqlite3", "queue.sqlite3-wal", "queue.sqlite3.manifest"):
        shutil.copy(tmp_path / name, copy / name)
    q.close()
    wal = bytearray((copy / "queue.sqlite3-wal").read_bytes())
    wal[len(wal) // 2] ^= 0xFF  # a frame's checksum fails: SQLite drops it and every later frame
    (copy / "queue.sqlite3-wal").write_bytes(bytes(wal))
    q = open_queue(copy / path.name, clock)
    (incident,) = q.incidents()
    assert incident.kind == "rows_missing" and incident.expected_rows == 15 and incident.found_rows < 15
    q.close()


def test_a_tampered_manifest_is_reported(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    fill(q, 2)
    q.close()
    manifest = tmp_path / "queue.sqlite3.manifest"
    # Both copies edited (the count lowered in one, a byte changed in the other): neither signature holds.
    raw = bytearray(manifest.read_bytes().replace(b'"rows": 2', b'"rows": 1'))
    raw[8192 + 40] ^= 0x01
    raw[40] ^= 0x01
    manifest.write_bytes(bytes(raw))
    q = open_queue(path, clock)
    assert kinds(q) == ["manifest_damaged"]
    q.close()


def test_a_manifest_update_cut_short_falls_back_to_the_previous_copy(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    fill(q, 2)
    fill(q, 2, start=2)
    q.close()
    manifest = tmp_path / "queue.sqlite3.manifest"
    raw = bytearray(manifest.read_bytes())
    newest = raw.index(b'"rows": 4')
    raw[newest : newest + 200] = bytes(200)  # the newest copy was being written when the power went
    manifest.write_bytes(bytes(raw))
    q = open_queue(path, clock)
    assert q.incidents() == () and len(q.list_records()) == 4
    q.close()


def test_truncation_to_half_salvages_the_readable_rows_and_counts_them(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    ids = fill(q, 200)
    q.close()
    data = path.read_bytes()
    cut = data[: len(data) // 2]
    path.write_bytes(cut)
    # What could in principle be read: rows whose cell (id followed by the service code) lies in the kept half.
    readable = {sid for sid in ids if (sid + "1.004194").encode() in cut}
    assert 50 < len(readable) < 200
    q = open_queue(path, clock)
    (incident,) = q.incidents()
    assert incident.kind == "quarantined" and incident.expected_rows == 200
    assert incident.quarantine and Path(incident.quarantine).exists()
    recovered = {r.submission_id for r in q.list_records(limit=1000)}
    assert incident.recovered_rows == incident.found_rows == len(recovered)
    assert recovered <= set(ids) and len(recovered & readable) >= 0.95 * len(readable)
    for sid in recovered:  # salvaged rows open with the key and can still be delivered
        assert q.payload(sid) is not None and q.get(sid).state is SubmissionState.QUEUED
    q.close()


def test_the_page_walk_reads_committed_wal_frames_and_skips_broken_ones(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "queue.sqlite3"
    q = open_queue(path, clock)
    fill(q, 10)
    q._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for i in range(5):
        fill(q, 1, start=10 + i)  # each its own commit, only in the WAL
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("queue.sqlite3", "queue.sqlite3-wal"):
        shutil.copy(tmp_path / name, copy / name)
    q.close()
    assert len({v[0] for t, v in walk(copy / "queue.sqlite3") if t == "submissions"}) == 15
    wal = bytearray((copy / "queue.sqlite3-wal").read_bytes())
    wal[-100] ^= 0xFF  # the last commit's frame no longer checks out: that commit is not read, the others are
    (copy / "queue.sqlite3-wal").write_bytes(bytes(wal))
    assert len({v[0] for t, v in walk(copy / "queue.sqlite3") if t == "submissions"}) == 14

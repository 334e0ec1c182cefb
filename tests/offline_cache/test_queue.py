from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from offline_cache import (
    Attachment,
    FieldProblem,
    FileKeyProvider,
    NewSubmission,
    QueueKeyError,
    QueueStorageFullError,
    SqliteSubmissionQueue,
    StaticKeyProvider,
    SubmissionNotFoundError,
    SubmissionNotWithdrawableError,
    SubmissionState,
)
from offline_cache.errors import DamagedValueError
from tests.offline_cache.conftest import KEY, FakeClock, payload, receipt


def test_enqueued_submission_is_waiting_and_reads_back_decrypted(queue: SqliteSubmissionQueue) -> None:
    pdf = Attachment("TP1", "giay-to.pdf", "application/pdf", b"%PDF-1.4 scanned page")
    rec = queue.enqueue("1.004194", payload(1), receipt(), [pdf])
    assert rec.state is SubmissionState.QUEUED and rec.attempts == 0
    (item,) = queue.claim_due()
    assert item.submission_id == rec.submission_id
    assert item.payload == payload(1)
    assert item.attachments == (pdf,)
    assert queue.get(rec.submission_id).state is SubmissionState.SENDING


def test_nothing_personal_is_stored_in_clear(tmp_path: Path, clock: FakeClock) -> None:
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY), clock=clock)
    q.enqueue("1.004194", payload(7), receipt("5678"), [Attachment("TP1", "cccd.pdf", "application/pdf",
                                                                     b"SECRET-SCAN-BYTES")])
    q.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in ("Nguyễn Thị Hoa".encode(), b"001090000007", b"12 Ph", b"SECRET-SCAN-BYTES", b"5678",
                   b"cccd.pdf"):
        assert secret not in raw
    assert b"1.004194" in raw  # the service code is kept in clear on purpose, for statistics


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    keyfile = tmp_path / "sub" / "queue.key"
    first = FileKeyProvider(keyfile).load_key()
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    assert FileKeyProvider(keyfile).load_key() == first and len(first) == 32


def test_opening_with_another_key_is_refused_not_misread(tmp_path: Path, clock: FakeClock) -> None:
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY), clock=clock)
    q.enqueue("1.004194", payload(), receipt())
    q.close()
    with pytest.raises(QueueKeyError) as info:
        SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(bytes(32)), clock=clock)
    assert info.value.message_key == "queue.key_wrong"


def test_a_sealed_blob_moved_to_another_row_does_not_open(queue: SqliteSubmissionQueue) -> None:
    a = queue.enqueue("1.004194", payload(1), receipt()).submission_id
    b = queue.enqueue("1.004194", payload(2), receipt()).submission_id
    conn = sqlite3.connect(queue.path)
    conn.execute("UPDATE submissions SET payload=(SELECT payload FROM submissions WHERE id=?) WHERE id=?", (a, b))
    conn.commit()
    conn.close()
    with pytest.raises(DamagedValueError):
        queue.payload(b)


def test_interrupted_send_goes_back_in_line_with_the_same_key(tmp_path: Path, clock: FakeClock) -> None:
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY), clock=clock)
    sid = q.enqueue("1.004194", payload(), receipt()).submission_id
    assert [i.submission_id for i in q.claim_due()] == [sid]
    q.close()  # the process dies while sending
    q2 = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY), clock=clock)
    assert q2.recover_interrupted() == 1
    (again,) = q2.claim_due()
    assert again.submission_id == sid and again.attempt == 2
    q2.close()


def test_accepted_submission_keeps_receipt_facts_for_reprint(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt("4321"), claim=True).submission_id
    queue.mark_accepted(sid, "000.00.01.H26-261124-0007", "2026-12-01T17:00:00+07:00")
    rec = queue.get(sid)
    assert rec.state is SubmissionState.ACCEPTED and rec.file_code == "000.00.01.H26-261124-0007"
    assert rec.receipt.file_code == rec.file_code and rec.receipt.due_at == "2026-12-01T17:00:00+07:00"
    assert rec.receipt.masked_id == "********4321" and "4321" not in repr(rec.receipt)
    assert queue.find_by_file_code("000.00.01.H26-261124-0007") == rec


def test_a_late_second_answer_does_not_overwrite_the_first(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    queue.mark_accepted(sid, "A-1", None)
    queue.mark_deferred(sid, "http_503", 0.0)
    queue.mark_rejected(sid, "validation")
    queue.mark_accepted(sid, "A-2", None)
    assert queue.get(sid).file_code == "A-1" and queue.get(sid).state is SubmissionState.ACCEPTED


def test_rejection_keeps_field_problems_encrypted(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    problem = FieldProblem("applicant.id_number", "invalid", "Sai số định danh", "Wrong ID number")
    queue.mark_rejected(sid, "validation", [problem])
    rec = queue.get(sid)
    assert rec.state is SubmissionState.REJECTED and rec.problems == (problem,)
    assert b"Sai s" not in queue.path.read_bytes() + queue.path.with_name(queue.path.name + "-wal").read_bytes()


def test_withdrawn_before_sending_is_never_handed_to_a_sender(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt()).submission_id
    queue.withdraw(sid)
    assert queue.claim_due(10) == []
    rec = queue.get(sid)
    assert rec.state is SubmissionState.WITHDRAWN and rec.payload_cleared


def test_withdraw_refuses_once_the_file_is_being_sent(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    with pytest.raises(SubmissionNotWithdrawableError) as info:
        queue.withdraw(sid)
    assert info.value.state == "sending"
    with pytest.raises(SubmissionNotFoundError):
        queue.withdraw("no-such-id")


def test_deferred_rows_wait_for_their_time(queue: SqliteSubmissionQueue, clock: FakeClock) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    queue.mark_deferred(sid, "http_503", clock.now + 30)
    assert queue.claim_due() == []
    clock.advance(31)
    assert [i.submission_id for i in queue.claim_due()] == [sid]


def test_reschedule_all_now_makes_backed_off_rows_due(queue: SqliteSubmissionQueue, clock: FakeClock) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt(), claim=True).submission_id
    queue.mark_deferred(sid, "http_503", clock.now + 300)
    assert queue.reschedule_all_now() == 1
    assert [i.submission_id for i in queue.claim_due()] == [sid]


def test_release_hands_back_untried_rows_without_counting_an_attempt(queue: SqliteSubmissionQueue) -> None:
    sid = queue.enqueue("1.004194", payload(), receipt()).submission_id
    queue.claim_due()
    queue.release([sid])
    rec = queue.get(sid)
    assert rec.state is SubmissionState.QUEUED and rec.attempts == 0


def test_retention_clears_old_payloads_but_keeps_statistics(queue: SqliteSubmissionQueue, clock: FakeClock) -> None:
    old = queue.enqueue("1.004194", payload(1), receipt(), [Attachment("TP", "a.pdf", "application/pdf", b"x")],
                        claim=True).submission_id
    queue.mark_accepted(old, "F-1", "2026-12-01T17:00:00+07:00")
    clock.advance(40 * 86400)
    new = queue.enqueue("1.004194", payload(2), receipt(), claim=True).submission_id
    queue.mark_accepted(new, "F-2", None)
    waiting = queue.enqueue("1.004194", payload(3), receipt()).submission_id
    assert queue.purge_payloads(30 * 86400) == 1
    assert queue.payload(old) is None and queue.get(old).payload_cleared
    assert queue.get(old).receipt.file_code == "F-1"
    assert queue.payload(new) == payload(2) and queue.payload(waiting) == payload(3)
    assert len(queue.stats_rows()) == 3


def test_batch_enqueue_saves_all_or_nothing(queue: SqliteSubmissionQueue) -> None:
    items = [NewSubmission(f"id-{i}", "1.004194", payload(i), receipt()) for i in range(50)]
    assert queue.enqueue_many(items) == 50
    duplicate = [NewSubmission("id-new", "1.004194", payload(), receipt()), items[0]]
    with pytest.raises(Exception, match="UNIQUE"):
        queue.enqueue_many(duplicate)
    assert queue.counts()[SubmissionState.QUEUED] == 50


def test_full_disk_gives_a_clear_error_and_keeps_what_was_saved(queue: SqliteSubmissionQueue) -> None:
    kept = queue.enqueue("1.004194", payload(), receipt()).submission_id
    queue._conn.execute("PRAGMA max_page_count=" + str(queue._conn.execute("PRAGMA page_count").fetchone()[0]))
    big = Attachment("TP", "scan.pdf", "application/pdf", os.urandom(200_000))
    with pytest.raises(QueueStorageFullError) as info:
        queue.enqueue("1.004194", payload(), receipt(), [big])
    assert info.value.message_key == "queue.disk_full"
    assert queue.payload(kept) == payload() and queue.counts()[SubmissionState.QUEUED] == 1

"""`kiosk queue retry --requeue-rejected` and the set-up fault line of `kiosk queue status`, on a real queue file."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_config
from offline_cache import FileKeyProvider, ReceiptFacts, SqliteSubmissionQueue, SubmissionState

NAME = "Đỗ Văn Hùng"
ID_NUMBER = "001090001234"


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\ndata_dir = "data"\n[portal]\nbase_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    return path


def open_queue(cfg: Path) -> SqliteSubmissionQueue:
    config = load_config(cfg)
    return SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))


def rejected_row(cfg: Path, reason: str = "not_found") -> str:
    """A row refused the way the old client refused every file behind a proxy answering 404."""
    q = open_queue(cfg)
    facts = ReceiptFacts("1.004194", "********1234", "1234", 0.0)
    sid = q.enqueue("1.004194", {"applicant": {"full_name": NAME, "id_number": ID_NUMBER}}, facts,
                    claim=True).submission_id
    q.mark_rejected(sid, reason)
    q.close()
    return sid


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def audit_lines(cfg: Path) -> list[dict[str, str]]:
    path = load_config(cfg).kiosk.data_dir / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="ascii").splitlines()]


def test_a_rejected_file_is_not_retried_without_the_confirmation_flag(cfg: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    sid = rejected_row(cfg)
    code, _, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "retry", sid)
    assert code == 1 and "--requeue-rejected" in err and err.count("\n") == 1
    q = open_queue(cfg)
    assert q.get(sid).state is SubmissionState.REJECTED
    q.close()
    assert audit_lines(cfg) == []


def test_requeue_rejected_puts_the_file_back_in_line_and_audits_it(cfg: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    sid = rejected_row(cfg)
    before = time.time()
    code, out, _ = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "retry", sid, "--requeue-rejected",
                       "--staff-id", "TN-007")
    assert code == 0 and sid in out
    q = open_queue(cfg)
    record = q.get(sid)
    assert record.state is SubmissionState.QUEUED and record.next_attempt_at <= time.time()
    assert record.next_attempt_at >= before - 1 and record.problems == ()
    (item,) = q.claim_due(5)  # the same idempotency key goes out again
    assert item.submission_id == sid and item.payload["applicant"]["full_name"] == NAME
    q.close()
    (line,) = audit_lines(cfg)
    assert line["event"] == "queue_requeue_rejected" and line["submission_id"] == sid
    assert line["staff_id"] == "TN-007" and line["service_code"] == "1.004194"
    text = json.dumps(line, ensure_ascii=False)
    assert NAME not in text and ID_NUMBER not in text


def test_requeue_refuses_a_file_whose_payload_retention_cleared(cfg: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    sid = rejected_row(cfg)
    q = open_queue(cfg)
    assert q.purge_payloads(-10.0) == 1
    q.close()
    code, _, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "retry", sid, "--requeue-rejected")
    assert code == 1 and "cleared" in err
    q = open_queue(cfg)
    assert q.get(sid).state is SubmissionState.REJECTED
    q.close()
    assert audit_lines(cfg) == []


def test_requeue_refuses_a_staff_id_that_is_not_an_id(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sid = rejected_row(cfg)
    code, _, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "retry", sid, "--requeue-rejected",
                       "--staff-id", NAME)
    assert code == 2 and NAME not in err
    q = open_queue(cfg)
    assert q.get(sid).state is SubmissionState.REJECTED
    q.close()


def test_requeue_flag_on_a_waiting_file_just_retries_it(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = open_queue(cfg)
    sid = q.enqueue("1.004194", {}, ReceiptFacts("1.004194", "********1234", "1234", 0.0)).submission_id
    q.close()
    assert run(capsys, "--config", str(cfg), "queue", "retry", sid, "--requeue-rejected")[0] == 0
    assert audit_lines(cfg) == []


def test_status_names_a_portal_setup_fault(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = open_queue(cfg)
    facts = ReceiptFacts("1.004194", "********1234", "1234", 0.0)
    sid = q.enqueue("1.004194", {}, facts, claim=True).submission_id
    q.mark_deferred(sid, "config_http_404", time.time() + 30)
    q.close()
    code, out, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "status")
    assert code == 0 and "portal address or credentials" in (out + err).lower()
    code, out, _ = run(capsys, "--config", str(cfg), "queue", "status", "--json")
    assert json.loads(out)["portal_fault"] == "config_http_404"


def test_status_is_quiet_about_ordinary_outages(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = open_queue(cfg)
    sid = q.enqueue("1.004194", {}, ReceiptFacts("1.004194", "********1234", "1234", 0.0), claim=True).submission_id
    q.mark_deferred(sid, "http_503", time.time() + 30)
    q.close()
    code, out, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "status")
    assert code == 0 and "credentials" not in (out + err).lower()
    code, out, _ = run(capsys, "--config", str(cfg), "queue", "status", "--json")
    assert json.loads(out)["portal_fault"] is None

"""The `kiosk queue`, `kiosk stats` and `kiosk portal-sim` commands on a real queue file."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_config
from offline_cache import FileKeyProvider, ReceiptFacts, SqliteSubmissionQueue


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, list[str]]:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[kiosk]\ndata_dir = "data"\n[portal]\nbase_url = "http://127.0.0.1:9"\nconnect_timeout_s = 0.3\n',
                   encoding="utf-8")
    config = load_config(cfg)
    q = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    facts = ReceiptFacts("1.004194", "********1234", "1234", 0.0)
    ids = [q.enqueue("1.004194", {"applicant": {"full_name": "Đỗ Văn Hùng"}}, facts).submission_id for _ in range(2)]
    sent = q.enqueue("1.004194", {}, facts, claim=True).submission_id
    q.mark_accepted(sent, "F-0001", "2026-12-01")
    q.close()
    return cfg, [*ids, sent]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_status_list_and_show_never_print_personal_data(setup: tuple[Path, list[str]],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    cfg, ids = setup
    code, out, _ = run(capsys, "--config", str(cfg), "queue", "status", "--json")
    assert code == 0 and json.loads(out)["counts"]["queued"] == 2
    code, out, _ = run(capsys, "--config", str(cfg), "queue", "list", "--state", "accepted", "--json")
    assert [r["file_code"] for r in json.loads(out)] == ["F-0001"]
    code, out, _ = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "show", ids[0])
    assert code == 0 and ids[0] in out and "********1234" in out and "Hùng" not in out


def test_retry_withdraw_and_unknown_ids(setup: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    cfg, ids = setup
    assert run(capsys, "--config", str(cfg), "queue", "retry", ids[0])[0] == 0
    code, _, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "retry", ids[2])
    assert code == 1 and "not waiting" in err
    code, out, _ = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "withdraw", ids[1])
    assert code == 0 and "cancelled" in out
    code, _, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "show", "nope")
    assert code == 1 and "nope" in err
    # The sent file cannot be withdrawn while the portal is unreachable: a clear message, nothing changed.
    code, _, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "withdraw", ids[2])
    assert code == 1 and "portal" in err.lower()


def test_withdrawing_a_file_sent_without_an_answer_is_recorded_as_pending_not_cancelled(
        setup: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    cfg, _ = setup
    config = load_config(cfg)
    q = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    sid = q.enqueue("1.004194", {}, ReceiptFacts("1.004194", "********1234", "1234", 0.0), claim=True).submission_id
    q.mark_deferred(sid, "connection", 0.0)  # sent once; the answer never came: the portal may hold it
    q.close()
    code, out, _ = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "withdraw", sid)
    assert code == 0 and "cancelled" not in out and "portal answers" in out
    q = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    assert q.get(sid).state.value == "withdrawing"
    q.close()


def test_export_is_encrypted_and_complete(setup: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    cfg, ids = setup
    out_file = tmp_path / "export.bin"
    assert run(capsys, "--config", str(cfg), "queue", "export", "--out", str(out_file))[0] == 0
    raw = out_file.read_bytes()
    assert b"1.004194" not in raw and "Hùng".encode() not in raw
    config = load_config(cfg)
    q = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    doc = q.open_export(out_file)
    q.close()
    assert {r["id"] for r in doc["submissions"]} == set(ids)


def test_stats_json_and_bad_dates(setup: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    cfg, _ = setup
    code, out, _ = run(capsys, "--config", str(cfg), "stats", "--json")
    assert code == 0 and json.loads(out)["by_state"] == {"accepted": 1, "queued": 2}
    assert run(capsys, "--config", str(cfg), "stats", "--from", "2026-02-30")[0] == 2


def test_portal_sim_refuses_a_bad_fault_spec(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--lang", "en", "portal-sim", "--port", "0", "--db", str(tmp_path / "s.db"),
                       "--faults", "503:9")
    assert code == 2 and "fault" in err.lower()


def _flip_receipt(db: Path, sid: str) -> None:
    conn = sqlite3.connect(db)
    (blob,) = conn.execute("SELECT receipt FROM submissions WHERE id=?", (sid,)).fetchone()
    damaged = bytearray(blob)
    damaged[len(damaged) // 2] ^= 0x10
    conn.execute("UPDATE submissions SET receipt=?, state='damaged' WHERE id=?", (bytes(damaged), sid))
    conn.commit()
    conn.close()


def test_status_and_list_show_damaged_rows(setup: tuple[Path, list[str]],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    cfg, ids = setup
    _flip_receipt(load_config(cfg).queue.db_path, ids[0])
    code, out, _ = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "status")
    assert code == 0 and "damaged" in out and "set aside" in out
    code, out, _ = run(capsys, "--config", str(cfg), "queue", "status", "--json")
    assert json.loads(out)["counts"]["damaged"] == 1
    code, out, _ = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "list")
    assert code == 0 and len(out.splitlines()) == 3
    assert any(ids[0] in line and "damaged" in line for line in out.splitlines())


def test_status_exits_1_for_a_vanished_queue_until_acknowledged(setup: tuple[Path, list[str]],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    cfg, _ = setup
    load_config(cfg).queue.db_path.write_bytes(b"")
    code, out, err = run(capsys, "--config", str(cfg), "--lang", "en", "queue", "status")
    assert code == 1 and "3" in err and "0" in err and "emptied" in err
    code, out, _ = run(capsys, "--config", str(cfg), "queue", "status", "--json")
    assert code == 1 and json.loads(out)["incidents"][0]["kind"] == "vanished"
    assert run(capsys, "--config", str(cfg), "--lang", "en", "queue", "status", "--acknowledge")[0] == 0
    assert run(capsys, "--config", str(cfg), "queue", "status")[0] == 0


def test_status_and_list_end_in_clear_lines_after_random_byte_flips(setup: tuple[Path, list[str]],
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path) -> None:
    cfg, _ = setup
    config = load_config(cfg)
    q = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    facts = ReceiptFacts("1.004194", "********1234", "1234", 0.0)
    for i in range(60):
        q.enqueue("1.004194", {"n": i, "text": "x" * 300}, facts)
    q.close()
    data = config.queue.db_path.parent
    pristine = tmp_path / "pristine"
    shutil.copytree(data, pristine)
    rng = random.Random(10)
    codes: set[int] = set()
    for _ in range(40):
        shutil.rmtree(data)
        shutil.copytree(pristine, data)
        raw = bytearray(config.queue.db_path.read_bytes())
        for _ in range(rng.choice((1, 4, 32, 256))):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        config.queue.db_path.write_bytes(bytes(raw))
        for argv in (("queue", "status"), ("queue", "list"), ("queue", "status", "--json"),
                     ("queue", "list", "--json")):
            code, out, err = run(capsys, "--config", str(cfg), "--lang", "en", *argv)
            codes.add(code)
            assert code in (0, 1), err
            assert "Traceback" not in out + err
            if code == 1:
                assert err.strip() and all(len(line) < 300 for line in err.splitlines())
            elif argv[-1] == "--json":
                json.loads(out)
    assert codes == {0, 1}

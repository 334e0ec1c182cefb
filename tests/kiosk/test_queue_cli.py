"""The `kiosk queue`, `kiosk stats` and `kiosk portal-sim` commands on a real queue file."""

from __future__ import annotations

import json
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

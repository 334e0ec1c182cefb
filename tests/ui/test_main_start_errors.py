"""`python -m ui` start-up failures end in one translated line and an operational exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_cache import FileKeyProvider, SqliteSubmissionQueue
from ui.__main__ import main


def _config(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{data}"\n[speech]\nbackend = "silent"\n[portal]\nstart_simulator = false\n',
                    encoding="utf-8")
    return path


def test_a_lost_queue_key_stops_the_start_with_the_queues_own_message(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    SqliteSubmissionQueue(data / "queue.sqlite3", FileKeyProvider(data / "queue.key")).close()
    (data / "queue.key").unlink()

    code = main(["--config", str(_config(tmp_path))])

    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "queue.db_path" in err
    assert len(err.strip().splitlines()) == 1

"""The queue key file: written atomically, kept private, and each problem with it told apart."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import pytest

from offline_cache import FileKeyProvider, SqliteSubmissionQueue, StaticKeyProvider
from offline_cache.crypto import KEY_BYTES
from offline_cache.errors import QueueError
from tests.offline_cache.conftest import FakeClock, payload, receipt


def make_queue(tmp_path: Path, clock: FakeClock) -> tuple[Path, Path]:
    db, key = tmp_path / "queue.sqlite3", tmp_path / "queue.key"
    q = SqliteSubmissionQueue(db, FileKeyProvider(key), clock=clock)
    q.enqueue("1.004194", payload(), receipt())
    q.close()
    return db, key


def test_a_new_key_is_private_and_complete(tmp_path: Path, clock: FakeClock) -> None:
    _, key = make_queue(tmp_path, clock)
    assert len(key.read_bytes()) == KEY_BYTES and key.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if "key" in p.name) == ["queue.key"]  # no temp file left


def test_a_full_disk_while_writing_the_key_leaves_no_empty_key_behind(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "queue.key"
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(QueueError) as info:
        FileKeyProvider(key).load_key()
    assert info.value.message_key == "queue.disk_full"
    assert list(tmp_path.iterdir()) == []  # neither a 0-byte key nor a temp file
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert len(FileKeyProvider(key).load_key()) == KEY_BYTES  # the next start simply succeeds


def test_an_empty_key_from_an_interrupted_first_start_is_replaced_when_nothing_used_it(tmp_path: Path,
                                                                                      clock: FakeClock) -> None:
    key = tmp_path / "queue.key"
    key.write_bytes(b"")
    q = SqliteSubmissionQueue(tmp_path / "queue.sqlite3", FileKeyProvider(key), clock=clock)
    q.close()
    assert len(key.read_bytes()) == KEY_BYTES


def test_a_group_or_world_readable_key_is_made_private_and_logged(tmp_path: Path, clock: FakeClock,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    _, key = make_queue(tmp_path, clock)
    key.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="offline_cache.crypto"):
        assert len(FileKeyProvider(key).load_key()) == KEY_BYTES
    assert key.stat().st_mode & 0o777 == 0o600
    assert any("0644" in r.getMessage() and "0600" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("damage", "message_key"), [
    ("missing", "queue.key_missing"),
    ("short", "queue.key_wrong_size"),
    ("empty", "queue.key_wrong_size"),
    ("other", "queue.key_wrong"),
])
def test_each_key_problem_has_its_own_message(tmp_path: Path, clock: FakeClock, damage: str,
                                              message_key: str) -> None:
    db, key = make_queue(tmp_path, clock)
    if damage == "missing":
        key.unlink()
    elif damage == "short":
        key.write_bytes(key.read_bytes()[:16])
    elif damage == "empty":
        key.write_bytes(b"")
    else:
        key.write_bytes(os.urandom(KEY_BYTES))
    with pytest.raises(QueueError) as info:
        SqliteSubmissionQueue(db, FileKeyProvider(key), clock=clock)
    assert info.value.message_key == message_key
    if damage == "missing":
        assert not key.exists()  # a key is never invented for a queue written with another one


def test_messages_differ(tmp_path: Path) -> None:
    keys = {"queue.key_missing", "queue.key_wrong_size", "queue.key_wrong", "queue.key_unreadable"}
    from kiosk.i18n import Translator

    texts = {Translator(language="en").text(k) for k in keys}
    assert len(texts) == len(keys)
    with pytest.raises(QueueError):
        StaticKeyProvider(b"short")

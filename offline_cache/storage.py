"""Opening the queue's SQLite file safely: WAL journal, full fsync, damage detection and quarantine.

SQLite's WAL mode with `synchronous=FULL` makes every committed transaction survive a power cut
(sqlite.org/wal.html §"Durability"); `temp_store=MEMORY` keeps sort and temp data out of temp files. A file that
is not a database or fails `PRAGMA quick_check` is renamed aside (never deleted) with its WAL, whatever rows can
still be read are copied into a fresh file, and the caller is told where the damaged copy went.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from offline_cache.errors import QueueCorruptedError, QueueError, QueueStorageFullError

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    service_code TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    file_code TEXT,
    portal_status INTEGER,
    due_at TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    accepted_at REAL,
    closed_at REAL,
    payload BLOB,
    receipt BLOB NOT NULL,
    problems BLOB
);
CREATE INDEX IF NOT EXISTS submissions_due ON submissions (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS submissions_created ON submissions (created_at);
CREATE TABLE IF NOT EXISTS attachments (
    submission_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    blob BLOB NOT NULL,
    PRIMARY KEY (submission_id, idx)
);
"""

_TABLES = ("meta", "submissions", "attachments")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) with the durability settings; raises on a damaged file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    try:
        with contextlib.suppress(OSError):  # only the kiosk's own user may read even the clear columns
            path.chmod(0o600)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.executescript(SCHEMA)
    except BaseException:
        conn.close()
        raise
    return conn


def is_healthy(conn: sqlite3.Connection) -> bool:
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError:
        return False
    return [r[0] for r in rows] == ["ok"]


def open_or_recover(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """Open the queue file; if it is damaged, quarantine it, salvage what reads, and return the fresh file.

    Returns the connection and the quarantine path (None when the file was healthy).
    """
    try:
        conn = connect(path)
        if is_healthy(conn):
            return conn, None
        conn.close()
    except sqlite3.OperationalError as exc:
        raise translate(exc) from exc
    except sqlite3.DatabaseError:
        pass
    quarantine = _quarantine(path)
    conn = connect(path)
    salvaged = _salvage(quarantine, conn)
    log.error("queue database was damaged; moved to %s, salvaged %d rows", quarantine.name, salvaged)
    return conn, quarantine


def _quarantine(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def _salvage(damaged: Path, fresh: sqlite3.Connection) -> int:
    """Copy every row that still reads from the damaged file, probing row by row so one bad page costs only
    the rows on it; a row that does not read stays in the quarantined copy for a technician."""
    copied = 0
    try:
        old = sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)
    except sqlite3.DatabaseError:
        return 0
    try:
        for table in _TABLES:
            try:
                cols = [r[1] for r in old.execute(f"PRAGMA table_info({table})")]
                pages = int(old.execute("PRAGMA page_count").fetchone()[0])
            except sqlite3.DatabaseError:
                continue
            try:
                top = int(old.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0] or 0)  # noqa: S608
            except sqlite3.DatabaseError:
                top = pages * 64  # the rightmost page is gone: probe as far as rows could reach
            select = f"SELECT {', '.join(cols)} FROM {table} WHERE rowid=?"  # noqa: S608 - our own schema
            insert = f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"  # noqa: S608
            for rowid in range(1, top + 1):
                try:
                    row = old.execute(select, (rowid,)).fetchone()
                except sqlite3.DatabaseError:
                    continue
                if row is not None:
                    fresh.execute(insert, row)
                    copied += 1
    finally:
        old.close()
    return copied


def translate(exc: sqlite3.Error) -> QueueError:
    """Map SQLite's errors to ones a person can act on."""
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text or "no space" in text:
        return QueueStorageFullError(str(exc))
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return QueueCorruptedError(str(exc))
    return QueueError(str(exc))


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One `BEGIN IMMEDIATE` … `COMMIT`; SQLite errors come out as `QueueError`s and roll back."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise translate(exc) from exc
    try:
        yield conn
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise translate(exc) from exc
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise translate(exc) from exc

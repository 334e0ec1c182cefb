"""Opening the queue's SQLite file safely: WAL journal, full fsync, damage detection and quarantine.

SQLite's WAL mode with `synchronous=FULL` makes every committed transaction survive a power cut
(sqlite.org/wal.html §"Durability"); `temp_store=MEMORY` keeps sort and temp data out of temp files. A file that
is not a database or fails `PRAGMA quick_check` is renamed aside (never deleted) with its WAL, whatever rows can
still be read are copied into a fresh file (through SQLite, then by walking the pages, see offline_cache.salvage),
and the caller is told where the damaged copy went and how many rows came back.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_cache.errors import QueueCorruptedError, QueueError, QueueStorageFullError
from offline_cache.private_files import private_file, tighten_sqlite
from offline_cache.salvage import walk

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
    private_file(path)  # only the kiosk's own user may read even the clear columns; SQLite's WAL/SHM copy its mode
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    try:
        conn.text_factory = _lenient_text
        conn.execute("PRAGMA journal_mode=WAL")
        tighten_sqlite(path)  # side files an older version left looser
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


@dataclass(frozen=True)
class Opened:
    """An open queue file; `quarantine` is where a damaged file went, `salvaged` how many rows came back."""

    conn: sqlite3.Connection
    quarantine: Path | None = None
    salvaged: int = 0


def open_or_recover(path: Path) -> Opened:
    """Open the queue file; if it is damaged, quarantine it, salvage what reads, and return the fresh file."""
    try:
        conn = connect(path)
        if is_healthy(conn):
            return Opened(conn)
        conn.close()
    except sqlite3.OperationalError as exc:
        if "malformed" not in str(exc).lower() and "not a database" not in str(exc).lower():
            raise translate(exc) from exc
    except sqlite3.DatabaseError:
        pass
    quarantine = _quarantine(path)
    conn = connect(path)
    try:
        salvaged = _salvage(quarantine, conn)
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc) from exc
    log.error("queue database was damaged; moved to %s, salvaged %d submissions", quarantine.name, salvaged)
    return Opened(conn, quarantine, salvaged)


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
    """Copy every row that still reads from the damaged file into `fresh`; returns the submissions copied.

    First through SQLite, probing row by row so one bad page costs only the rows on it; then by walking the
    file's pages (offline_cache.salvage), which also finds rows whose b-tree parents are lost (a file cut short).
    A row found both ways keeps SQLite's reading. Rows that do not read stay in the quarantined copy.
    """
    fresh.execute("BEGIN IMMEDIATE")
    try:
        _probe_rows(damaged, fresh)
        _walk_pages(damaged, fresh)
        fresh.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            fresh.execute("ROLLBACK")
        raise
    return int(fresh.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])


def _probe_rows(damaged: Path, fresh: sqlite3.Connection) -> None:
    try:
        old = sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)
        old.text_factory = _lenient_text
    except sqlite3.DatabaseError:
        return
    try:
        for table in _TABLES:
            try:
                cols = [r[1] for r in old.execute(f"PRAGMA table_info({table})")]
                # The header's page count may itself be damaged: never guess beyond what the file can hold.
                page_size = int(old.execute("PRAGMA page_size").fetchone()[0]) or 4096
                pages = min(int(old.execute("PRAGMA page_count").fetchone()[0]),
                            damaged.stat().st_size // page_size + 1)
            except (sqlite3.DatabaseError, OSError, TypeError, ValueError):
                continue
            if not cols:
                continue
            try:
                top = int(old.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0] or 0)  # noqa: S608
            except (sqlite3.DatabaseError, TypeError, ValueError):
                top = pages * 64  # the rightmost page is gone: probe as far as rows could reach
            top = min(top, pages * 256)  # a damaged MAX(rowid) must not set off a near-endless probe
            select = f"SELECT {', '.join(cols)} FROM {table} WHERE rowid=?"  # noqa: S608 - our own schema
            insert = f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"  # noqa: S608
            misses = 0
            for rowid in range(1, top + 1):
                try:
                    row = old.execute(select, (rowid,)).fetchone()
                except sqlite3.DatabaseError:
                    row = None
                if row is None:
                    misses += 1
                    if misses > 4096:
                        break  # rows are never deleted: this far past the last row, the rest is the page walk's
                    continue
                misses = 0
                with contextlib.suppress(sqlite3.IntegrityError):
                    fresh.execute(insert, row)
    except sqlite3.DatabaseError:
        pass
    finally:
        old.close()


_SUBMISSION_COLUMNS = ("id", "service_code", "state", "attempts", "next_attempt_at", "last_error", "file_code",
                       "portal_status", "due_at", "created_at", "updated_at", "accepted_at", "closed_at",
                       "payload", "receipt", "problems")
_STATES = ("queued", "sending", "accepted", "rejected", "withdrawn", "damaged")


def _walk_pages(damaged: Path, fresh: sqlite3.Connection) -> None:
    have = {r[0] for r in fresh.execute("SELECT id FROM submissions")}
    found: dict[str, tuple[Any, ...]] = {}
    attachments: dict[tuple[str, int], bytes] = {}
    meta: dict[str, str] = {}
    try:
        for table, values in walk(damaged):
            if table == "submissions":
                row = _submission(values)
                # Several copies of a row can survive (pages rewritten over time): the latest update wins.
                if row is not None and row[0] not in have and (row[0] not in found
                                                               or row[10] >= found[row[0]][10]):
                    found[row[0]] = row
            elif table == "attachments":
                sid, idx, blob = values
                if isinstance(sid, str) and isinstance(idx, int) and isinstance(blob, bytes):
                    attachments.setdefault((sid, idx), blob)
            elif isinstance(values[0], str) and isinstance(values[1], str):
                meta.setdefault(values[0], values[1])
    except OSError as exc:
        log.error("could not walk the pages of %s: %s", damaged.name, exc.strerror)
    cols = ", ".join(_SUBMISSION_COLUMNS)
    marks = ", ".join("?" * len(_SUBMISSION_COLUMNS))
    fresh.executemany(f"INSERT OR IGNORE INTO submissions ({cols}) VALUES ({marks})", found.values())  # noqa: S608
    keep = have | set(found)
    fresh.executemany("INSERT OR IGNORE INTO attachments (submission_id, idx, blob) VALUES (?, ?, ?)",
                      [(sid, idx, blob) for (sid, idx), blob in attachments.items() if sid in keep])
    fresh.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", meta.items())


def _submission(v: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """A salvaged submissions row with its clear columns made sane, or None when it is not one."""
    sid, service, state = v[0], v[1], v[2]
    if not (isinstance(sid, str) and sid and isinstance(service, str) and isinstance(v[14], bytes)):
        return None
    def num(x: Any, default: float = 0.0) -> float:
        return float(x) if isinstance(x, (int, float)) else default
    return (sid, service, state if state in _STATES else "damaged", int(num(v[3])), num(v[4]),
            v[5] if isinstance(v[5], str) else None, v[6] if isinstance(v[6], str) else None,
            v[7] if isinstance(v[7], int) else None, v[8] if isinstance(v[8], str) else None,
            num(v[9]), num(v[10]), v[11] if isinstance(v[11], (int, float)) else None,
            v[12] if isinstance(v[12], (int, float)) else None, v[13] if isinstance(v[13], bytes) else None,
            v[14], v[15] if isinstance(v[15], bytes) else None)


def _lenient_text(raw: bytes) -> str:
    """Text columns decode with replacement characters: a damaged byte must not make a whole listing fail."""
    return raw.decode("utf-8", "replace")


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

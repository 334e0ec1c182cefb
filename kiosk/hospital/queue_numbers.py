"""Queue numbers per specialty per day, durable in SQLite and unique across restarts and processes.

Two kiosks in one lobby (or a kiosk restarted mid-morning) share one file: the number is taken inside one
`BEGIN IMMEDIATE` transaction with an UPSERT … RETURNING (SQLite ≥ 3.35), so no two patients ever get the same
number for the same specialty and day. No personal data is stored: day, specialty, number, time only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from offline_cache.private_files import private_file, tighten_sqlite

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    day TEXT NOT NULL, specialty TEXT NOT NULL, last_number INTEGER NOT NULL, last_called INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, specialty));
CREATE TABLE IF NOT EXISTS issued (
    day TEXT NOT NULL, specialty TEXT NOT NULL, number INTEGER NOT NULL, issued_at TEXT NOT NULL,
    PRIMARY KEY (day, specialty, number));
"""


@dataclass(frozen=True)
class QueueAllocation:
    day: date
    specialty: str
    number: int
    people_ahead: int


class SqliteQueueNumbers:
    def __init__(self, path: Path, clock: Callable[[], datetime] = datetime.now, busy_timeout_s: float = 10.0) -> None:
        self._path = Path(path)
        self._clock = clock
        self._timeout = busy_timeout_s
        private_file(self._path)  # owner-only like all of the data folder; SQLite's WAL/SHM copy its mode
        with self._connect() as db:
            db.executescript(_SCHEMA)
        tighten_sqlite(self._path)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db

    def allocate(self, specialty: str) -> QueueAllocation:
        now = self._clock()
        day = now.date().isoformat()
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "INSERT INTO counters (day, specialty, last_number) VALUES (?, ?, 1) "
                "ON CONFLICT (day, specialty) DO UPDATE SET last_number = last_number + 1 "
                "RETURNING last_number, last_called", (day, specialty)).fetchone()
            number, called = int(row[0]), int(row[1])
            db.execute("INSERT INTO issued (day, specialty, number, issued_at) VALUES (?, ?, ?, ?)",
                       (day, specialty, number, now.isoformat(timespec="seconds")))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()
        return QueueAllocation(now.date(), specialty, number, max(0, number - 1 - called))

    def mark_called(self, specialty: str, number: int) -> None:
        """The clinic called `number`: later estimates count only the patients still waiting."""
        day = self._clock().date().isoformat()
        db = self._connect()
        try:
            db.execute("UPDATE counters SET last_called = MAX(last_called, ?) WHERE day = ? AND specialty = ?",
                       (number, day, specialty))
        finally:
            db.close()

    def waiting_before(self, specialty: str, number: int) -> int:
        """How many of today's numbers below `number` the clinic has not called yet (as far as the kiosk knows)."""
        day = self._clock().date().isoformat()
        db = self._connect()
        try:
            row = db.execute("SELECT last_called FROM counters WHERE day = ? AND specialty = ?",
                             (day, specialty)).fetchone()
        finally:
            db.close()
        called = int(row[0]) if row else 0
        return max(0, number - 1 - called)

    def issued_today(self, specialty: str) -> list[int]:
        day = self._clock().date().isoformat()
        db = self._connect()
        try:
            rows = db.execute("SELECT number FROM issued WHERE day = ? AND specialty = ? ORDER BY number",
                              (day, specialty)).fetchall()
        finally:
            db.close()
        return [int(r[0]) for r in rows]

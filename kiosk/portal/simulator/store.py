"""The portal simulator's persistent state (SQLite): applications, uploads, idempotency keys, lifecycle.

It behaves like the adapter contract's provincial system: a create with a known `Idempotency-Key` and the same
body hash replays the first answer; a different body under that key is a conflict. Statuses are the DVCQG codes
(1 submitted, 2 accepted, 3 rejected at intake, 4 processing, 5 supplement requested, 7 withdrawal requested,
8 stopped, 9 decided, 10 result delivered) and advance one step every `step_s` seconds along the file's fate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VN = dt.timezone(dt.timedelta(hours=7))
FATES: dict[str, tuple[int, ...]] = {
    "normal": (1, 2, 4, 9, 10),
    "3": (1, 3),
    "5": (1, 2, 4, 5),
    "8": (1, 2, 4, 8),
}
WITHDRAWABLE_NOW = (1,)
WITHDRAWAL_REQUESTABLE = (2, 4, 5)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS applications (
    dossier_code TEXT PRIMARY KEY,
    idem_key TEXT UNIQUE NOT NULL,
    body_hash TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    agency_code TEXT NOT NULL,
    id_last4 TEXT NOT NULL,
    body TEXT NOT NULL,
    fate TEXT NOT NULL,
    created_at REAL NOT NULL,
    due_at TEXT NOT NULL,
    frozen_status INTEGER,
    frozen_at REAL
);
CREATE TABLE IF NOT EXISTS uploads (file_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (prefix TEXT PRIMARY KEY, n INTEGER NOT NULL);
"""


def body_hash(body: Mapping[str, Any]) -> str:
    """Hash of the canonical JSON form, so key order and spacing do not matter."""
    canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, VN).isoformat(timespec="seconds")


def due_date(received: float, working_days: int) -> float:
    """`working_days` Monday–Friday days after receipt, at 17:00 Vietnam time."""
    day = dt.datetime.fromtimestamp(received, VN).date()
    left = working_days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return dt.datetime.combine(day, dt.time(17, 0), VN).timestamp()


@dataclass(frozen=True)
class Created:
    replay: bool
    answer: dict[str, Any]


class IdempotencyConflict(Exception):
    """Same key, different body."""


class SimulatorStore:
    def __init__(self, path: Path | str, clock: Callable[[], float], *, step_s: float = 60.0,
                 fates: Mapping[str, float] | None = None, working_days: int = 5, seed: int | None = None) -> None:
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._clock = clock
        self.step_s = step_s
        self.fates = dict(fates or {})
        self.working_days = working_days
        self._rng = random.Random(seed)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _pick_fate(self) -> str:
        roll, edge = self._rng.random(), 0.0
        for fate, p in self.fates.items():
            edge += p
            if roll < edge:
                return fate
        return "normal"

    def create(self, key: str, body: Mapping[str, Any]) -> Created:
        digest = body_hash(body)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute("SELECT dossier_code, body_hash FROM applications WHERE idem_key=?",
                                         (key,)).fetchone()
                if row is not None:
                    self._conn.execute("COMMIT")
                    if row[1] != digest:
                        raise IdempotencyConflict(key)
                    return Created(True, self._answer(row[0]))
                now = self._clock()
                agency = str(body.get("agency_code", "000"))
                prefix = f"{agency}-{dt.datetime.fromtimestamp(now, VN):%y%m%d}"
                self._conn.execute("INSERT INTO sequences (prefix, n) VALUES (?, 1) "
                                   "ON CONFLICT(prefix) DO UPDATE SET n=n+1", (prefix,))
                (n,) = self._conn.execute("SELECT n FROM sequences WHERE prefix=?", (prefix,)).fetchone()
                code = f"{prefix}-{n:04d}"
                id_number = str(body.get("applicant", {}).get("id_number", ""))
                self._conn.execute(
                    "INSERT INTO applications (dossier_code, idem_key, body_hash, procedure_code, agency_code, "
                    "id_last4, body, fate, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (code, key, digest, str(body.get("procedure_code", "")), agency, id_number[-4:],
                     json.dumps(body, ensure_ascii=False), self._pick_fate(), now,
                     iso(due_date(now, self.working_days))))
                self._conn.execute("COMMIT")
            except IdempotencyConflict:
                raise
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            return Created(False, self._answer(code))

    def _row(self, code: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn.execute(
            "SELECT dossier_code, created_at, due_at, fate, frozen_status, frozen_at, id_last4, procedure_code, "
            "agency_code FROM applications WHERE dossier_code=?", (code,)).fetchone()
        return row

    def _history(self, row: tuple[Any, ...]) -> list[tuple[int, float]]:
        _, created, _, fate, frozen, frozen_at, *_ = row
        path = FATES.get(fate, FATES["normal"])
        now = self._clock() if frozen_at is None else frozen_at
        steps = int((now - created) // self.step_s) if self.step_s > 0 else len(path)
        hist = [(s, created + i * self.step_s) for i, s in enumerate(path[: max(steps, 0) + 1])]
        if frozen is not None:
            hist.append((frozen, frozen_at))
        return hist

    def _answer(self, code: str) -> dict[str, Any]:
        row = self._row(code)
        assert row is not None
        return {"application_id": code, "dossier_code": code, "status": 1, "received_at": iso(row[1]),
                "due_at": row[2], "receipt": {"pdf_url": f"/v1/applications/{code}/receipt.pdf",
                                              "qr_payload": f"DVC|{code}"}}

    def status(self, code: str, id_last4: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._row(code)
            if row is None or row[6] != id_last4:
                return None
            hist = self._history(row)
        return {"dossier_code": code, "status": hist[-1][0], "procedure_code": row[7], "due_at": row[2],
                "history": [{"status": s, "at": iso(t)} for s, t in hist], "result_docs": []}

    def withdraw(self, code: str, id_last4: str) -> tuple[str, int] | None:
        """Returns (outcome, status) with outcome "withdrawn" | "requested" | "refused"; None if not found."""
        with self._lock:
            row = self._row(code)
            if row is None or row[6] != id_last4:
                return None
            current = self._history(row)[-1][0]
            if current in WITHDRAWABLE_NOW or current in WITHDRAWAL_REQUESTABLE:
                new = 8 if current in WITHDRAWABLE_NOW else 7
                self._conn.execute("UPDATE applications SET frozen_status=?, frozen_at=? WHERE dossier_code=?",
                                   (new, self._clock(), code))
                return ("withdrawn" if new == 8 else "requested", new)
            return ("refused", current)

    def upload(self, data: bytes) -> dict[str, Any]:
        digest = hashlib.sha256(data).hexdigest()
        file_id = f"f-{digest[:24]}"
        with self._lock:
            self._conn.execute("INSERT OR IGNORE INTO uploads (file_id, sha256, bytes) VALUES (?, ?, ?)",
                               (file_id, digest, len(data)))
        return {"file_id": file_id, "sha256": digest, "pages": 1, "bytes": len(data)}

    def all_applications(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._conn.execute("SELECT dossier_code, idem_key, procedure_code, body FROM applications "
                                      "ORDER BY created_at").fetchall()
        return [{"dossier_code": c, "idempotency_key": k, "procedure_code": p, "body": json.loads(b)}
                for c, k, p, b in rows]

    def statistics(self, since: float, until: float, agency: str | None, procedure: str | None) -> dict[str, Any]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT dossier_code, created_at, due_at, fate, frozen_status, frozen_at, id_last4, procedure_code, "
                "agency_code FROM applications WHERE created_at>=? AND created_at<?", (since, until)).fetchall()
            now = self._clock()
            counts: dict[str, int] = {}
            overdue: list[str] = []
            done_days: list[float] = []
            on_time = decided = 0
            for row in rows:
                if (agency and row[8] != agency) or (procedure and row[7] != procedure):
                    continue
                hist = self._history(row)
                status = hist[-1][0]
                counts[str(status)] = counts.get(str(status), 0) + 1
                due = dt.datetime.fromisoformat(row[2]).timestamp()
                if status in (9, 10):
                    decided += 1
                    end = next(t for s, t in hist if s == 9)
                    on_time += end <= due
                    done_days.append((end - row[1]) / 86400)
                elif status not in (3, 7, 8) and now > due:
                    overdue.append(row[0])
        done_days.sort()
        median = done_days[len(done_days) // 2] if done_days else None
        return {"total": sum(counts.values()), "counts_by_status": counts,
                "on_time_pct": round(100.0 * on_time / decided, 1) if decided else None,
                "median_days": median, "overdue": overdue}

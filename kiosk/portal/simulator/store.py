"""The portal simulator's persistent state (SQLite): applications, uploads, idempotency keys, lifecycle.

It behaves like the adapter contract's provincial system: a create with a known `Idempotency-Key` and the same
body hash replays the first answer; a different body under that key is a conflict. Statuses are the DVCQG codes
(1 submitted, 2 accepted, 3 rejected at intake, 4 processing, 5 supplement requested, 7 withdrawal requested,
8 stopped, 9 decided, 10 result delivered) and advance one step every `step_s` seconds along the file's fate.
A file that declared a fee (`fees.expected_amount` > 0) and is not paid when it would go into processing waits
at 6 (payment requested) until paid, then goes on. One payment per file code: asked again, the store answers the
one it has. The bank's confirmation arrives `payment_confirm_s` after the payment was opened (None: only when a
test calls `confirm_payment`).

The due date (`due_at`) is what a provincial system computes from its own procedure list: the procedure codes of
the file (main and linked) name a catalogue service, whose processing time is counted in working days on the
kiosk's own calendar (`kiosk.catalogue.holidays`: public holidays, swapped days off, make-up Saturdays).
A combined file whose declarant chose a narrower scope (the death group: 2 of its 4 procedures) carries a leading
run of the service's procedures, and is timed as that service.

A combined file (with `linked_procedures`) gets one file code per procedure, each from its own agency's daily
sequence, answered as `parts` (see kiosk/portal/contract.py); a part's status follows the file's.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import random
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.catalogue.holidays import HolidayCalendar, load_holidays
from kiosk.catalogue.model import Catalogue
from kiosk.vietnam import VIETNAM_TIME
from offline_cache.private_files import private_file, tighten_sqlite

FATES: dict[str, tuple[int, ...]] = {
    "normal": (1, 2, 4, 9, 10),
    "3": (1, 3),
    "5": (1, 2, 4, 5),
    "8": (1, 2, 4, 8),
}
# What an officer usually asks a kiosk file for (Decree 118/2025: papers legible, both sides of a card).
USUAL_SUPPLEMENT = ("Bản chụp rõ nét giấy tờ chứng minh chỗ ở hợp pháp (đủ các trang)",)
USUAL_SUPPLEMENT_NOTE = "Ảnh giấy tờ đã nộp bị mờ, xin nộp lại bản rõ nét."
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
CREATE TABLE IF NOT EXISTS parts (
    dossier_code TEXT NOT NULL,
    idx INTEGER NOT NULL,
    procedure_code TEXT NOT NULL,
    part_code TEXT NOT NULL,
    PRIMARY KEY (dossier_code, idx)
);
CREATE TABLE IF NOT EXISTS uploads (file_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS supplement_requests (dossier_code TEXT PRIMARY KEY, items TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS supplements (
    idem_key TEXT PRIMARY KEY,
    dossier_code TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    supplement_id TEXT NOT NULL,
    received_at REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (prefix TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
    dossier_code TEXT PRIMARY KEY,
    amount INTEGER NOT NULL,
    method TEXT NOT NULL,
    requested_at REAL NOT NULL,
    confirm_at REAL,
    paid_at REAL
);
"""


def body_hash(body: Mapping[str, Any]) -> str:
    """Hash of the canonical JSON form, so key order and spacing do not matter."""
    canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, VIETNAM_TIME).isoformat(timespec="seconds")


def due_date(received: float, working_days: int, calendar: HolidayCalendar | None = None) -> float:
    """`working_days` working days after the day of receipt (as the kiosk counts them), at 17:00 Vietnam time."""
    day = (calendar or load_holidays()).add_working_days(dt.datetime.fromtimestamp(received, VIETNAM_TIME).date(),
                                                         working_days)
    return dt.datetime.combine(day, dt.time(17, 0), VIETNAM_TIME).timestamp()


ProcedureKey = tuple[str, ...]  # the main procedure code, then the linked ones in order


def processing_times(catalogue: Catalogue) -> dict[ProcedureKey, int]:
    """Each service's processing time in working days, by the procedure codes a create body carries (also the
    leading runs of a combined service, for a scope narrower than all its procedures; an exact match wins)."""
    times = {tuple(p.procedure_code for p in s.procedures): s.processing_working_days for s in catalogue.services}
    for s in catalogue.services:
        codes = tuple(p.procedure_code for p in s.procedures)
        for n in range(2, len(codes)):
            times.setdefault(codes[:n], s.processing_working_days)
    return times


@functools.cache
def shipped_processing_times() -> dict[ProcedureKey, int]:
    from kiosk.catalogue.loader import load_catalogue

    return processing_times(load_catalogue())


def procedure_key(body: Mapping[str, Any]) -> ProcedureKey:
    linked = body.get("linked_procedures")
    codes = [p.get("procedure_code") for p in linked if isinstance(p, Mapping)] if isinstance(linked, list) else []
    return (str(body.get("procedure_code", "")), *(str(c) for c in codes))


@dataclass(frozen=True)
class Created:
    replay: bool
    answer: dict[str, Any]


class IdempotencyConflict(Exception):
    """Same key, different body."""


class SimulatorStore:
    def __init__(self, path: Path | str, clock: Callable[[], float], *, step_s: float = 60.0,
                 fates: Mapping[str, float] | None = None, working_days: int = 5, seed: int | None = None,
                 payment_confirm_s: float | None = 10.0, calendar: HolidayCalendar | None = None,
                 processing: Mapping[ProcedureKey, int] | None = None) -> None:
        if str(path) != ":memory:":  # application bodies hold names and ID numbers: owner-only files
            private_file(Path(path), folder=False)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        if str(path) != ":memory:":
            tighten_sqlite(Path(path))
        self._lock = threading.Lock()
        self._withdraw_reasons: dict[str, str] = {}
        self._clock = clock
        self.step_s = step_s
        self.fates = dict(fates or {})
        self.working_days = working_days  # for a procedure the catalogue does not know
        self.calendar = calendar or load_holidays()
        self.processing = dict(processing or {})
        self._rng = random.Random(seed)
        self.payment_confirm_s = payment_confirm_s

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
                prefix = f"{agency}-{dt.datetime.fromtimestamp(now, VIETNAM_TIME):%y%m%d}"
                self._conn.execute("INSERT INTO sequences (prefix, n) VALUES (?, 1) "
                                   "ON CONFLICT(prefix) DO UPDATE SET n=n+1", (prefix,))
                (n,) = self._conn.execute("SELECT n FROM sequences WHERE prefix=?", (prefix,)).fetchone()
                code = f"{prefix}-{n:04d}"
                self._number_parts(code, body, now)
                id_number = str(body.get("applicant", {}).get("id_number", ""))
                self._conn.execute(
                    "INSERT INTO applications (dossier_code, idem_key, body_hash, procedure_code, agency_code, "
                    "id_last4, body, fate, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (code, key, digest, str(body.get("procedure_code", "")), agency, id_number[-4:],
                     json.dumps(body, ensure_ascii=False), self._pick_fate(), now,
                     iso(due_date(now, self.processing.get(procedure_key(body), self.working_days),
                                  self.calendar))))
                self._conn.execute("COMMIT")
            except IdempotencyConflict:
                raise
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            return Created(False, self._answer(code))

    def _number_parts(self, code: str, body: Mapping[str, Any], now: float) -> None:
        """A combined file: the main part keeps the file code, each linked part gets its agency's next code."""
        linked = body.get("linked_procedures")
        if not isinstance(linked, list) or not linked:
            return
        day = f"{dt.datetime.fromtimestamp(now, VIETNAM_TIME):%y%m%d}"
        self._conn.execute("INSERT INTO parts VALUES (?, 0, ?, ?)", (code, str(body.get("procedure_code", "")), code))
        for i, proc in enumerate((p for p in linked if isinstance(p, Mapping)), start=1):
            prefix = f"{proc.get('agency_code') or body.get('agency_code', '000')}-{day}"
            self._conn.execute("INSERT INTO sequences (prefix, n) VALUES (?, 1) "
                               "ON CONFLICT(prefix) DO UPDATE SET n=n+1", (prefix,))
            (n,) = self._conn.execute("SELECT n FROM sequences WHERE prefix=?", (prefix,)).fetchone()
            self._conn.execute("INSERT INTO parts VALUES (?, ?, ?, ?)",
                               (code, i, str(proc.get("procedure_code", "")), f"{prefix}-{n:04d}"))

    def _parts(self, code: str, status: int) -> list[dict[str, Any]]:
        rows = self._conn.execute("SELECT procedure_code, part_code FROM parts WHERE dossier_code=? ORDER BY idx",
                                  (code,)).fetchall()
        return [{"procedure_code": p, "dossier_code": c, "status": status} for p, c in rows]

    def _row(self, code: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn.execute(
            "SELECT dossier_code, created_at, due_at, fate, frozen_status, frozen_at, id_last4, procedure_code, "
            "agency_code FROM applications WHERE dossier_code=?", (code,)).fetchone()
        return row

    def _history(self, row: tuple[Any, ...]) -> list[tuple[int, float]]:
        _, created, _, fate, frozen, frozen_at, *_ = row
        path = FATES.get(fate, FATES["normal"])
        now = self._clock() if frozen_at is None else frozen_at
        fee_path = self._fee_history(row[0], created, now) if fate == "normal" else None
        if fee_path is not None:
            hist = fee_path
        else:
            steps = int((now - created) // self.step_s) if self.step_s > 0 else len(path)
            hist = [(s, created + i * self.step_s) for i, s in enumerate(path[: max(steps, 0) + 1])]
        if frozen is not None:
            hist.append((frozen, frozen_at))
        return hist

    def _answer(self, code: str) -> dict[str, Any]:
        row = self._row(code)
        assert row is not None
        answer = {"application_id": code, "dossier_code": code, "status": 1, "received_at": iso(row[1]),
                  "due_at": row[2], "receipt": {"pdf_url": f"/v1/applications/{code}/receipt.pdf",
                                                "qr_payload": f"DVC|{code}"}}
        parts = self._parts(code, 1)
        if parts:
            answer["parts"] = parts
        return answer

    def status(self, code: str, id_last4: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._row(code)
            if row is None or row[6] != id_last4:
                return None
            hist = self._history(row)
            parts = self._parts(code, hist[-1][0])
        answer = {"dossier_code": code, "status": hist[-1][0], "procedure_code": row[7], "due_at": row[2],
                  "history": [{"status": s, "at": iso(t)} for s, t in hist], "result_docs": []}
        if parts:
            answer["parts"] = parts
        if answer["status"] == 5:
            answer["supplement_request"] = self.supplement_request(code)
        return answer

    # ---- adding papers (status 5) ------------------------------------------------------------------------------

    def supplement_request(self, code: str) -> dict[str, Any]:
        """What the officer asked for: set by `request_supplement`, or a usual request for a file fated to 5."""
        found = self._conn.execute("SELECT items, note FROM supplement_requests WHERE dossier_code=?",
                                   (code,)).fetchone()
        if found is not None:
            return {"items": json.loads(found[0]), "note": found[1]}
        return {"items": list(USUAL_SUPPLEMENT), "note": USUAL_SUPPLEMENT_NOTE}

    def request_supplement(self, code: str, items: list[str] | None = None, note: str = "") -> bool:
        """An officer asks for papers now (test hook): the file goes to status 5. False: no such file."""
        with self._lock:
            if self._row(code) is None:
                return False
            self._conn.execute("INSERT OR REPLACE INTO supplement_requests VALUES (?, ?, ?)",
                               (code, json.dumps(items or list(USUAL_SUPPLEMENT), ensure_ascii=False),
                                note or USUAL_SUPPLEMENT_NOTE))
            self._conn.execute("UPDATE applications SET frozen_status=5, frozen_at=? WHERE dossier_code=?",
                               (self._clock(), code))
            return True

    def add_supplement(self, code: str, key: str, body: Mapping[str, Any]) -> tuple[str, Any]:
        """("created" | "replay", answer), ("conflict", None), ("refused", status) or ("not_found", None).
        One supplement per idempotency key; the file goes back to processing (4)."""
        digest = body_hash(body)
        with self._lock:
            done = self._conn.execute("SELECT dossier_code, body_hash, supplement_id, received_at FROM supplements "
                                      "WHERE idem_key=?", (key,)).fetchone()
            if done is not None:
                if done[1] != digest or done[0] != code:
                    return "conflict", None
                return "replay", self._supplement_answer(done[0], done[2], done[3])
            row = self._row(code)
            if row is None or row[6] != str(body.get("id_last4", "")):
                return "not_found", None
            status = self._history(row)[-1][0]
            if status != 5:
                return "refused", status
            now = self._clock()
            (n,) = self._conn.execute("SELECT COUNT(*) FROM supplements WHERE dossier_code=?", (code,)).fetchone()
            supplement_id = f"{code}-BS{n + 1}"
            self._conn.execute("INSERT INTO supplements VALUES (?, ?, ?, ?, ?, ?)",
                               (key, code, digest, supplement_id, now, json.dumps(body, ensure_ascii=False)))
            self._conn.execute("UPDATE applications SET frozen_status=4, frozen_at=? WHERE dossier_code=?",
                               (now, code))
            return "created", self._supplement_answer(code, supplement_id, now)

    @staticmethod
    def _supplement_answer(code: str, supplement_id: str, received: float) -> dict[str, Any]:
        return {"dossier_code": code, "supplement_id": supplement_id, "status": 4, "received_at": iso(received)}

    def all_supplements(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._conn.execute("SELECT idem_key, dossier_code, supplement_id, body FROM supplements "
                                      "ORDER BY received_at").fetchall()
        return [{"idempotency_key": k, "dossier_code": c, "supplement_id": i, "body": json.loads(b)}
                for k, c, i, b in rows]

    def find_by_key(self, key: str) -> dict[str, Any] | None:
        """The status answer of the application created under `key`, or None if no create was ever accepted."""
        with self._lock:
            found = self._conn.execute("SELECT dossier_code FROM applications WHERE idem_key=?", (key,)).fetchone()
            row = self._row(found[0]) if found else None
            if row is None:
                return None
            hist = self._history(row)
        return {"dossier_code": row[0], "status": hist[-1][0], "procedure_code": row[7], "due_at": row[2],
                "history": [{"status": s, "at": iso(t)} for s, t in hist], "result_docs": []}

    def withdraw(self, code: str, id_last4: str, *, reason_code: str = "") -> tuple[str, int] | None:
        """Returns (outcome, status) with outcome "withdrawn" | "requested" | "refused"; None if not found.
        The citizen's `reason_code` is kept for the officer (`withdraw_reason`)."""
        with self._lock:
            row = self._row(code)
            if row is None or row[6] != id_last4:
                return None
            current = self._history(row)[-1][0]
            if current in WITHDRAWABLE_NOW or current in WITHDRAWAL_REQUESTABLE:
                new = 8 if current in WITHDRAWABLE_NOW else 7
                if reason_code:
                    self._withdraw_reasons[code] = reason_code
                self._conn.execute("UPDATE applications SET frozen_status=?, frozen_at=? WHERE dossier_code=?",
                                   (new, self._clock(), code))
                return ("withdrawn" if new == 8 else "requested", new)
            return ("refused", current)

    def withdraw_reason(self, code: str) -> str:
        """The reason code given with the withdrawal of `code` ("" when none was given)."""
        with self._lock:
            return self._withdraw_reasons.get(code, "")

    # ---- fees ----------------------------------------------------------------------------------------------

    def _fee(self, code: str) -> int:
        found = self._conn.execute("SELECT body FROM applications WHERE dossier_code=?", (code,)).fetchone()
        fees = json.loads(found[0]).get("fees") if found else None
        amount = fees.get("expected_amount") if isinstance(fees, dict) else None
        return amount if isinstance(amount, int) and not isinstance(amount, bool) and amount > 0 else 0

    def _payment_row(self, code: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn.execute(
            "SELECT amount, method, requested_at, confirm_at, paid_at FROM payments WHERE dossier_code=?",
            (code,)).fetchone()
        return row

    def _paid_at(self, code: str, now: float) -> float | None:
        row = self._payment_row(code)
        if row is None:
            return None
        if row[4] is not None:
            return float(row[4])
        return float(row[3]) if row[3] is not None and row[3] <= now else None

    def _fee_history(self, code: str, created: float, now: float) -> list[tuple[int, float]] | None:
        """1 → 2 → (6 until paid) → 4 → 9 → 10 for a file with a fee; None for one without."""
        if self._fee(code) <= 0:
            return None
        paid = self._paid_at(code, now)
        step = self.step_s
        processing = created + 2 * step
        events = [(1, created), (2, created + step)]
        if paid is None or paid > processing:
            events.append((6, processing))
        resume = processing if paid is not None and paid <= processing else paid
        if resume is not None:
            events += [(4, resume), (9, resume + step), (10, resume + 2 * step)]
        return [(s, t) for s, t in events if t <= now] or [(1, created)]

    def _payment_answer(self, code: str, status: int) -> dict[str, Any]:
        now = self._clock()
        row = self._payment_row(code)
        amount = int(row[0]) if row is not None else (self._fee(code) if status not in (3, 7, 8) else 0)
        paid_at = self._paid_at(code, now)
        state = ("not_required" if amount == 0 else "unpaid" if row is None
                 else "paid" if paid_at is not None else "pending")
        return {"dossier_code": code, "state": state, "amount": amount, "currency": "VND",
                "method": row[1] if row is not None else None, "reference": code,
                "requested_at": iso(row[2]) if row is not None else None,
                "paid_at": iso(paid_at) if paid_at is not None else None,
                "expires_at": iso(row[2] + 86400) if row is not None and paid_at is None else None}

    def open_payment(self, code: str, id_last4: str, method: str) -> tuple[bool, dict[str, Any]] | None:
        """(opened now, payment answer); a file with a payment already gets that one back. None: no such file."""
        with self._lock:
            row = self._row(code)
            if row is None or row[6] != id_last4:
                return None
            status = self._history(row)[-1][0]
            answer = self._payment_answer(code, status)
            if answer["state"] != "unpaid":
                return False, answer
            now = self._clock()
            confirm_at = None if self.payment_confirm_s is None else now + self.payment_confirm_s
            self._conn.execute("INSERT INTO payments (dossier_code, amount, method, requested_at, confirm_at) "
                               "VALUES (?, ?, ?, ?, ?)", (code, answer["amount"], method, now, confirm_at))
            return True, self._payment_answer(code, status)

    def payment(self, code: str, id_last4: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._row(code)
            if row is None or row[6] != id_last4:
                return None
            return self._payment_answer(code, self._history(row)[-1][0])

    def confirm_payment(self, code: str) -> dict[str, Any] | None:
        """The bank's confirmation now (test hook); None when the file has no payment opened."""
        with self._lock:
            if self._payment_row(code) is None:
                return None
            self._conn.execute("UPDATE payments SET paid_at=? WHERE dossier_code=? AND paid_at IS NULL",
                               (self._paid_at(code, self._clock()) or self._clock(), code))
            row = self._row(code)
            assert row is not None
            return self._payment_answer(code, self._history(row)[-1][0])

    def all_payments(self) -> list[dict[str, Any]]:
        with self._lock:
            codes = [c for (c,) in self._conn.execute("SELECT dossier_code FROM payments ORDER BY requested_at")]
            return [self._payment_answer(c, 0) for c in codes]

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

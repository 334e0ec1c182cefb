"""The durable, encrypted submission queue (SQLite): nothing a citizen submitted is lost or sent twice.

A submission is one row keyed by its idempotency key. State changes are single conditional UPDATEs inside
`BEGIN IMMEDIATE` transactions, so two senders (or a sender and a withdrawal) can never both win. A row left in
`sending` by a crash goes back to `queued` at start-up and is re-sent with the same key; the portal's
idempotency rule (same key + same body → same answer) turns that into exactly-once delivery.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from offline_cache.crypto import KeyProvider, PayloadCipher
from offline_cache.errors import (
    QueueKeyError,
    SubmissionNotFoundError,
    SubmissionNotWithdrawableError,
)
from offline_cache.records import (
    Attachment,
    FieldProblem,
    NewSubmission,
    OutgoingSubmission,
    ReceiptFacts,
    SubmissionRecord,
    SubmissionState,
)
from offline_cache.storage import open_or_recover, transaction, translate

Clock = Callable[[], float]
_RECORD_COLUMNS = ("id, service_code, state, attempts, next_attempt_at, last_error, file_code, portal_status, "
                   "due_at, created_at, updated_at, accepted_at, payload IS NULL, receipt, problems")


def new_submission_id() -> str:
    """A fresh idempotency key (UUID v4), minted when the citizen taps Submit."""
    return str(uuid.uuid4())


class SqliteSubmissionQueue:
    """The queue. Thread-safe within one process; several processes may share the file (SQLite locking)."""

    def __init__(self, path: Path, key_provider: KeyProvider, clock: Clock = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()
        self._cipher = PayloadCipher(key_provider.load_key())
        self._conn, self.quarantined = open_or_recover(self.path)
        self._check_key()

    def _check_key(self) -> None:
        with self._lock, transaction(self._conn) as c:
            row = c.execute("SELECT value FROM meta WHERE key='key_id'").fetchone()
            if row is None:
                c.execute("INSERT INTO meta (key, value) VALUES ('key_id', ?)", (self._cipher.key_id,))
            elif row[0] != self._cipher.key_id:
                raise QueueKeyError("the queue was written with another key")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def repair(self) -> Path | None:
        """After a `QueueCorruptedError`: reopen, and if the file is damaged set it aside, salvage what reads,
        and carry on with a fresh file. Returns the quarantine path (None when the file turned out healthy)."""
        with self._lock:
            self._conn.close()
            self._conn, quarantined = open_or_recover(self.path)
            if quarantined is not None:
                self.quarantined = quarantined
            self._check_key()
            return quarantined

    # ---- writing -------------------------------------------------------------------------------------------

    def enqueue(self, service_code: str, payload: Mapping[str, Any], receipt: ReceiptFacts,
                attachments: Sequence[Attachment] = (), *, submission_id: str | None = None,
                claim: bool = False) -> SubmissionRecord:
        """Save one submission durably (committed and fsynced before returning).

        With `claim=True` the row starts in `sending`, owned by the caller, who must report the outcome with
        `record_result`; a crash in between is healed by `recover_interrupted` at the next start.
        """
        item = NewSubmission(submission_id or new_submission_id(), service_code, payload, receipt,
                             tuple(attachments))
        self.enqueue_many([item], claim=claim)
        return self.get(item.submission_id)

    def enqueue_many(self, items: Iterable[NewSubmission], *, claim: bool = False) -> int:
        """Save many submissions in one transaction (imports, tests, benchmarks)."""
        now = self._clock()
        state = SubmissionState.SENDING if claim else SubmissionState.QUEUED
        rows = []
        blobs = []
        for it in items:
            sid = it.submission_id
            rows.append((sid, it.service_code, state.value, 1 if claim else 0, now, now, now,
                         self._seal_json(dict(it.payload), sid, "payload"),
                         self._seal_json(asdict(it.receipt), sid, "receipt")))
            blobs += [(sid, i, self._seal_attachment(a, sid, i)) for i, a in enumerate(it.attachments)]
        with self._lock, transaction(self._conn) as c:
            c.executemany("INSERT INTO submissions (id, service_code, state, attempts, next_attempt_at, created_at,"
                          " updated_at, payload, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            c.executemany("INSERT INTO attachments (submission_id, idx, blob) VALUES (?, ?, ?)", blobs)
        return len(rows)

    def recover_interrupted(self) -> int:
        """Put rows a stopped process left in `sending` back in line; returns how many."""
        with self._lock, transaction(self._conn) as c:
            cur = c.execute("UPDATE submissions SET state='queued', updated_at=?, last_error='interrupted' "
                            "WHERE state='sending'", (self._clock(),))
            return cur.rowcount

    def claim_due(self, limit: int = 1) -> list[OutgoingSubmission]:
        """Take up to `limit` queued rows whose time has come, oldest first, and mark them `sending`."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            ids = [r[0] for r in c.execute(
                "SELECT id FROM submissions WHERE state='queued' AND next_attempt_at<=? "
                "ORDER BY next_attempt_at, created_at LIMIT ?", (now, limit))]
            c.executemany("UPDATE submissions SET state='sending', attempts=attempts+1, updated_at=? "
                          "WHERE id=? AND state='queued'", [(now, i) for i in ids])
            return [self._outgoing(c, i) for i in ids]

    def claim(self, submission_id: str) -> OutgoingSubmission | None:
        """Take one particular queued row now (a staff "retry", or the first try at Submit)."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            cur = c.execute("UPDATE submissions SET state='sending', attempts=attempts+1, updated_at=? "
                            "WHERE id=? AND state='queued'", (now, submission_id))
            return self._outgoing(c, submission_id) if cur.rowcount else None

    def release(self, submission_ids: Sequence[str]) -> None:
        """Hand claimed rows back untried (the sender stopped before reaching them)."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            c.executemany("UPDATE submissions SET state='queued', attempts=MAX(attempts-1, 0), updated_at=? "
                          "WHERE id=? AND state='sending'", [(now, i) for i in submission_ids])

    def mark_accepted(self, submission_id: str, file_code: str, due_at: str | None, portal_status: int = 1) -> None:
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            row = c.execute("SELECT receipt FROM submissions WHERE id=? AND state='sending'",
                            (submission_id,)).fetchone()
            if row is None:
                return  # already settled by another sender: the first answer stands
            receipt = replace(self._open_receipt(row[0], submission_id), file_code=file_code, due_at=due_at)
            c.execute("UPDATE submissions SET state='accepted', file_code=?, due_at=?, portal_status=?, "
                      "accepted_at=?, closed_at=?, updated_at=?, last_error=NULL, receipt=? WHERE id=?",
                      (file_code, due_at, portal_status, now, now, now,
                       self._seal_json(asdict(receipt), submission_id, "receipt"), submission_id))

    def mark_rejected(self, submission_id: str, reason_code: str, problems: Sequence[FieldProblem] = ()) -> None:
        now = self._clock()
        sealed = self._seal_json({"problems": [asdict(p) for p in problems]}, submission_id, "problems")
        with self._lock, transaction(self._conn) as c:
            c.execute("UPDATE submissions SET state='rejected', last_error=?, problems=?, closed_at=?, updated_at=? "
                      "WHERE id=? AND state='sending'", (reason_code, sealed, now, now, submission_id))

    def mark_deferred(self, submission_id: str, reason_code: str, next_attempt_at: float) -> None:
        with self._lock, transaction(self._conn) as c:
            c.execute("UPDATE submissions SET state='queued', last_error=?, next_attempt_at=?, updated_at=? "
                      "WHERE id=? AND state='sending'", (reason_code, next_attempt_at, self._clock(), submission_id))

    def reschedule_all_now(self) -> int:
        """Make every waiting row due now (the portal came back: no reason to sit out long back-offs)."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            return c.execute("UPDATE submissions SET next_attempt_at=? WHERE state='queued' AND next_attempt_at>?",
                             (now, now)).rowcount

    def retry_now(self, submission_id: str) -> bool:
        """Staff asked to retry: make a waiting row due now. False when the row is not waiting."""
        with self._lock, transaction(self._conn) as c:
            return c.execute("UPDATE submissions SET next_attempt_at=? WHERE id=? AND state='queued'",
                             (self._clock(), submission_id)).rowcount == 1

    def withdraw(self, submission_id: str) -> None:
        """Cancel a submission that has not left the kiosk; it will never be sent."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            cur = c.execute("UPDATE submissions SET state='withdrawn', payload=NULL, closed_at=?, updated_at=? "
                            "WHERE id=? AND state='queued'", (now, now, submission_id))
            if cur.rowcount == 0:
                row = c.execute("SELECT state FROM submissions WHERE id=?", (submission_id,)).fetchone()
                if row is None:
                    raise SubmissionNotFoundError(submission_id)
                raise SubmissionNotWithdrawableError(row[0])
            c.execute("DELETE FROM attachments WHERE submission_id=?", (submission_id,))

    def set_portal_status(self, submission_id: str, status: int) -> None:
        with self._lock, transaction(self._conn) as c:
            c.execute("UPDATE submissions SET portal_status=?, updated_at=? WHERE id=?",
                      (status, self._clock(), submission_id))

    def purge_payloads(self, older_than_s: float) -> int:
        """Retention: drop the payload and attachments of files accepted more than `older_than_s` ago.

        What statistics and receipt reprints need (service, state, times, file code, receipt facts) stays.
        """
        cutoff = self._clock() - older_than_s
        with self._lock, transaction(self._conn) as c:
            ids = [r[0] for r in c.execute("SELECT id FROM submissions WHERE state IN ('accepted', 'rejected') "
                                           "AND closed_at<? AND payload IS NOT NULL", (cutoff,))]
            c.executemany("UPDATE submissions SET payload=NULL, problems=NULL WHERE id=?", [(i,) for i in ids])
            c.executemany("DELETE FROM attachments WHERE submission_id=?", [(i,) for i in ids])
        return len(ids)

    # ---- reading -------------------------------------------------------------------------------------------

    def get(self, submission_id: str) -> SubmissionRecord:
        with self._lock:
            row = self._read(f"SELECT {_RECORD_COLUMNS} FROM submissions WHERE id=?",  # noqa: S608
                             (submission_id,))
        if not row:
            raise SubmissionNotFoundError(submission_id)
        return self._record(row[0])

    def find_by_file_code(self, file_code: str) -> SubmissionRecord | None:
        with self._lock:
            row = self._read(f"SELECT {_RECORD_COLUMNS} FROM submissions WHERE file_code=?",  # noqa: S608
                             (file_code,))
        return self._record(row[0]) if row else None

    def list_records(self, states: Iterable[SubmissionState] | None = None, limit: int = 1000,
             since: float | None = None, until: float | None = None) -> list[SubmissionRecord]:
        where: list[str] = ["1=1"]
        params: list[Any] = []
        if states is not None:
            wanted = [s.value for s in states]
            where.append(f"state IN ({', '.join('?' for _ in wanted)})")
            params += wanted
        if since is not None:
            where.append("created_at>=?")
            params.append(since)
        if until is not None:
            where.append("created_at<?")
            params.append(until)
        sql = f"SELECT {_RECORD_COLUMNS} FROM submissions WHERE {' AND '.join(where)} ORDER BY created_at LIMIT ?"  # noqa: S608
        with self._lock:
            rows = self._read(sql, (*params, limit))
        return [self._record(r) for r in rows]

    def counts(self) -> dict[SubmissionState, int]:
        with self._lock:
            rows = self._read("SELECT state, COUNT(*) FROM submissions GROUP BY state", ())
        out = dict.fromkeys(SubmissionState, 0)
        out.update({SubmissionState(s): n for s, n in rows})
        return out

    def next_due_at(self) -> float | None:
        with self._lock:
            row = self._read("SELECT MIN(next_attempt_at) FROM submissions WHERE state='queued'", ())
        return float(row[0][0]) if row and row[0][0] is not None else None

    def payload(self, submission_id: str) -> dict[str, Any] | None:
        """The decrypted payload, or None once retention cleared it."""
        with self._lock:
            row = self._read("SELECT payload FROM submissions WHERE id=?", (submission_id,))
        if not row:
            raise SubmissionNotFoundError(submission_id)
        return None if row[0][0] is None else self._open_json(row[0][0], submission_id, "payload")

    def stats_rows(self, since: float | None = None, until: float | None = None) -> list[tuple[Any, ...]]:
        """Clear columns only (service, state, portal status, created, accepted) for statistics."""
        sql = "SELECT service_code, state, portal_status, created_at, accepted_at FROM submissions " \
              "WHERE created_at>=? AND created_at<?"
        with self._lock:
            return self._read(sql, (since or 0.0, until or float("inf")))

    def export(self, out: Path) -> int:
        """Write every row and attachment, sealed as a whole with the queue key, to `out` (mode 0600).

        Blobs stay sealed inside as well, so the file opens only with this kiosk's key. Returns the row count.
        """
        with self._lock:
            subs = self._conn.execute("SELECT * FROM submissions ORDER BY created_at")
            cols = [d[0] for d in subs.description]
            rows = [dict(zip(cols, r, strict=True)) for r in subs.fetchall()]
            atts = self._read("SELECT submission_id, idx, blob FROM attachments", ())
        for row in rows:
            for k, v in row.items():
                if isinstance(v, bytes):
                    row[k] = {"b64": base64.b64encode(v).decode()}
        doc = {"format": "kiosk-queue-export/1", "key_id": self._cipher.key_id, "exported_at": self._clock(),
               "submissions": rows,
               "attachments": [{"submission_id": s, "idx": i, "b64": base64.b64encode(b).decode()}
                               for s, i, b in atts]}
        sealed = self._cipher.seal(json.dumps(doc).encode(), row="export", purpose="queue-export")
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(sealed)
            f.flush()
            os.fsync(f.fileno())
        return len(rows)

    def open_export(self, path: Path) -> dict[str, Any]:
        """Read an export made with this kiosk's key (for a technician's recovery, and for tests)."""
        doc: dict[str, Any] = json.loads(self._cipher.open(Path(path).read_bytes(), row="export",
                                                           purpose="queue-export"))
        return doc

    # ---- internals -----------------------------------------------------------------------------------------

    def _read(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def _record(self, r: tuple[Any, ...]) -> SubmissionRecord:
        sid = r[0]
        problems: tuple[FieldProblem, ...] = ()
        if r[14] is not None:
            problems = tuple(FieldProblem(**p) for p in self._open_json(r[14], sid, "problems")["problems"])
        return SubmissionRecord(
            submission_id=sid, service_code=r[1], state=SubmissionState(r[2]), attempts=r[3],
            next_attempt_at=r[4], last_error=r[5], file_code=r[6], portal_status=r[7], due_at=r[8],
            created_at=r[9], updated_at=r[10], accepted_at=r[11], payload_cleared=bool(r[12]),
            receipt=self._open_receipt(r[13], sid), problems=problems)

    def _outgoing(self, c: sqlite3.Connection, sid: str) -> OutgoingSubmission:
        service, attempts, payload = c.execute(
            "SELECT service_code, attempts, payload FROM submissions WHERE id=?", (sid,)).fetchone()
        blobs = c.execute("SELECT idx, blob FROM attachments WHERE submission_id=? ORDER BY idx", (sid,)).fetchall()
        return OutgoingSubmission(sid, service, self._open_json(payload, sid, "payload"),
                                  tuple(self._open_attachment(b, sid, i) for i, b in blobs), attempts)

    def _seal_json(self, value: Any, sid: str, purpose: str) -> bytes:
        raw = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        return self._cipher.seal(raw, row=sid, purpose=purpose)

    def _open_json(self, blob: bytes, sid: str, purpose: str) -> Any:
        return json.loads(self._cipher.open(blob, row=sid, purpose=purpose))

    def _open_receipt(self, blob: bytes, sid: str) -> ReceiptFacts:
        return ReceiptFacts(**self._open_json(blob, sid, "receipt"))

    def _seal_attachment(self, a: Attachment, sid: str, idx: int) -> bytes:
        head = json.dumps({"component_code": a.component_code, "filename": a.filename,
                           "content_type": a.content_type}).encode()
        return self._cipher.seal(struct.pack(">I", len(head)) + head + a.data, row=sid, purpose=f"attachment{idx}")

    def _open_attachment(self, blob: bytes, sid: str, idx: int) -> Attachment:
        raw = self._cipher.open(blob, row=sid, purpose=f"attachment{idx}")
        (n,) = struct.unpack(">I", raw[:4])
        head = json.loads(raw[4 : 4 + n])
        return Attachment(head["component_code"], head["filename"], head["content_type"], raw[4 + n :])

"""The durable, encrypted submission queue (SQLite): nothing a citizen submitted is lost or sent twice.

A submission is one row keyed by its idempotency key. State changes are single conditional UPDATEs inside
`BEGIN IMMEDIATE` transactions, so two senders (or a sender and a withdrawal) can never both win. A row left in
`sending` by a crash goes back to `queued` at start-up and is re-sent with the same key; the portal's
idempotency rule (same key + same body → same answer) turns that into exactly-once delivery.

Damage is contained to what it touches. A row whose sealed parts no longer open (AES-GCM authentication fails
with the right key, i.e. storage flipped bits) is moved to `damaged` when it is claimed, in the same transaction,
and the rest of the batch goes on; reads never fail on one row (`SubmissionRecord.unreadable` says what did not
read). Damage to the file as a whole is handled by `storage` (quarantine and salvage) and noticed through the
signed manifest beside it (`manifest`), whose incidents staff see until they acknowledge them.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import sqlite3
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from offline_cache.crypto import FileKeyProvider, KeyProvider, PayloadCipher
from offline_cache.errors import (
    DamagedValueError,
    QueueError,
    QueueWrongKeyError,
    SubmissionNotFoundError,
    SubmissionNotWithdrawableError,
)
from offline_cache.manifest import Incident, Manifest, ManifestDamagedError, ManifestState
from offline_cache.records import (
    Attachment,
    FieldProblem,
    NewSubmission,
    OutgoingSubmission,
    ReceiptFacts,
    SubmissionRecord,
    SubmissionState,
)
from offline_cache.storage import Opened, open_or_recover, transaction, translate

log = logging.getLogger(__name__)

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
        opened = open_or_recover(self.path)
        self._conn, self.quarantined = opened.conn, opened.quarantine
        try:
            key = self._load_key(key_provider)
            self._cipher = PayloadCipher(key)
            self._manifest = Manifest(self.path, key)
            self._check_key()
            self._check_manifest(opened)
        except BaseException:
            self._conn.close()
            raise

    def _load_key(self, provider: KeyProvider) -> bytes:
        # A key file may only be created for a queue that has never sealed anything: a fresh key for a queue
        # written with a lost one would open nothing, and hide that the key is gone.
        if isinstance(provider, FileKeyProvider):
            return provider.load_key(may_create=self._meta("key_id") is None)
        return provider.load_key()

    def _meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key=?", (key,))
        return str(rows[0][0]) if rows else None

    def _check_key(self) -> None:
        with self._lock, transaction(self._conn) as c:
            row = c.execute("SELECT value FROM meta WHERE key='key_id'").fetchone()
            if row is None:
                c.execute("INSERT INTO meta (key, value) VALUES ('key_id', ?)", (self._cipher.key_id,))
            elif row[0] != self._cipher.key_id:
                raise QueueWrongKeyError("the queue was written with another key")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def repair(self) -> Path | None:
        """After a `QueueCorruptedError`: reopen, and if the file is damaged set it aside, salvage what reads,
        and carry on with a fresh file. Returns the quarantine path (None when the file turned out healthy)."""
        with self._lock:
            self._conn.close()
            opened = open_or_recover(self.path)
            self._conn = opened.conn
            if opened.quarantine is not None:
                self.quarantined = opened.quarantine
            self._check_key()
            self._check_manifest(opened)
            return opened.quarantine

    # ---- the manifest: noticing a file that vanished or shrank ----------------------------------------------

    def _check_manifest(self, opened: Opened) -> None:
        """Compare the file with its manifest, record what staff must be told, and bring the manifest up to date."""
        with self._lock, self._manifest.locked():
            db_id = self._meta("db_id")
            had_id = db_id is not None
            found_rows, last_rowid = self._size()
            if db_id is None or self._meta("row_count") != str(found_rows):
                # A normal start writes nothing here (a start killed within milliseconds must still get work
                # done); only a new file, an older one, or a salvaged one gets its id and counter.
                with transaction(self._conn) as c:  # counted and stored in one go: no insert slips in between
                    found_rows, last_rowid = (int(v) for v in c.execute(
                        "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM submissions").fetchone())
                    if db_id is None:
                        db_id = secrets.token_hex(8)
                        c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('db_id', ?)", (db_id,))
                    c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('row_count', ?)",
                              (str(found_rows),))
            now = self._clock()
            new: list[Incident] = []
            try:
                before = self._manifest.read()
            except ManifestDamagedError as exc:
                log.error("queue manifest %s does not verify (%s)", self._manifest.path.name, exc)
                before = None
                new.append(Incident("manifest_damaged", now, None, found_rows))
            if opened.quarantine is not None:
                new.append(Incident("quarantined", now, before.rows if before is not None else None, found_rows,
                                    opened.salvaged, str(opened.quarantine)))
            elif before is not None and (found_rows < before.rows or last_rowid < before.last_rowid):
                kind = "rows_missing" if before.db_id == db_id else "vanished"
                new.append(Incident(kind, now, before.rows, found_rows))
            elif before is None and not new and had_id and found_rows > 0:
                # This file has had a manifest (it has an id) and holds rows: the manifest was removed.
                new.append(Incident("manifest_missing", now, None, found_rows))
            for incident in new:
                log.error("queue file incident: %s (expected %s rows, found %d, recovered %s)", incident.kind,
                          incident.expected_rows, incident.found_rows, incident.recovered_rows)
            kept = before.incidents if before is not None else ()
            state = ManifestState(db_id, found_rows, last_rowid, (*kept, *new))
            if state != before:
                self._write_manifest(state)

    def _size(self) -> tuple[int, int]:
        """Rows counted for real, and the highest row id (at start and after salvage: O(rows))."""
        rows = self._read("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM submissions", ())
        return int(rows[0][0]), int(rows[0][1])

    def _size_fast(self) -> tuple[int, int]:
        """The same from the counter kept in `meta` by every insert (O(1) on the enqueue path); rows are never
        deleted (retention and withdrawal clear contents, the row stays), so the two agree."""
        rows = self._read("SELECT (SELECT value FROM meta WHERE key='row_count'), "
                          "(SELECT COALESCE(MAX(rowid), 0) FROM submissions)", ())
        if rows[0][0] is None:
            return self._size()
        return int(rows[0][0]), int(rows[0][1])

    def _write_manifest(self, state: ManifestState) -> None:
        try:
            self._manifest.write(state)
        except OSError as exc:  # the rows themselves are committed; only the loss check is behind
            log.warning("could not update the queue manifest: %s", exc.strerror)

    def _update_manifest(self) -> None:
        """After a commit that added rows: record the new size (kept incidents are carried over)."""
        with self._lock:
            try:
                with self._manifest.locked():
                    try:
                        before = self._manifest.read()
                    except ManifestDamagedError:
                        before = None
                    if before is None:
                        return  # only the start-up check writes a first manifest (it also reports a missing one)
                    rows, last = self._size_fast()
                    self._write_manifest(ManifestState(before.db_id, rows, last, before.incidents))
            except (OSError, QueueError) as exc:
                log.warning("could not update the queue manifest: %s", exc)

    def incidents(self) -> tuple[Incident, ...]:
        """What staff must be told about the queue file (vanished, shrunk, quarantined), oldest first."""
        try:
            state = self._manifest.read()
        except ManifestDamagedError:
            return (Incident("manifest_damaged", self._clock(), None, self._size()[0]),)
        return state.incidents if state is not None else ()

    def acknowledge_incidents(self) -> int:
        """Staff have seen the incidents: stop telling them. Returns how many were cleared."""
        with self._lock, self._manifest.locked():
            rows, last = self._size()
            try:
                before = self._manifest.read()
            except ManifestDamagedError:
                before = None
            cleared = len(before.incidents) if before is not None else 1
            self._write_manifest(ManifestState(self._meta("db_id") or secrets.token_hex(8), rows, last))
            return cleared

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
            c.execute("UPDATE meta SET value=CAST(value AS INTEGER)+? WHERE key='row_count'", (len(rows),))
        self._update_manifest()
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
            out = [self._outgoing_or_set_aside(c, i, now) for i in ids]
            return [o for o in out if o is not None]

    def claim(self, submission_id: str) -> OutgoingSubmission | None:
        """Take one particular queued row now (a staff "retry", or the first try at Submit)."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            cur = c.execute("UPDATE submissions SET state='sending', attempts=attempts+1, updated_at=? "
                            "WHERE id=? AND state='queued'", (now, submission_id))
            return self._outgoing_or_set_aside(c, submission_id, now) if cur.rowcount else None

    def _outgoing_or_set_aside(self, c: sqlite3.Connection, sid: str, now: float) -> OutgoingSubmission | None:
        """The claimed row ready to send, or None when a sealed part of it no longer opens: the row is then
        moved to `damaged` in the same transaction (never sent, never claimed again) and the others go on."""
        try:
            return self._outgoing(c, sid)
        except RowDamagedError as exc:
            log.error("submission %s is damaged (%s does not open); set aside", sid, exc.part)
            c.execute("UPDATE submissions SET state='damaged', attempts=MAX(attempts-1, 0), last_error=?, "
                      "updated_at=? WHERE id=?", (f"damaged_{exc.part}", now, sid))
            return None

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
            try:
                receipt = replace(self._open_receipt(row[0], submission_id), file_code=file_code, due_at=due_at)
            except _DECODE_ERRORS:
                # The portal has the file; keep its code in the clear columns and never send it again.
                log.error("submission %s was accepted but its receipt does not open; set aside", submission_id)
                c.execute("UPDATE submissions SET state='damaged', file_code=?, due_at=?, portal_status=?, "
                          "accepted_at=?, closed_at=?, updated_at=?, last_error='damaged_receipt' WHERE id=?",
                          (file_code, due_at, portal_status, now, now, now, submission_id))
                return
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

    def mark_deferred(self, submission_id: str, reason_code: str, next_attempt_at: float, *,
                      untried: bool = False) -> None:
        """Back in line until `next_attempt_at`; `untried` when the claim ended without sending anything (the
        attempt is not counted, so a withdrawal knows the file never left)."""
        with self._lock, transaction(self._conn) as c:
            c.execute("UPDATE submissions SET state='queued', last_error=?, next_attempt_at=?, updated_at=?, "
                      "attempts=MAX(attempts-?, 0) WHERE id=? AND state='sending'",
                      (reason_code, next_attempt_at, self._clock(), 1 if untried else 0, submission_id))

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

    def requeue_rejected(self, submission_id: str) -> bool:
        """Staff confirmed a refused file should go again (it was refused for a fault that is now fixed): put it
        back in line, due now, under its same idempotency key. False unless it is rejected with its payload kept."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            return c.execute("UPDATE submissions SET state='queued', next_attempt_at=?, last_error='requeued', "
                             "problems=NULL, closed_at=NULL, updated_at=? "
                             "WHERE id=? AND state='rejected' AND payload IS NOT NULL",
                             (now, now, submission_id)).rowcount == 1

    def withdraw(self, submission_id: str, *, ask_portal_after_s: float = 0.0) -> SubmissionState:
        """Withdraw a waiting submission; it will never be sent (again).

        A row never handed to a sender is cancelled at once (`WITHDRAWN`). A row that was handed out before may
        have reached the portal even though no answer came back, so it becomes `WITHDRAWING` instead: never sent
        again, due for the portal to be asked `ask_portal_after_s` from now (see `settle_withdrawal`). Rows in
        `sending` or already settled raise `SubmissionNotWithdrawableError`."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            cur = c.execute("UPDATE submissions SET state='withdrawn', payload=NULL, closed_at=?, updated_at=? "
                            "WHERE id=? AND state='queued' AND attempts=0", (now, now, submission_id))
            if cur.rowcount == 1:
                c.execute("DELETE FROM attachments WHERE submission_id=?", (submission_id,))
                return SubmissionState.WITHDRAWN
            # The payload goes at once: this row is never sent again, and the portal is asked by key alone.
            cur = c.execute("UPDATE submissions SET state='withdrawing', payload=NULL, next_attempt_at=?, "
                            "updated_at=? WHERE id=? AND state='queued'",
                            (now + ask_portal_after_s, now, submission_id))
            if cur.rowcount == 1:
                c.execute("DELETE FROM attachments WHERE submission_id=?", (submission_id,))
            row = c.execute("SELECT state FROM submissions WHERE id=?", (submission_id,)).fetchone()
            if row is None:
                raise SubmissionNotFoundError(submission_id)
            if row[0] != SubmissionState.WITHDRAWING.value:
                raise SubmissionNotWithdrawableError(row[0])
            return SubmissionState.WITHDRAWING

    def due_withdrawals(self, limit: int = 20) -> list[str]:
        """Ids of `withdrawing` rows whose time to ask the portal has come, oldest first."""
        with self._lock:
            rows = self._read("SELECT id FROM submissions WHERE state='withdrawing' AND next_attempt_at<=? "
                              "ORDER BY next_attempt_at, created_at LIMIT ?", (self._clock(), limit))
        return [r[0] for r in rows]

    def defer_withdrawal(self, submission_id: str, reason_code: str, next_attempt_at: float) -> None:
        """Ask the portal again at `next_attempt_at`. `updated_at` stays the time the withdrawal was recorded,
        after the row's last send had ended, which is what tells a late-arriving send from a settled one."""
        with self._lock, transaction(self._conn) as c:
            c.execute("UPDATE submissions SET last_error=?, next_attempt_at=? WHERE id=? AND state='withdrawing'",
                      (reason_code, next_attempt_at, submission_id))

    def settle_withdrawal(self, submission_id: str, file_code: str | None, due_at: str | None,
                          portal_status: int | None) -> bool:
        """Record what the portal said about a `withdrawing` row: with a `file_code` the file had reached it (the
        row becomes `accepted`, carrying the portal's status after the withdrawal); without, it never arrived and
        the row is cancelled like one that was never sent. False when the row was already settled."""
        now = self._clock()
        with self._lock, transaction(self._conn) as c:
            row = c.execute("SELECT receipt FROM submissions WHERE id=? AND state='withdrawing'",
                            (submission_id,)).fetchone()
            if row is None:
                return False
            if file_code is None:
                c.execute("UPDATE submissions SET state='withdrawn', payload=NULL, last_error=NULL, closed_at=?, "
                          "updated_at=? WHERE id=?", (now, now, submission_id))
                c.execute("DELETE FROM attachments WHERE submission_id=?", (submission_id,))
                return True
            receipt = replace(self._open_receipt(row[0], submission_id), file_code=file_code, due_at=due_at)
            c.execute("UPDATE submissions SET state='accepted', file_code=?, due_at=?, portal_status=?, "
                      "accepted_at=?, closed_at=?, updated_at=?, last_error=NULL, receipt=? WHERE id=?",
                      (file_code, due_at, portal_status, now, now, now,
                       self._seal_json(asdict(receipt), submission_id, "receipt"), submission_id))
            return True

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
        """Rows per state; a state that does not read (damaged storage) counts as `damaged`."""
        with self._lock:
            rows = self._read("SELECT state, COUNT(*) FROM submissions GROUP BY state", ())
        out = dict.fromkeys(SubmissionState, 0)
        for s, n in rows:
            out[_state(s) or SubmissionState.DAMAGED] += int(n)
        return out

    def next_due_at(self) -> float | None:
        with self._lock:
            row = self._read("SELECT MIN(next_attempt_at) FROM submissions WHERE state IN ('queued', 'withdrawing')",
                             ())
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
            rows = self._read(sql, (since or 0.0, until or float("inf")))
        # Values that do not read as what they should be (damaged storage) are shown as damaged, not fatal.
        return [(str(r[0]), (_state(r[1]) or SubmissionState.DAMAGED).value,
                 r[2] if isinstance(r[2], int) else None, float(r[3]),
                 float(r[4]) if isinstance(r[4], (int, float)) else None)
                for r in rows if isinstance(r[3], (int, float))]

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
        """A row as staff see it. Never raises for damaged storage: what does not read is named in
        `unreadable` (the receipt becomes a stand-in without the masked ID) so one row cannot hide the rest."""
        sid, service = _text(r[0]), _text(r[1])
        unreadable: list[str] = []
        state = _state(r[2])
        if state is None:
            state = SubmissionState.DAMAGED
            unreadable.append("state")
        created, updated, due_next = _number(r[9]), _number(r[10]), _number(r[4])
        if created is None or updated is None or due_next is None:
            unreadable.append("times")
        problems: tuple[FieldProblem, ...] = ()
        if r[14] is not None:
            try:
                problems = tuple(FieldProblem(**p) for p in self._open_json(r[14], sid, "problems")["problems"])
            except _DECODE_ERRORS:
                unreadable.append("problems")
        try:
            receipt = self._open_receipt(r[13], sid)
        except _DECODE_ERRORS:
            unreadable.append("receipt")
            receipt = ReceiptFacts(service_code=service, masked_id="", id_last4="", received_at=created or 0.0,
                                   file_code=_text_or_none(r[6]), due_at=_text_or_none(r[8]))
        return SubmissionRecord(
            submission_id=sid, service_code=service, state=state, attempts=int(_number(r[3]) or 0),
            next_attempt_at=due_next or 0.0, last_error=_text_or_none(r[5]), file_code=_text_or_none(r[6]),
            portal_status=r[7] if isinstance(r[7], int) else None, due_at=_text_or_none(r[8]),
            created_at=created or 0.0, updated_at=updated or 0.0, accepted_at=_number(r[11]),
            payload_cleared=bool(r[12]), receipt=receipt, problems=problems, unreadable=tuple(unreadable))

    def _outgoing(self, c: sqlite3.Connection, sid: str) -> OutgoingSubmission:
        """Everything needed to send the row, decrypted; `RowDamagedError` names the part that does not open.
        The receipt is opened too, so a row whose receipt is damaged is set aside before it is sent."""
        service, attempts, payload, receipt = c.execute(
            "SELECT service_code, attempts, payload, receipt FROM submissions WHERE id=?", (sid,)).fetchone()
        blobs = c.execute("SELECT idx, blob FROM attachments WHERE submission_id=? ORDER BY idx", (sid,)).fetchall()
        try:
            data = self._open_json(payload, sid, "payload")
            if not isinstance(data, dict):
                raise TypeError("payload is not an object")
        except _DECODE_ERRORS as exc:
            raise RowDamagedError("payload") from exc
        try:
            self._open_receipt(receipt, sid)
        except _DECODE_ERRORS as exc:
            raise RowDamagedError("receipt") from exc
        try:
            attachments = tuple(self._open_attachment(b, sid, i) for i, b in blobs)
        except _DECODE_ERRORS as exc:
            raise RowDamagedError("attachment") from exc
        return OutgoingSubmission(sid, _text(service), data, attachments, int(_number(attempts) or 0))

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


class RowDamagedError(DamagedValueError):
    """A claimed row whose `part` (payload, receipt, attachment) does not open."""

    def __init__(self, part: str) -> None:
        super().__init__(f"{part} does not open")
        self.part = part


# What opening a sealed value can raise when storage damaged it (the key itself was checked at start).
_DECODE_ERRORS = (DamagedValueError, ValueError, TypeError, KeyError, IndexError, struct.error, RecursionError)


def _state(value: Any) -> SubmissionState | None:
    try:
        return SubmissionState(value)
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None

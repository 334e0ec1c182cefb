"""A small signed manifest beside the queue file, so a queue that vanished, shrank or lost its WAL is noticed.

SQLite cannot tell a file that was emptied, replaced, restored from an old copy, or that lost its write-ahead log
(sqlite.org/wal.html: committed transactions live only in the WAL until a checkpoint) from one that was always
like that: every such file opens "ok". The manifest `<db>.manifest` records what the queue held after the last
write — a per-file id, the row count and the highest row id — plus the incidents found so far, and is
authenticated with HMAC-SHA-256 (RFC 2104) under a key derived from the queue key, so it cannot be edited to
hide a loss. It is written after each commit, so it is only ever behind the database, never ahead: a stop between
the two is not a false alarm. Incidents stay until staff acknowledge them, so every
process (the kiosk, `kiosk queue status`) tells them, not just the first to notice.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = "kiosk-queue-manifest/1"
SLOT_BYTES = 8192
MAX_INCIDENTS = 16  # the oldest are dropped beyond this; each was logged when it was found
_SLOT_MAGIC = b"KQM1"
INCIDENT_KINDS = ("vanished", "rows_missing", "quarantined", "manifest_damaged", "manifest_missing")


@dataclass(frozen=True)
class Incident:
    """Something staff must know about the queue file: rows that may be lost, or a file set aside."""

    kind: str  # one of INCIDENT_KINDS
    at: float  # when it was noticed (epoch seconds)
    expected_rows: int | None  # what the manifest said the queue held (None: no manifest to compare with)
    found_rows: int  # what the queue holds now
    recovered_rows: int | None = None  # rows salvaged from a quarantined file
    quarantine: str | None = None  # where the damaged file was set aside

    @property
    def message_key(self) -> str:
        return f"queue.incident_{self.kind}"

    @property
    def message_params(self) -> dict[str, object]:
        return {"expected": "?" if self.expected_rows is None else self.expected_rows, "found": self.found_rows,
                "recovered": self.recovered_rows or 0, "path": self.quarantine or "-"}


@dataclass(frozen=True)
class ManifestState:
    db_id: str
    rows: int
    last_rowid: int
    incidents: tuple[Incident, ...] = field(default=())


class ManifestDamagedError(Exception):
    """The manifest exists but is not one this key signed (edited, damaged, or of another queue)."""


class Manifest:
    """Reads and writes `<db>.manifest`; `locked()` serialises read-modify-write across processes.

    The file has two fixed-size slots written alternately in place (`pwrite` + `fdatasync`, the file never
    changes size after creation), each with a sequence number and its own MAC. A write cut short by a power cut
    spoils at most the slot being written, and the reader takes the newest slot that verifies — the previous
    state, which is only ever behind the database. So an update costs one small synced write on the enqueue
    path, not a new file, a rename and a journal commit.
    """

    def __init__(self, db_path: Path, key: bytes) -> None:
        self.path = db_path.with_name(db_path.name + ".manifest")
        self._mac_key = hashlib.sha256(b"kiosk-queue-manifest\x00" + key).digest()

    def read(self) -> ManifestState | None:
        """The manifest, or None when there is none; `ManifestDamagedError` when no slot verifies."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ManifestDamagedError(exc.strerror or "unreadable") from exc
        best = self._newest(raw)
        if best is None:
            if not raw.strip(b"\x00"):
                return None  # created but never written (a stop during the very first write)
            raise ManifestDamagedError("no copy verifies")
        return best[1]

    def write(self, state: ManifestState) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            self._write(fd, state)
        finally:
            os.close(fd)

    def _write(self, fd: int, state: ManifestState) -> None:
        size = os.fstat(fd).st_size
        raw = os.pread(fd, 2 * SLOT_BYTES, 0)
        newest = self._newest(raw)
        seq = newest[0] + 1 if newest is not None else 1
        incidents = state.incidents[-MAX_INCIDENTS:]
        doc: dict[str, Any] = {"format": FORMAT, "seq": seq, "db_id": state.db_id, "rows": state.rows,
                               "last_rowid": state.last_rowid, "incidents": [asdict(i) for i in incidents]}
        doc["mac"] = self._mac(doc)
        body = json.dumps(doc, sort_keys=True).encode()
        if len(body) + 8 > SLOT_BYTES:
            raise ValueError("manifest does not fit its slot")
        slot = _SLOT_MAGIC + struct.pack(">I", len(body)) + body
        os.pwrite(fd, slot.ljust(SLOT_BYTES, b"\x00"), (seq % 2) * SLOT_BYTES)
        if size == 2 * SLOT_BYTES:
            os.fdatasync(fd)
        else:  # first write (or a file of the wrong size): make the size and the directory entry durable too
            os.ftruncate(fd, 2 * SLOT_BYTES)
            os.fsync(fd)
            _fsync_folder(self.path.parent)

    def _newest(self, raw: bytes) -> tuple[int, ManifestState] | None:
        best: tuple[int, ManifestState] | None = None
        for i in range(2):
            parsed = self._slot(raw[i * SLOT_BYTES : (i + 1) * SLOT_BYTES])
            if parsed is not None and (best is None or parsed[0] > best[0]):
                best = parsed
        return best

    def _slot(self, chunk: bytes) -> tuple[int, ManifestState] | None:
        if len(chunk) < 8 or not chunk.startswith(_SLOT_MAGIC):
            return None
        (length,) = struct.unpack(">I", chunk[4:8])
        try:
            doc = json.loads(chunk[8 : 8 + length])
            mac = doc.pop("mac")
            if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(doc)):
                return None
            if doc.get("format") != FORMAT:
                return None
            incidents = tuple(Incident(**i) for i in doc["incidents"])
            return int(doc["seq"]), ManifestState(str(doc["db_id"]), int(doc["rows"]), int(doc["last_rowid"]),
                                                   incidents)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """An exclusive lock across processes, on a side file (never on the database: closing any descriptor
        of the database would drop SQLite's own POSIX locks)."""
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _mac(self, doc: dict[str, Any]) -> str:
        body = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self._mac_key, body, hashlib.sha256).hexdigest()


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

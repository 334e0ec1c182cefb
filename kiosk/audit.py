"""The kiosk's audit trail: an append-only JSON-lines file of who did what, with no personal data in it.

Each line records one event with its UTC time, the kiosk ID, the staff ID (a volunteer or technician, when one was
involved), a hash of the session ID, the service code and the portal's file code (services.md §5.3 and §5.6:
"log IDs and hashes, never personal data"; the helper's ID goes into the audit log). Every field is checked
against a narrow pattern before it is written, so a name, an address or a 12-digit ID number cannot get in even
by mistake: such a record is refused with `AuditFieldError` instead of being written.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from offline_cache.private_files import open_private_append

AUDIT_FILE_NAME = "audit.jsonl"

# What each field may look like. None of them admits spaces or letters outside ASCII (so no names or
# addresses), and a run of nine or more digits (an ID number, a phone number) is refused separately.
_PATTERNS: dict[str, re.Pattern[str]] = {
    "event": re.compile(r"[a-z][a-z0-9_]{0,63}"),
    "kiosk_id": re.compile(r"[A-Za-z0-9._-]{1,64}"),
    "staff_id": re.compile(r"[A-Za-z0-9._-]{0,32}"),
    "session_hash": re.compile(r"[0-9a-f]{0,64}"),
    "service_code": re.compile(r"[A-Za-z0-9._-]{0,32}"),
    "file_code": re.compile(r"[A-Za-z0-9._/-]{0,64}"),
    # A queue row's idempotency key: a UUID and nothing else (hex groups, so no name can fit).
    "submission_id": re.compile(r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?"),
}
# Random hex may hold a run of digits by chance; these fields' own patterns already exclude personal data.
_DIGIT_RUNS_ALLOWED = frozenset({"session_hash", "submission_id"})
_LONG_DIGIT_RUN = re.compile(r"\d{9,}")


class AuditFieldError(ValueError):
    """A record would carry something that is not an ID, a code or a hash (a programming error, never written)."""

    message_key = "staff.audit_refused"


@dataclass(frozen=True)
class AuditRecord:
    event: str
    time: str
    kiosk_id: str
    staff_id: str = ""
    session_hash: str = ""
    service_code: str = ""
    file_code: str = ""
    submission_id: str = ""

    @property
    def at(self) -> str:
        """The record's UTC time (ISO 8601), under the name the session events use."""
        return self.time


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    """Appends records to `<data_dir>/audit.jsonl`; the file is only ever opened for appending."""

    def __init__(self, data_dir: Path, kiosk_id: str, now: Callable[[], datetime] = _utc_now) -> None:
        self.path = Path(data_dir) / AUDIT_FILE_NAME
        self._kiosk_id = kiosk_id
        self._now = now
        self._lock = threading.Lock()

    def record(self, event: str, *, session_hash: str = "", staff_id: str = "", service_code: str = "",
               file_code: str = "", submission_id: str = "") -> AuditRecord:
        entry = AuditRecord(event=event, time=self._now().astimezone(UTC).isoformat(timespec="seconds"),
                            kiosk_id=self._kiosk_id, staff_id=staff_id, session_hash=session_hash,
                            service_code=service_code, file_code=file_code, submission_id=submission_id)
        _check(entry)
        fields = {k: v for k, v in entry.__dict__.items() if v or k != "submission_id"}  # only queue actions have one
        line = json.dumps(fields, ensure_ascii=True, separators=(",", ":")) + "\n"
        with self._lock:
            # O_APPEND: each write lands at the end even if another process appends too; fsync because an audit
            # trail that loses its last lines in a power cut is no trail. Owner-only, like all of the data folder.
            fd = open_private_append(self.path)
            try:
                os.write(fd, line.encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    def records(self) -> Iterator[AuditRecord]:
        """Read the trail back (technician mode's log view); a damaged line is skipped, not fatal."""
        if not self.path.exists():
            return
        with self.path.open(encoding="ascii", errors="replace") as handle:
            for line in handle:
                try:
                    raw = json.loads(line)
                    yield AuditRecord(**{k: str(raw[k]) for k in AuditRecord.__dataclass_fields__ if k in raw})
                except (ValueError, TypeError):
                    continue


def _check(entry: AuditRecord) -> None:
    for name, pattern in _PATTERNS.items():
        value: str = getattr(entry, name)
        if not pattern.fullmatch(value):
            raise AuditFieldError(f"audit field {name} is not an ID, code or hash")
        if _LONG_DIGIT_RUN.search(value) and name not in _DIGIT_RUNS_ALLOWED:
            raise AuditFieldError(f"audit field {name} holds a long number")

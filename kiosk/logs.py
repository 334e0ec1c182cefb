"""Log output for the journal: one JSON object per line, with personal data redacted on the way out.

Selected by `[logging] format = "json"` (the systemd units set it). journald stores each line a service writes
as one entry; a JSON line keeps level, logger and message as fields any log shipper can parse. The kiosk never
logs personal data on purpose (names, ID numbers, dates of birth, addresses, photos); `RedactionFilter` is the
second line of defence for what slips through, such as an exception text quoting a form value: it replaces
anything shaped like an ID, insurance or phone number, a date, an e-mail address or an MRZ line, and
tracebacks are reduced to the exception type and where it happened.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import LoggingConfig

REDACTED = "[redacted]"
_HANDLER_NAME = "kiosk"
_PATTERNS = [
    re.compile(r"[A-Z0-9<]{5,}<<[A-Z0-9<]*"),  # ICAO 9303 MRZ text (fillers '<<')
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail
    re.compile(r"\b[A-Z]{2}\d{13}\b"),  # health insurance (BHYT) card number
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"),  # dates, either order
    re.compile(r"\b\d{8}\b"),  # YYYYMMDD dates
    re.compile(r"(?<![\w.])\+?\d(?:[ .-]?\d){8,}(?![\w.])"),  # ID numbers (9 or 12 digits), phone numbers
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactionFilter(logging.Filter):
    """Rewrites each record's message with PII-looking values replaced; never drops the record itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string; keep the format, lose the arguments
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info and record.exc_info[0] is not None:
            # The type and the last frames only: an exception's text may quote a citizen's data.
            entry["error"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])[-3:] if record.exc_info[2] else []
            entry["where"] = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def configure_logging(config: LoggingConfig, stream: IO[str] | None = None, verbose: bool = False) -> None:
    """Install one root handler in the chosen format (replacing any earlier one), with redaction."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactionFilter())
    if config.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in list(root.handlers):
        # Replaces `logging.basicConfig`'s handler and an earlier one of ours; other handlers (a test's capture,
        # a journald handler added by hand) stay.
        if type(old) is logging.StreamHandler and old.get_name() in (None, _HANDLER_NAME):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else getattr(logging, config.level))

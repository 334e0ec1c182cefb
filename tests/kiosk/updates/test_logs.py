from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from kiosk.config import LoggingConfig
from kiosk.logs import REDACTED, configure_logging, redact


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)


def test_json_format_writes_one_object_per_line(root_logging: None) -> None:
    out = io.StringIO()
    configure_logging(LoggingConfig(format="json", level="INFO"), out)
    log = logging.getLogger("kiosk.queue")
    log.info("sent %d files\nto the portal", 3)
    log.debug("not shown at INFO")
    try:
        raise ValueError("Nguyễn Văn A 001090000123")
    except ValueError:
        log.exception("send failed")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["logger"] == "kiosk.queue"
    assert first["message"] == "sent 3 files\nto the portal" and first["ts"].endswith("+00:00")
    assert second["error"] == "ValueError" and "test_logs.py:" in second["where"]
    assert "Nguyễn" not in lines[1] and "001090000123" not in lines[1]  # the exception text never goes out


@pytest.mark.parametrize("value", [
    "001090000123",        # CCCD number
    "012345678",           # old 9-digit CMND
    "0912 345 678",        # phone, spaced
    "+84912345678",
    "DN4010123456789",     # BHYT card number
    "12/03/1990", "1990-03-12", "19900312",
    "an.nguyen@example.vn",
    "IDVNM0123456789<001090000123<<<",
])
def test_redaction_drops_pii_looking_values(value: str, root_logging: None) -> None:
    out = io.StringIO()
    configure_logging(LoggingConfig(format="json"), out)
    logging.getLogger("kiosk.forms").warning("field check failed for %s in step 2", value)
    message = json.loads(out.getvalue())["message"]
    assert value not in message and REDACTED in message and message.endswith("in step 2")


def test_redaction_keeps_technical_values() -> None:
    text = "kiosk KIOSK-DEMO-01 sent 1048576 bytes to 127.0.0.1:8787 in 0.25 s (attempt 3, HTTP 503)"
    assert redact(text) == text


def test_text_format_is_redacted_too(root_logging: None) -> None:
    out = io.StringIO()
    configure_logging(LoggingConfig(format="text", level="WARNING"), out)
    logging.getLogger("kiosk").warning("card %s", "001090000123")
    assert "001090000123" not in out.getvalue() and REDACTED in out.getvalue()

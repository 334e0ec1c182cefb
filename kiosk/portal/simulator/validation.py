"""Input checks of the portal simulator: every malformed request ends as one JSON error answer, never a dropped socket.

The simulator stands in for the provincial system in demos, tests and soak runs, so it must take whatever a
broken or hostile client sends and answer in HTTP terms (RFC 9110): 400 for a request it cannot read, 411 when
the body length is not given by one plain `Content-Length` (RFC 9112 §6.3; chunked bodies are not part of the
adapter contract), 413 for a body above the configured limit (refused before a byte of it is read), 415 for a
JSON endpoint called with another media type. JSON follows RFC 8259: UTF-8 only, no `NaN`/`Infinity` (not JSON
numbers), no string that is not Unicode text (a lone surrogate escape like `\\ud800` cannot be stored as UTF-8),
and a bounded nesting depth so neither the parser nor the store recurses without limit.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

MAX_JSON_DEPTH = 32
MAX_CLOCK_OFFSET_S = 20 * 366 * 86400.0  # twenty years either way keeps every stored time a valid date
MAX_IDEMPOTENCY_KEY = 200
JSON_TYPES = ("application/json",)


class RequestRefused(Exception):
    """The request cannot be served as sent; `status`, `error` and `detail` form the JSON answer.

    `close` is set when the body was not read, so the connection cannot carry another request.
    """

    def __init__(self, status: int, error: str, detail: str, close: bool = False) -> None:
        super().__init__(f"{status} {error}: {detail}")
        self.status = status
        self.error = error
        self.detail = detail
        self.close = close

    def answer(self) -> dict[str, str]:
        return {"error": self.error, "detail": self.detail}


def body_length(content_length: list[str], transfer_encoding: str | None, max_bytes: int) -> int:
    """The number of body bytes to read, refused before reading when absent, malformed or above `max_bytes`."""
    if transfer_encoding is not None:
        raise RequestRefused(411, "length_required", "send the body with a Content-Length, not Transfer-Encoding",
                             close=True)
    if not content_length:
        return 0
    values = {v.strip() for v in content_length}
    if len(values) != 1:
        raise RequestRefused(400, "bad_content_length", "conflicting Content-Length headers", close=True)
    text = values.pop()
    # Only plain ASCII digits: int() would also take "+5", " 5", "٥" or "1_000".
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        raise RequestRefused(400, "bad_content_length", "Content-Length must be a whole number of bytes",
                             close=True)
    length = int(text)
    if length > max_bytes:
        raise RequestRefused(413, "body_too_large", f"the body may have at most {max_bytes} bytes", close=True)
    return length


def require_json(content_type: str | None) -> None:
    """Refuse (415) a body that is not declared as JSON in UTF-8."""
    media, _, params = (content_type or "").partition(";")
    if media.strip().lower() not in JSON_TYPES:
        raise RequestRefused(415, "unsupported_media_type", "send the body as application/json")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise RequestRefused(415, "unsupported_media_type", "JSON must be sent in UTF-8")


def _no_constant(name: str) -> Any:
    raise RequestRefused(400, "not_json", f"{name} is not a JSON number")


def parse_json(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Decode a JSON body strictly: UTF-8 text, real numbers only, nesting at most `max_depth`, no lone surrogates."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRefused(400, "not_utf8", "the body is not UTF-8 text") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise RequestRefused(400, "too_deep", f"JSON may nest at most {max_depth} levels") from None
    except ValueError:
        raise RequestRefused(400, "not_json", "the body is not valid JSON") from None
    _check_tree(value, max_depth)
    return value


def _check_tree(value: Any, max_depth: int) -> None:
    # Iterative on purpose: a recursive walk could itself exhaust the stack on the input it is checking.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):  # 1e400 parses to inf without a constant
            raise RequestRefused(400, "not_json", "numbers must be finite")
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                raise RequestRefused(400, "too_deep", f"JSON may nest at most {max_depth} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestRefused(400, "not_unicode", "a string holds a lone surrogate") from None


def utf8_text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRefused(400, "not_utf8", f"the {what} is not UTF-8 text") from None


def idempotency_key(value: str | None) -> str:
    """The `Idempotency-Key` header: required, printable ASCII, of a sane length."""
    if not value:
        raise RequestRefused(400, "idempotency_key_required", "the Idempotency-Key header is required")
    if len(value) > MAX_IDEMPOTENCY_KEY or not (value.isascii() and value.isprintable()):
        raise RequestRefused(400, "bad_idempotency_key",
                             f"the Idempotency-Key must be printable ASCII of at most {MAX_IDEMPOTENCY_KEY} characters")
    return value


def stats_day(text: str | None, name: str) -> dt.date | None:
    """A `from`/`to` query value of `/v1/stats`: an ISO date (YYYY-MM-DD) with a following day, or absent."""
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
        _ = day + dt.timedelta(days=1)  # the `to` day is counted up to its end: its next day must exist
    except (ValueError, OverflowError):
        raise RequestRefused(400, "bad_date", f"{name} must be a date like 2026-11-30") from None
    return day


def clock_offset(advance: str | float | None, current: float) -> float:
    """The simulated clock's new offset after moving it by `advance` seconds: finite and within twenty years."""
    try:
        seconds = float(advance if advance is not None else 0.0)
    except (TypeError, ValueError):
        raise RequestRefused(400, "bad_advance", "advance_s must be a number of seconds") from None
    new = current + seconds
    if not (math.isfinite(seconds) and abs(new) <= MAX_CLOCK_OFFSET_S):
        raise RequestRefused(400, "bad_advance",
                             f"the clock may be moved at most {MAX_CLOCK_OFFSET_S:.0f} seconds from now")
    return new

"""HTTP client for the kiosk ↔ provincial-system adapter contract (JSON over HTTPS, optional mutual TLS).

One pooled `requests.Session`; every call has connect and read timeouts, a total deadline and a maximum answer
size (`transport.py`), never follows a redirect, and carries `X-Kiosk-Id`, `X-Operator-Id` and a fresh
`X-Request-Id`; creates carry the submission's `Idempotency-Key`. Every way an HTTP exchange can go wrong ends
as a `PortalError` subclass (see `errors.py`); nothing from `requests` leaks out. Answers are checked against
the contract (`contract.parse_*`) before they are believed. Only what the contract defines as a refusal of the
file (422 with field errors, 409 `idempotency_conflict` on a create) rejects it; any other unexpected 4xx or a
3xx is a fault of the kiosk's set-up (`PortalConfigError`). `Retry-After` is read as seconds or as an HTTP date
(RFC 9110 §10.2.3).
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests

from kiosk.config import KioskConfig
from kiosk.portal.contract import (
    BY_KEY_PATH,
    PAYMENTS_PATH,
    ApplicationResult,
    ApplicationStatusResult,
    ContractViolation,
    PortalFieldError,
    PortalPayment,
    PortalStatisticsResult,
    SupplementResult,
    UploadedFile,
    WithdrawalResult,
    check_parts,
    parse_application_answer,
    parse_payment_answer,
    parse_status_answer,
    parse_supplement_answer,
    parse_upload_answer,
    parse_withdrawal_answer,
)
from kiosk.portal.errors import (
    ApplicationNotFoundError,
    IdempotencyConflictError,
    PortalAccessError,
    PortalConfigError,
    PortalError,
    PortalNonsenseError,
    PortalUnavailableError,
    PortalValidationError,
    SupplementRefusedError,
    WithdrawalRefusedError,
)
from kiosk.portal.transport import (
    AnswerTooLarge,
    DeadlineExceeded,
    Redirected,
    UnaskedEncoding,
    bounded_session,
    exchange,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
Timeout = tuple[float, float]
DEFAULT_DEADLINE_S = 20.0
DEFAULT_MAX_ANSWER_BYTES = 1 << 20


class PortalClient:
    def __init__(self, base_url: str, *, kiosk_id: str, operator_id: str, connect_timeout_s: float = 3.0,
                 read_timeout_s: float = 10.0, verify: bool | str = True,
                 client_cert: tuple[str, str] | str | None = None, pool_size: int = 4,
                 deadline_s: float = DEFAULT_DEADLINE_S, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout: Timeout = (connect_timeout_s, read_timeout_s)
        self.deadline_s = deadline_s
        self.max_answer_bytes = max_answer_bytes
        # Settings come only from the kiosk's config: no proxy, CA bundle or .netrc picked up from the environment.
        self._session = bounded_session(pool_size)
        self._session.verify = verify
        if client_cert is not None:
            self._session.cert = client_cert
        self._session.headers.update({"X-Kiosk-Id": kiosk_id, "X-Operator-Id": operator_id,
                                      "Accept": "application/json"})

    @classmethod
    def from_config(cls, config: KioskConfig, base_url: str | None = None) -> PortalClient:
        portal = config.portal
        verify: bool | str = str(portal.ca_bundle) if portal.ca_bundle else portal.verify_tls
        cert: tuple[str, str] | str | None = None
        if portal.client_cert is not None:
            cert = (str(portal.client_cert), str(portal.client_key)) if portal.client_key else str(portal.client_cert)
        return cls(base_url or portal.base_url, kiosk_id=config.kiosk.kiosk_id, operator_id=portal.operator_id,
                   connect_timeout_s=portal.connect_timeout_s, read_timeout_s=portal.read_timeout_s,
                   verify=verify, client_cert=cert, pool_size=max(4, config.queue.max_in_flight + 1),
                   deadline_s=portal.request_deadline_s, max_answer_bytes=portal.max_answer_bytes)

    def close(self) -> None:
        self._session.close()

    # ---- the contract --------------------------------------------------------------------------------------

    def upload(self, data: bytes, filename: str, content_type: str, timeout: Timeout | None = None) -> UploadedFile:
        body = self._call("POST", "/v1/uploads", data=data, timeout=timeout,
                          headers={"Content-Type": content_type, "X-Filename": filename.encode().hex()})
        return _checked(parse_upload_answer, body)

    def create_application(self, body: Mapping[str, Any], idempotency_key: str,
                           timeout: Timeout | None = None) -> ApplicationResult:
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        answer, status = self._call_with_status(
            "POST", "/v1/applications", data=raw, timeout=timeout,
            headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key})
        result = _checked(parse_application_answer, answer, status)
        _checked(check_parts, result.parts, body)
        return result

    def get_status(self, dossier_code: str, id_last4: str, timeout: Timeout | None = None) -> ApplicationStatusResult:
        answer = self._call("GET", f"/v1/applications/{_segment(dossier_code)}", params={"id_last4": id_last4},
                            timeout=timeout)
        return _checked(parse_status_answer, answer)

    def find_by_key(self, idempotency_key: str, timeout: Timeout | None = None) -> ApplicationStatusResult | None:
        """The application created under `idempotency_key`, or None when the portal answers that no create under
        it was ever taken (404 `not_found`). The key travels in its header, as on a create, never in the URL."""
        try:
            answer = self._call("GET", BY_KEY_PATH, timeout=timeout, headers={"Idempotency-Key": idempotency_key})
        except ApplicationNotFoundError:
            return None
        return _checked(parse_status_answer, answer)

    def health(self, timeout: Timeout | None = None) -> None:
        """`GET /v1/health` (technician check); raises the same typed errors as every other call."""
        self._call("GET", "/v1/health", timeout=timeout)

    def withdraw(self, dossier_code: str, id_last4: str, timeout: Timeout | None = None, *,
                 reason_code: str = "") -> WithdrawalResult:
        """`reason_code`: why the citizen withdraws (one of WITHDRAW_REASONS), for the officer; optional."""
        body = {"id_last4": id_last4, **({"reason_code": reason_code} if reason_code else {})}
        answer = self._call("POST", f"/v1/applications/{_segment(dossier_code)}/withdraw", timeout=timeout,
                            data=json.dumps(body).encode(),
                            headers={"Content-Type": "application/json"})
        return _checked(parse_withdrawal_answer, answer)

    def request_payment(self, dossier_code: str, id_last4: str, method: str = "vietqr",
                        timeout: Timeout | None = None) -> PortalPayment:
        """Open the payment of a file's fee, or get the one already open or paid (the file code is the key)."""
        answer, status = self._call_with_status(
            "POST", PAYMENTS_PATH, timeout=timeout, headers={"Content-Type": "application/json"},
            data=json.dumps({"dossier_code": dossier_code, "id_last4": id_last4, "method": method}).encode())
        return _checked(parse_payment_answer, answer, status)

    def payment_status(self, dossier_code: str, id_last4: str, timeout: Timeout | None = None) -> PortalPayment:
        answer = self._call("GET", f"{PAYMENTS_PATH}/{_segment(dossier_code)}", params={"id_last4": id_last4},
                            timeout=timeout)
        return _checked(parse_payment_answer, answer)

    def add_supplement(self, dossier_code: str, body: Mapping[str, Any], idempotency_key: str,
                       timeout: Timeout | None = None) -> SupplementResult:
        """Papers added to a file that asks for them (status 5), under the supplement's own idempotency key."""
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        answer, status = self._call_with_status(
            "POST", f"/v1/applications/{_segment(dossier_code)}/supplements", data=raw, timeout=timeout,
            headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key})
        return _checked(parse_supplement_answer, answer, status)

    def statistics(self, date_from: str | None = None, date_to: str | None = None, agency: str | None = None,
                   procedure: str | None = None) -> PortalStatisticsResult:
        params = {k: v for k, v in (("from", date_from), ("to", date_to), ("agency", agency),
                                    ("procedure", procedure)) if v}
        answer = self._call("GET", "/v1/stats", params=params)
        try:
            return PortalStatisticsResult(
                total=int(answer["total"]),
                counts_by_status={int(k): int(v) for k, v in answer["counts_by_status"].items()},
                on_time_pct=answer.get("on_time_pct"), median_days=answer.get("median_days"),
                overdue=tuple(answer.get("overdue", [])), raw=answer)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PortalNonsenseError("stats answer lacks fields", reason_code="nonsense") from exc

    # ---- HTTP ----------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        return self._call_with_status(method, path, **kw)[0]

    def _call_with_status(self, method: str, path: str, *, data: bytes | None = None,
                          params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                          timeout: Timeout | None = None) -> tuple[dict[str, Any], int]:
        all_headers = {"X-Request-Id": str(uuid.uuid4()), **(headers or {})}
        limits = timeout or self.timeout
        # A call with its own (shorter) timeouts, such as the citizen's first try, gets no more than their sum.
        deadline = min(self.deadline_s, sum(limits)) if timeout else self.deadline_s
        try:
            answer = exchange(self._session, method, self.base_url + path, data=data, params=params,
                              headers=all_headers, timeout=limits, deadline_s=deadline,
                              max_answer_bytes=self.max_answer_bytes)
        # `from None`: requests' own messages carry the URL, whose query may hold the last ID digits; the
        # scrubbed reason below keeps what a technician needs (e.g. "certificate verify failed").
        except DeadlineExceeded:
            raise PortalUnavailableError(f"no whole answer within {deadline:g} s", reason_code="deadline") from None
        except AnswerTooLarge:
            raise PortalNonsenseError(f"answer larger than {self.max_answer_bytes} bytes",
                                      reason_code="too_large") from None
        except UnaskedEncoding as exc:
            raise PortalNonsenseError(f"answer compressed as {exc}", reason_code="nonsense") from None
        except Redirected as exc:
            # Never followed: a 307/308 would repeat the application, with the citizen's data, elsewhere.
            log.error("portal answered HTTP %d redirecting to %s for %s %s; redirects are not followed: check "
                      "portal.base_url", exc.status, exc.target_origin, method, _route(path))
            raise PortalConfigError(str(exc), http_status=exc.status, reason_code="config_redirect") from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            raise PortalNonsenseError(f"answer cut off: {_scrub(exc)}", reason_code="truncated") from None
        except requests.exceptions.SSLError as exc:
            raise PortalAccessError(f"TLS failed: {_scrub(exc)}", reason_code="config_tls") from None
        except requests.exceptions.Timeout as exc:
            raise PortalUnavailableError(f"timed out: {_scrub(exc)}", reason_code="timeout") from None
        except requests.exceptions.ConnectionError as exc:
            raise PortalUnavailableError(f"connection failed: {_scrub(exc)}", reason_code="connection") from None
        except requests.exceptions.RequestException as exc:
            raise PortalUnavailableError(_scrub(exc), reason_code="request_failed") from None
        body = _json_or_none(answer.content)
        status = answer.status
        if 200 <= status < 300:
            if not isinstance(body, dict):
                raise PortalNonsenseError(f"HTTP {status} with a body that is not a JSON object",
                                          http_status=status, reason_code="nonsense")
            return body, status
        error = _error_for(status, body if isinstance(body, dict) else {}, answer.headers.get("Retry-After"), path,
                           method)
        if error.operational:
            log.error("portal answered HTTP %d to %s %s, which the contract does not define there: check "
                      "portal.base_url, proxy and credentials", status, method, _route(path))
        raise error


def _checked(parse: Callable[..., T], *args: Any) -> T:
    try:
        return parse(*args)
    except ContractViolation as exc:
        # Believing it could tell a citizen a made-up file code; the idempotency key makes asking again safe.
        log.warning("portal answer does not match the contract: %s", exc)
        raise PortalNonsenseError(f"answer does not match the contract: {exc}", reason_code="invalid_answer") from None


def _route(path: str) -> str:
    """The path with file codes replaced, for log lines."""
    parts = path.split("/")
    if len(parts) > 3 and parts[1:3] in (["v1", "applications"], ["v1", "payments"]):
        parts[3] = "{code}"
    return "/".join(parts)


_URL = re.compile(r"(url: |https?://)\S+")


def _scrub(exc: Exception) -> str:
    """The exception's text without URLs (paths and queries may hold file codes and ID digits)."""
    return f"{type(exc).__name__}: {_URL.sub('<url>', str(exc))}"[:300]


def _segment(code: str) -> str:
    return urllib.parse.quote(code, safe="")


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except (ValueError, RecursionError):  # RecursionError: a deeply nested answer
        return None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _error_for(status: int, body: dict[str, Any], retry_after: str | None, path: str,
               method: str = "POST") -> PortalError:
    """The typed error for a non-2xx answer to `method path`, by what the contract defines for that call."""
    wait = parse_retry_after(retry_after)
    if wait is None and isinstance(body.get("retry_after_s"), int | float) and not isinstance(
            body.get("retry_after_s"), bool):
        wait = float(body["retry_after_s"])
    code = body.get("error")
    is_supplement = method == "POST" and path.startswith("/v1/applications/") and path.endswith("/supplements")
    is_create = (method == "POST" and path == "/v1/applications") or is_supplement
    is_withdraw = method == "POST" and path.startswith("/v1/applications/") and path.endswith("/withdraw")
    is_lookup = method == "GET" and path.startswith("/v1/applications/") and path.count("/") == 3
    is_payment = path == PAYMENTS_PATH or (path.startswith(PAYMENTS_PATH + "/") and path.count("/") == 3)
    if status in {429, 408} or status >= 500:
        return PortalUnavailableError(f"HTTP {status}", http_status=status, retry_after_s=wait,
                                      reason_code=f"http_{status}")
    if status == 422 and is_create:
        problems = _field_errors(body.get("errors"))
        if problems:
            return PortalValidationError(problems)
    if status == 409 and is_withdraw and code == "not_withdrawable":
        found = body.get("status", 0)
        return WithdrawalRefusedError(found if isinstance(found, int) and not isinstance(found, bool) else 0)
    if status == 409 and is_create and code == "idempotency_conflict":
        return IdempotencyConflictError(code, http_status=409, reason_code="idempotency_conflict")
    if status == 409 and is_supplement and code == "not_supplementable":
        found = body.get("status", 0)
        return SupplementRefusedError(found if isinstance(found, int) and not isinstance(found, bool) else 0)
    if status == 404 and (is_lookup or is_withdraw or is_payment or is_supplement) and code == "not_found":
        return ApplicationNotFoundError("not found", http_status=404, reason_code="not_found")
    if status in (401, 403, 407):
        return PortalAccessError(f"HTTP {status}", http_status=status, reason_code=f"config_http_{status}")
    # A 404 from a proxy or a wrong base path, a 405, a 400: nothing in the citizen's file can cause these.
    return PortalConfigError(f"HTTP {status}", http_status=status, retry_after_s=wait,
                             reason_code=f"config_http_{status}")


def _field_errors(found: Any) -> tuple[PortalFieldError, ...]:
    items: list[Any] = found if isinstance(found, list) else []
    return tuple(PortalFieldError(str(e.get("field", "")), str(e.get("code", "")), str(e.get("message_vi", "")),
                                  str(e.get("message_en", "")))
                 for e in items if isinstance(e, dict) and isinstance(e.get("field"), str)
                 and isinstance(e.get("code"), str))

"""HTTP client for the kiosk ↔ provincial-system adapter contract (JSON over HTTPS, optional mutual TLS).

One pooled `requests.Session`; every call has connect and read timeouts and carries `X-Kiosk-Id`,
`X-Operator-Id` and a fresh `X-Request-Id`; creates carry the submission's `Idempotency-Key`. Every way an HTTP
exchange can go wrong ends as a `PortalError` subclass (see `errors.py`); nothing from `requests` leaks out.
`Retry-After` is read as seconds or as an HTTP date (RFC 9110 §10.2.3).
"""

from __future__ import annotations

import email.utils
import json
import re
import time
import urllib.parse
import uuid
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from kiosk.config import KioskConfig
from kiosk.portal.contract import (
    ApplicationResult,
    ApplicationStatusResult,
    PortalFieldError,
    PortalStatisticsResult,
    StatusEvent,
    UploadedFile,
    WithdrawalResult,
)
from kiosk.portal.errors import (
    ApplicationNotFoundError,
    IdempotencyConflictError,
    PortalAccessError,
    PortalError,
    PortalNonsenseError,
    PortalRequestError,
    PortalUnavailableError,
    PortalValidationError,
    WithdrawalRefusedError,
)

Timeout = tuple[float, float]


class PortalClient:
    def __init__(self, base_url: str, *, kiosk_id: str, operator_id: str, connect_timeout_s: float = 3.0,
                 read_timeout_s: float = 10.0, verify: bool | str = True,
                 client_cert: tuple[str, str] | str | None = None, pool_size: int = 4) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout: Timeout = (connect_timeout_s, read_timeout_s)
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        # Settings come only from the kiosk's config: no proxy, CA bundle or .netrc picked up from the environment.
        self._session.trust_env = False
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
                   verify=verify, client_cert=cert, pool_size=max(4, config.queue.max_in_flight + 1))

    def close(self) -> None:
        self._session.close()

    # ---- the contract --------------------------------------------------------------------------------------

    def upload(self, data: bytes, filename: str, content_type: str, timeout: Timeout | None = None) -> UploadedFile:
        body = self._call("POST", "/v1/uploads", data=data, timeout=timeout,
                          headers={"Content-Type": content_type, "X-Filename": filename.encode().hex()})
        try:
            return UploadedFile(str(body["file_id"]), str(body["sha256"]), int(body["bytes"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise PortalNonsenseError("upload answer lacks fields", reason_code="nonsense") from exc

    def create_application(self, body: Mapping[str, Any], idempotency_key: str,
                           timeout: Timeout | None = None) -> ApplicationResult:
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        answer, status = self._call_with_status(
            "POST", "/v1/applications", data=raw, timeout=timeout,
            headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key})
        try:
            receipt = answer.get("receipt") or {}
            return ApplicationResult(dossier_code=str(answer["dossier_code"]), status=int(answer.get("status", 1)),
                                     received_at=answer.get("received_at"), due_at=answer.get("due_at"),
                                     replay=status == 200, qr_payload=receipt.get("qr_payload"))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PortalNonsenseError("create answer lacks fields", reason_code="nonsense") from exc

    def get_status(self, dossier_code: str, id_last4: str, timeout: Timeout | None = None) -> ApplicationStatusResult:
        answer = self._call("GET", f"/v1/applications/{_segment(dossier_code)}", params={"id_last4": id_last4},
                            timeout=timeout)
        try:
            return ApplicationStatusResult(
                dossier_code=str(answer["dossier_code"]), status=int(answer["status"]), due_at=answer.get("due_at"),
                history=tuple(StatusEvent(int(h["status"]), str(h["at"])) for h in answer.get("history", [])),
                result_docs=tuple(str(d) for d in answer.get("result_docs", [])))
        except (KeyError, TypeError, ValueError) as exc:
            raise PortalNonsenseError("status answer lacks fields", reason_code="nonsense") from exc

    def withdraw(self, dossier_code: str, id_last4: str, timeout: Timeout | None = None) -> WithdrawalResult:
        answer = self._call("POST", f"/v1/applications/{_segment(dossier_code)}/withdraw", timeout=timeout,
                            data=json.dumps({"id_last4": id_last4}).encode(),
                            headers={"Content-Type": "application/json"})
        try:
            return WithdrawalResult(str(answer["dossier_code"]), str(answer["outcome"]), int(answer["status"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise PortalNonsenseError("withdraw answer lacks fields", reason_code="nonsense") from exc

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
        try:
            response = self._session.request(method, self.base_url + path, data=data, params=params,
                                             headers=all_headers, timeout=timeout or self.timeout)
            content = response.content  # read fully here, so a cut-off body fails inside this try
        # `from None`: requests' own messages carry the URL, whose query may hold the last ID digits; the
        # scrubbed reason below keeps what a technician needs (e.g. "certificate verify failed").
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            raise PortalNonsenseError(f"answer cut off: {_scrub(exc)}", reason_code="truncated") from None
        except requests.exceptions.SSLError as exc:
            raise PortalAccessError(f"TLS failed: {_scrub(exc)}", reason_code="tls") from None
        except requests.exceptions.Timeout as exc:
            raise PortalUnavailableError(f"timed out: {_scrub(exc)}", reason_code="timeout") from None
        except requests.exceptions.ConnectionError as exc:
            raise PortalUnavailableError(f"connection failed: {_scrub(exc)}", reason_code="connection") from None
        except requests.exceptions.RequestException as exc:
            raise PortalUnavailableError(_scrub(exc), reason_code="request_failed") from None
        body = _json_or_none(content)
        status = response.status_code
        if 200 <= status < 300:
            if not isinstance(body, dict):
                raise PortalNonsenseError(f"HTTP {status} with a body that is not a JSON object",
                                          http_status=status, reason_code="nonsense")
            return body, status
        raise _error_for(status, body if isinstance(body, dict) else {}, response.headers.get("Retry-After"), path)


_URL = re.compile(r"(url: |https?://)\S+")


def _scrub(exc: Exception) -> str:
    """The exception's text without URLs (paths and queries may hold file codes and ID digits)."""
    return f"{type(exc).__name__}: {_URL.sub('<url>', str(exc))}"[:300]


def _segment(code: str) -> str:
    return urllib.parse.quote(code, safe="")


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
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


def _error_for(status: int, body: dict[str, Any], retry_after: str | None, path: str) -> PortalError:
    wait = parse_retry_after(retry_after)
    if wait is None and isinstance(body.get("retry_after_s"), int | float):
        wait = float(body["retry_after_s"])
    code = str(body.get("error", ""))
    if status == 422:
        found = body.get("errors")
        items: list[Any] = found if isinstance(found, list) else []
        return PortalValidationError(tuple(
            PortalFieldError(str(e.get("field", "")), str(e.get("code", "")), str(e.get("message_vi", "")),
                             str(e.get("message_en", "")))
            for e in items if isinstance(e, dict)))
    if status == 409 and path.endswith("/withdraw"):
        return WithdrawalRefusedError(int(body.get("status", 0) or 0))
    if status == 409:
        return IdempotencyConflictError(code or "conflict", http_status=409, reason_code="idempotency_conflict")
    if status == 404:
        return ApplicationNotFoundError("not found", http_status=404, reason_code="not_found")
    if status in (401, 403):
        return PortalAccessError(f"HTTP {status}", http_status=status, reason_code=f"http_{status}")
    if status in {429, 408} or status >= 500:
        return PortalUnavailableError(f"HTTP {status}", http_status=status, retry_after_s=wait,
                                      reason_code=f"http_{status}")
    return PortalRequestError(f"HTTP {status}", http_status=status, reason_code=f"http_{status}")

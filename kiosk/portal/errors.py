"""Typed errors of the portal adapter: vendor HTTP trouble becomes one of these at the adapter edge.

`retryable` says whether the same request may succeed later (outage, overload, nonsense answer) or never will
as sent (field errors, key conflict). Each error names the message the kiosk shows (`kiosk/i18n/queue.toml`).
"""

from __future__ import annotations

from kiosk.portal.contract import PortalFieldError


class PortalError(Exception):
    message_key = "queue.portal_error"
    retryable = False

    def __init__(self, detail: str = "", *, http_status: int | None = None, retry_after_s: float | None = None,
                 reason_code: str = "portal_error") -> None:
        super().__init__(detail or reason_code)
        self.http_status = http_status
        self.retry_after_s = retry_after_s
        self.reason_code = reason_code


class PortalUnavailableError(PortalError):
    """Unreachable, timed out, overloaded (429) or failing (5xx): try again later, honouring `retry_after_s`."""

    message_key = "queue.portal_unavailable"
    retryable = True


class PortalNonsenseError(PortalError):
    """The portal answered something that is not the contract (HTML, cut-off or malformed JSON): try later."""

    message_key = "queue.portal_nonsense"
    retryable = True


class PortalAccessError(PortalError):
    """The portal refused this kiosk (401/403): the certificate or credentials need a technician; retry later."""

    message_key = "queue.portal_access"
    retryable = True


class PortalValidationError(PortalError):
    """422: fields the citizen (or form) must correct; sending the same again will never work."""

    message_key = "queue.portal_validation"

    def __init__(self, errors: tuple[PortalFieldError, ...]) -> None:
        super().__init__(f"{len(errors)} field error(s)", http_status=422, reason_code="validation")
        self.errors = errors


class IdempotencyConflictError(PortalError):
    """409 on create: this key was used with a different body (a bug; never retried automatically)."""

    message_key = "queue.portal_conflict"


class ApplicationNotFoundError(PortalError):
    """No file with this code and these last four ID digits."""

    message_key = "queue.file_not_found"


class WithdrawalRefusedError(PortalError):
    """The file is past the point where it can be withdrawn (decided, stopped, rejected)."""

    message_key = "queue.withdraw_too_late"

    def __init__(self, status: int) -> None:
        super().__init__(f"status {status}", http_status=409, reason_code="not_withdrawable")
        self.status = status


class PortalRequestError(PortalError):
    """Any other 4xx: the request was wrong in a way retrying cannot fix."""

    message_key = "queue.portal_error"

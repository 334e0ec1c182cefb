"""Typed errors of the portal adapter: vendor HTTP trouble becomes one of these at the adapter edge.

`retryable` says whether the same request may succeed later (outage, overload, nonsense answer) or never will
as sent (field errors, key conflict). `operational` marks faults of the kiosk's own set-up (wrong portal address
or path, a proxy answering for the portal, refused credentials, a redirect): they are nobody's fault in the
citizen's file, so the file stays queued, and the sync worker stops sending until a technician fixes them. Their
reason codes start with `config_` (see `is_configuration_fault`), which is what staff tools look for in a row's
last error. Each error names the message the kiosk shows (`kiosk/i18n/queue.toml`).
"""

from __future__ import annotations

from kiosk.portal.contract import PortalFieldError

CONFIG_PREFIX = "config_"


def is_configuration_fault(reason_code: str | None) -> bool:
    """True for reason codes of `PortalConfigError`s (what `kiosk queue status` reports to staff)."""
    return bool(reason_code) and str(reason_code).startswith(CONFIG_PREFIX)


class PortalError(Exception):
    message_key = "queue.portal_error"
    retryable = False
    operational = False

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


class PortalConfigError(PortalError):
    """An answer the contract does not define for this call (404/405/400/… from a proxy or a wrong base path, a
    redirect): the kiosk's settings are wrong, not the file. Retried after a technician fixes them."""

    message_key = "queue.portal_config"
    retryable = True
    operational = True


class PortalAccessError(PortalConfigError):
    """The portal or a proxy refused this kiosk (401/403/407, TLS): certificate or credentials need a technician."""

    message_key = "queue.portal_access"


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


class SupplementRefusedError(PortalError):
    """The file does not (or no longer) ask for papers (409 `not_supplementable`); `status` is its status."""

    message_key = "supplement.not_requested"

    def __init__(self, status: int) -> None:
        super().__init__(f"status {status}", http_status=409, reason_code="not_supplementable")
        self.status = status

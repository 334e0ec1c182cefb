"""The queue's `Sender` for the real contract: uploads attachments, then creates the application.

The body is built only from what the queue stored, in canonical JSON, so a re-send after a crash or a lost
answer carries the same body under the same `Idempotency-Key` and the portal replays its first answer.
Only a refusal the contract defines (field errors, a key conflict) becomes `Refused`; a fault of the kiosk's
set-up (`PortalConfigError`: wrong address, a proxy's 404, refused credentials, a redirect) is `Deferred` and
marked operational, so the file stays queued and the worker pauses until it is fixed.
"""

from __future__ import annotations

from typing import Any

from kiosk.portal.client import PortalClient, Timeout
from kiosk.portal.errors import PortalError, PortalValidationError
from offline_cache import Deferred, Delivered, FieldProblem, OutgoingSubmission, Refused, SendResult


def build_application_body(item: OutgoingSubmission, agency_code: str,
                           uploaded: list[dict[str, str]]) -> dict[str, Any]:
    """The contract's create body from the stored payload (applicant, auth, form, fees, delivery, consent…).

    The form engine usually fills `procedure_code` and `agency_code` itself (a procedure may belong to another
    agency); they default to the service code and the kiosk's agency. The channel is always "kiosk", and the
    attachment list is the one the uploads just returned, each with its portal `file_id`.
    """
    body: dict[str, Any] = dict(item.payload)
    body.setdefault("procedure_code", item.service_code)
    body.setdefault("agency_code", agency_code)
    body["channel"] = "kiosk"
    if uploaded or "attachments" not in body:
        body["attachments"] = uploaded
    return body


# The queue's service code of papers added to a filed case (status 5): the payload names the file
# (`dossier_code`, `id_last4`) and what was asked for (`items`); sent to its supplements endpoint, not as a create.
SUPPLEMENT_SERVICE = "supplement"


def build_supplement_body(item: OutgoingSubmission, uploaded: list[dict[str, str]]) -> dict[str, Any]:
    """The contract's supplement body from the stored payload (kiosk/portal/contract.py, "Adding papers")."""
    items = item.payload.get("items")
    return {"id_last4": str(item.payload.get("id_last4", "")), "channel": "kiosk", "attachments": uploaded,
            "items": [str(i) for i in items] if isinstance(items, list) else []}


class PortalSender:
    def __init__(self, client: PortalClient, agency_code: str, timeout: Timeout | None = None) -> None:
        self.client = client
        self.agency_code = agency_code
        self.timeout = timeout

    def send(self, item: OutgoingSubmission) -> SendResult:
        try:
            return self.deliver(item)
        except PortalValidationError as exc:
            return Refused("validation", tuple(FieldProblem(e.field, e.code, e.message_vi, e.message_en)
                                               for e in exc.errors))
        except PortalError as exc:
            if exc.retryable:
                return Deferred(exc.reason_code, exc.retry_after_s, operational=exc.operational)
            return Refused(exc.reason_code)

    def deliver(self, item: OutgoingSubmission) -> Delivered:
        """Send and raise `PortalError` on trouble (the submissions service wants the typed error)."""
        uploaded = []
        for a in item.attachments:
            up = self.client.upload(a.data, a.filename, a.content_type, timeout=self.timeout)
            uploaded.append({"component_code": a.component_code, "file_id": up.file_id, "sha256": up.sha256})
        if item.service_code == SUPPLEMENT_SERVICE:
            added = self.client.add_supplement(str(item.payload.get("dossier_code", "")),
                                               build_supplement_body(item, uploaded), item.submission_id,
                                               timeout=self.timeout)
            return Delivered(added.dossier_code, None, added.received_at, added.status)
        result = self.client.create_application(build_application_body(item, self.agency_code, uploaded),
                                                item.submission_id, timeout=self.timeout)
        return Delivered(result.dossier_code, result.due_at, result.received_at, result.status,
                         tuple((p.procedure_code, p.dossier_code, p.status) for p in result.parts))

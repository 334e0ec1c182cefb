from __future__ import annotations

import pytest

from kiosk.portal.client import _error_for, parse_retry_after
from kiosk.portal.errors import (
    ApplicationNotFoundError,
    IdempotencyConflictError,
    PortalAccessError,
    PortalConfigError,
    PortalUnavailableError,
    PortalValidationError,
    WithdrawalRefusedError,
)
from kiosk.portal.sender import build_application_body
from offline_cache import OutgoingSubmission


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_validation_errors_keep_each_field_in_both_languages() -> None:
    err = _error_for(422, {"errors": [{"field": "applicant.id_number", "code": "invalid", "message_vi": "Sai",
                                       "message_en": "Wrong"}, "junk"]}, None, "/v1/applications")
    assert isinstance(err, PortalValidationError) and not err.retryable
    assert [(e.field, e.message_vi, e.message_en) for e in err.errors] == [("applicant.id_number", "Sai", "Wrong")]


@pytest.mark.parametrize(("status", "kind", "retryable"), [
    (503, PortalUnavailableError, True), (500, PortalUnavailableError, True), (429, PortalUnavailableError, True),
    (401, PortalAccessError, True), (404, PortalConfigError, True), (400, PortalConfigError, True)])
def test_status_codes_map_to_typed_errors(status: int, kind: type, retryable: bool) -> None:
    err = _error_for(status, {}, "5", "/v1/applications")
    assert isinstance(err, kind) and err.retryable is retryable


def test_contract_answers_keep_their_meaning_where_the_contract_defines_them() -> None:
    conflict = _error_for(409, {"error": "idempotency_conflict"}, None, "/v1/applications")
    assert isinstance(conflict, IdempotencyConflictError) and not conflict.retryable
    missing = _error_for(404, {"error": "not_found"}, None, "/v1/applications/F-1", "GET")
    assert isinstance(missing, ApplicationNotFoundError) and not missing.retryable


def test_retry_after_header_wins_over_body_hint() -> None:
    assert _error_for(503, {"retry_after_s": 9}, "4", "/v1/applications").retry_after_s == 4
    assert _error_for(503, {"retry_after_s": 9}, None, "/v1/applications").retry_after_s == 9


def test_conflict_on_withdraw_means_too_late() -> None:
    err = _error_for(409, {"error": "not_withdrawable", "status": 9}, None, "/v1/applications/X/withdraw")
    assert isinstance(err, WithdrawalRefusedError) and err.status == 9


def test_body_takes_codes_from_the_form_and_forces_the_kiosk_channel() -> None:
    item = OutgoingSubmission("id", "1.004194", {"procedure_code": "2.000001", "channel": "web", "form": {}}, (), 1)
    body = build_application_body(item, "000.00.01.H26", [{"component_code": "TP1", "file_id": "f-1",
                                                            "sha256": "00"}])
    assert body["procedure_code"] == "2.000001" and body["agency_code"] == "000.00.01.H26"
    assert body["channel"] == "kiosk" and body["attachments"][0]["file_id"] == "f-1"
    bare = build_application_body(OutgoingSubmission("id", "1.004194", {"form": {}}, (), 1), "A", [])
    assert bare["procedure_code"] == "1.004194" and bare["attachments"] == []

"""Which portal answers the kiosk believes: only contract refusals reject a file, and answers are checked first."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.portal.client import _error_for
from kiosk.portal.contract import (
    ContractViolation,
    parse_application_answer,
    parse_status_answer,
    parse_upload_answer,
    parse_withdrawal_answer,
)
from kiosk.portal.errors import (
    IdempotencyConflictError,
    PortalAccessError,
    PortalConfigError,
    PortalValidationError,
    is_configuration_fault,
)

CREATE = "/v1/applications"
GOOD = {"application_id": "000.00.01.H26-260302-0001", "dossier_code": "000.00.01.H26-260302-0001", "status": 1,
        "received_at": "2026-03-02T09:00:00+07:00", "due_at": "2026-03-09T17:00:00+07:00",
        "receipt": {"qr_payload": "DVC|000.00.01.H26-260302-0001"}}


# ---- item: a 4xx is not always the citizen's fault -----------------------------------------------------------------

@pytest.mark.parametrize(("status", "body"), [
    (404, {}), (404, {"error": "not_found"}), (405, {}), (400, {"error": "not_json"}), (410, {}), (413, {}),
    (415, {}), (409, {"error": "locked"}), (422, {}), (422, {"errors": ["junk", {"message_en": "no field"}]})])
def test_unexpected_4xx_on_create_is_a_setup_fault_that_keeps_the_file(status: int, body: dict[str, Any]) -> None:
    err = _error_for(status, body, None, CREATE, "POST")
    assert isinstance(err, PortalConfigError) and err.retryable and err.operational
    assert is_configuration_fault(err.reason_code) and err.message_key == "queue.portal_config"


@pytest.mark.parametrize("status", [401, 403, 407])
def test_refused_credentials_are_a_setup_fault(status: int) -> None:
    err = _error_for(status, {}, None, CREATE, "POST")
    assert isinstance(err, PortalAccessError) and err.retryable and err.operational
    assert is_configuration_fault(err.reason_code)


def test_only_contract_refusals_reject_a_file() -> None:
    fields = _error_for(422, {"errors": [{"field": "applicant.id_number", "code": "invalid", "message_vi": "Sai",
                                          "message_en": "Wrong"}]}, None, CREATE, "POST")
    assert isinstance(fields, PortalValidationError) and not fields.retryable and not fields.operational
    conflict = _error_for(409, {"error": "idempotency_conflict"}, None, CREATE, "POST")
    assert isinstance(conflict, IdempotencyConflictError) and not conflict.retryable


def test_a_proxy_404_on_a_status_lookup_is_not_file_not_found() -> None:
    err = _error_for(404, {}, None, "/v1/applications/F-1", "GET")
    assert isinstance(err, PortalConfigError)
    assert not is_configuration_fault("http_503") and not is_configuration_fault(None)


# ---- item: check every answer before believing it ------------------------------------------------------------------

@pytest.mark.parametrize("code", [None, "", 12345, ["F-1"], {"x": 1}, True, "A|B", "F-1\n", "F\x00-1", "F\x1b[2J",
                                  "F" * 65, " F-1", "F 1", "Mã-hồ-sơ", "F-1\u2028"])
def test_a_created_answer_without_a_plain_file_code_is_not_believed(code: Any) -> None:
    with pytest.raises(ContractViolation):
        parse_application_answer({**GOOD, "dossier_code": code}, 201)


@pytest.mark.parametrize("due", [123, 1.5, {"d": 1}, ["2026"], True, "", "next week", "2026-13-40",
                                 "2026-03-09T17:00:00+07:00" + " " * 50])
def test_a_due_date_that_is_not_an_iso_time_is_not_believed(due: Any) -> None:
    with pytest.raises(ContractViolation):
        parse_application_answer({**GOOD, "due_at": due}, 201)


@pytest.mark.parametrize("change", [{"status": "1"}, {"status": 0}, {"status": 11}, {"status": True},
                                    {"received_at": 5}, {"receipt": "x"}, {"receipt": {"qr_payload": 7}},
                                    {"receipt": {"qr_payload": "DVC|F\x07"}}])
def test_other_create_fields_are_checked_too(change: dict[str, Any]) -> None:
    with pytest.raises(ContractViolation):
        parse_application_answer({**GOOD, **change}, 201)


def test_a_well_formed_answer_is_read_as_sent() -> None:
    result = parse_application_answer(GOOD, 201)
    assert result.dossier_code == GOOD["dossier_code"] and result.due_at == GOOD["due_at"] and not result.replay
    assert parse_application_answer({**GOOD, "due_at": None, "receipt": None}, 200).replay
    with pytest.raises(ContractViolation):
        parse_application_answer(GOOD, 202)


def test_upload_status_and_withdrawal_answers_are_checked() -> None:
    assert parse_upload_answer({"file_id": "f-1", "sha256": "ab" * 32, "bytes": 3}).bytes == 3
    for bad in ({"file_id": None, "sha256": "ab" * 32, "bytes": 3}, {"file_id": "f", "sha256": "x", "bytes": 3},
                {"file_id": "f", "sha256": "ab" * 32, "bytes": "3"}, {"file_id": "f\n", "sha256": "ab" * 32,
                                                                      "bytes": 3}):
        with pytest.raises(ContractViolation):
            parse_upload_answer(bad)
    status = {"dossier_code": "F-1", "status": 2, "due_at": None,
              "history": [{"status": 1, "at": "2026-03-02T09:00:00+07:00"}]}
    assert parse_status_answer(status).history[0].status == 1
    for bad_status in ({**status, "dossier_code": "F|1"}, {**status, "history": [{"status": 1}]},
                       {**status, "history": "x"}, {**status, "status": None}):
        with pytest.raises(ContractViolation):
            parse_status_answer(bad_status)
    assert parse_withdrawal_answer({"dossier_code": "F-1", "outcome": "withdrawn", "status": 1}).outcome == "withdrawn"
    with pytest.raises(ContractViolation):
        parse_withdrawal_answer({"dossier_code": "F-1", "outcome": "maybe", "status": 1})

"""The supplement part of the adapter contract (kiosk/portal/contract.py, "Adding papers"): the status answer's
`supplement_request` in status 5, and `POST /v1/applications/<file code>/supplements` with its own idempotency key,
through the real client against the simulator on 127.0.0.1, and the simulator's store on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.portal.client import PortalClient
from kiosk.portal.contract import ContractViolation, parse_status_answer, parse_supplement_answer
from kiosk.portal.errors import (
    ApplicationNotFoundError,
    IdempotencyConflictError,
    PortalValidationError,
    SupplementRefusedError,
)
from kiosk.portal.sender import SUPPLEMENT_SERVICE, PortalSender
from kiosk.portal.simulator import RunningSimulator, start_simulator
from kiosk.portal.simulator.store import SimulatorStore
from kiosk.vietnam import VIETNAM_TIME
from offline_cache import Attachment, OutgoingSubmission

BODY = {"procedure_code": "1.004194", "agency_code": "000.00.01.H26", "channel": "kiosk",
        "applicant": {"id_number": "001090001234", "full_name": "Trần Văn Bình"}, "form": {"data": {"a": 1}}}
ASKED = ["Bản chụp hợp đồng thuê nhà (đủ các trang)"]


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=VIETNAM_TIME).timestamp()

    def __call__(self) -> float:
        return self.now


# ---- the answers ----------------------------------------------------------------------------------------------

def test_a_status_5_answer_carries_what_the_officer_asked_for() -> None:
    found = parse_status_answer({"dossier_code": "X-1", "status": 5, "due_at": None, "history": [],
                                 "supplement_request": {"items": ASKED, "note": "Ảnh mờ."}})
    assert found.supplement_request is not None
    assert found.supplement_request.items == tuple(ASKED) and found.supplement_request.note == "Ảnh mờ."
    assert parse_status_answer({"dossier_code": "X-1", "status": 4}).supplement_request is None


@pytest.mark.parametrize("request_", [{"items": []}, {"items": "one"}, {"items": ["a\x00b"]}, "papers"])
def test_a_malformed_request_is_a_contract_violation(request_: object) -> None:
    with pytest.raises(ContractViolation):
        parse_status_answer({"dossier_code": "X-1", "status": 5, "supplement_request": request_})


def test_the_supplement_answer_is_checked() -> None:
    answer = {"dossier_code": "X-1", "supplement_id": "X-1-BS1", "status": 4,
              "received_at": "2026-11-24T09:00:00+07:00"}
    assert parse_supplement_answer(answer, 201).replay is False
    assert parse_supplement_answer(answer, 200).replay is True
    with pytest.raises(ContractViolation):
        parse_supplement_answer({**answer, "supplement_id": ""}, 201)
    with pytest.raises(ContractViolation):
        parse_supplement_answer(answer, 202)


# ---- the store ------------------------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path: Path) -> SimulatorStore:
    return SimulatorStore(tmp_path / "sim.sqlite3", Clock(), step_s=60)


def test_a_file_asked_for_papers_takes_one_supplement_per_key_and_goes_back_to_processing(
        store: SimulatorStore) -> None:
    code = store.create("k1", BODY).answer["dossier_code"]
    assert store.add_supplement(code, "s1", {"id_last4": "1234", "items": ASKED}) == ("refused", 1)
    assert store.request_supplement(code, ASKED, "Ảnh mờ.")
    status = store.status(code, "1234")
    assert status is not None and status["status"] == 5
    assert status["supplement_request"] == {"items": ASKED, "note": "Ảnh mờ."}
    body = {"id_last4": "1234", "items": ASKED, "attachments": [{"file_id": "f-1"}]}
    outcome, answer = store.add_supplement(code, "s1", body)
    assert outcome == "created" and answer["supplement_id"] == f"{code}-BS1" and answer["status"] == 4
    assert store.add_supplement(code, "s1", dict(reversed(list(body.items())))) == ("replay", answer)
    assert store.add_supplement(code, "s1", {**body, "items": []}) == ("conflict", None)
    assert store.add_supplement(code, "s2", body) == ("refused", 4)   # not asking any more
    assert store.add_supplement(code, "s3", {**body, "id_last4": "9999"}) == ("not_found", None)
    after = store.status(code, "1234")
    assert after is not None and after["status"] == 4 and "supplement_request" not in after
    assert len(store.all_supplements()) == 1


def test_a_file_fated_to_5_asks_for_the_usual_papers(tmp_path: Path) -> None:
    store = SimulatorStore(tmp_path / "sim.sqlite3", Clock(), step_s=0, fates={"5": 1.0})
    code = store.create("k1", BODY).answer["dossier_code"]
    status = store.status(code, "1234")
    assert status is not None and status["status"] == 5 and status["supplement_request"]["items"]


# ---- over HTTP --------------------------------------------------------------------------------------------------

@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(port=0, db=tmp_path / "portal-sim.sqlite3", step_s=3600)
    yield running
    running.stop()


def client_for(simulator: RunningSimulator) -> PortalClient:
    return PortalClient(simulator.url, kiosk_id="K", operator_id="OP", connect_timeout_s=2.0, read_timeout_s=5.0)


def test_the_client_adds_papers_under_their_own_key_and_a_replay_answers_the_same(
        simulator: RunningSimulator) -> None:
    client = client_for(simulator)
    try:
        code = client.create_application(BODY, "create-key-0001-0001-0001").dossier_code
        assert simulator.request_supplement(code, ASKED)
        found = client.get_status(code, "1234")
        assert found.status == 5 and found.supplement_request is not None
        assert found.supplement_request.items == tuple(ASKED)
        up = client.upload(b"%PDF-1.4 pages", "HS_BO_SUNG.pdf", "application/pdf")
        body = {"id_last4": "1234", "channel": "kiosk", "items": ASKED,
                "attachments": [{"component_code": "HS_BO_SUNG", "file_id": up.file_id, "sha256": up.sha256}]}
        first = client.add_supplement(code, body, "supplement-key-0001-0001")
        again = client.add_supplement(code, body, "supplement-key-0001-0001")
        assert not first.replay and again.replay and again.supplement_id == first.supplement_id
        assert client.get_status(code, "1234").status == 4
        with pytest.raises(IdempotencyConflictError):
            client.add_supplement(code, {**body, "items": []}, "supplement-key-0001-0001")
        with pytest.raises(SupplementRefusedError) as refused:
            client.add_supplement(code, body, "supplement-key-0002-0002")
        assert refused.value.status == 4 and not refused.value.retryable
        with pytest.raises(ApplicationNotFoundError):
            client.add_supplement(code, {**body, "id_last4": "0000"}, "supplement-key-0003-0003")
        assert simulator.request_supplement(code)
        with pytest.raises(PortalValidationError):
            client.add_supplement(code, {**body, "attachments": []}, "supplement-key-0004-0004")
    finally:
        client.close()


def test_the_queue_sender_routes_a_supplement_to_its_file(simulator: RunningSimulator) -> None:
    client = client_for(simulator)
    try:
        code = client.create_application(BODY, "create-key-0002-0002-0002").dossier_code
        simulator.request_supplement(code, ASKED)
        item = OutgoingSubmission("supplement-key-0005-0005", SUPPLEMENT_SERVICE,
                                  {"dossier_code": code, "id_last4": "1234", "items": ASKED},
                                  (Attachment("HS_BO_SUNG", "HS_BO_SUNG.pdf", "application/pdf", b"%PDF-1.4 x"),),
                                  attempt=1)
        delivered = PortalSender(client, "000.00.01.H26").deliver(item)
        assert delivered.file_code == code and delivered.portal_status == 4
        [added] = simulator.supplements()
        assert added["idempotency_key"] == "supplement-key-0005-0005"
        assert added["body"]["attachments"][0]["component_code"] == "HS_BO_SUNG"
        assert len(simulator.applications()) == 1   # no new file was created
    finally:
        client.close()

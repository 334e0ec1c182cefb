"""The portal client against the simulator over loopback, one injected fault kind at a time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.portal.client import PortalClient
from kiosk.portal.errors import (
    ApplicationNotFoundError,
    IdempotencyConflictError,
    PortalNonsenseError,
    PortalUnavailableError,
    PortalValidationError,
    WithdrawalRefusedError,
)
from kiosk.portal.sender import PortalSender
from kiosk.portal.simulator import RunningSimulator, start_simulator
from offline_cache import Attachment, Deferred, Delivered, OutgoingSubmission, Refused
from tests.integration.queue.conftest import AGENCY, body, payload

pytestmark = pytest.mark.integration


def test_create_is_idempotent_and_a_changed_body_conflicts(client: PortalClient, sim: RunningSimulator) -> None:
    first = client.create_application(body(1), "key-1")
    again = client.create_application(body(1), "key-1")
    assert not first.replay and again.replay and again.dossier_code == first.dossier_code
    assert first.dossier_code.startswith(AGENCY + "-") and first.due_at
    with pytest.raises(IdempotencyConflictError):
        client.create_application(body(2), "key-1")
    assert len(sim.applications()) == 1


def test_field_errors_come_back_per_field_in_both_languages(client: PortalClient) -> None:
    with pytest.raises(PortalValidationError) as info:
        client.create_application(body(id_number="12"), "key-bad")
    (err,) = info.value.errors
    assert err.field == "applicant.id_number" and err.message_vi and err.message_en


@pytest.mark.parametrize("status", ["503", "429"])
def test_overload_answers_carry_retry_after(client: PortalClient, sim: RunningSimulator, status: str) -> None:
    sim.set_faults(f"{status}:1,retry_after:7")
    with pytest.raises(PortalUnavailableError) as info:
        client.create_application(body(), "k")
    assert info.value.http_status == int(status) and info.value.retry_after_s == 7
    assert sim.applications() == []


def test_server_error_is_retryable(client: PortalClient, sim: RunningSimulator) -> None:
    sim.set_faults("500:1")
    with pytest.raises(PortalUnavailableError) as info:
        client.create_application(body(), "k")
    assert info.value.retryable and info.value.http_status == 500


def test_connection_reset_is_retryable_and_nothing_was_created(client: PortalClient, sim: RunningSimulator) -> None:
    sim.set_faults("reset:1")
    with pytest.raises(PortalUnavailableError):
        client.create_application(body(), "k")
    assert sim.applications() == []


@pytest.mark.parametrize("fault", ["lost:1", "truncate:1", "garbage:1"])
def test_answer_lost_after_commit_then_resend_gets_the_same_file(client: PortalClient, sim: RunningSimulator,
                                                                 fault: str) -> None:
    sim.set_faults(fault)
    with pytest.raises((PortalUnavailableError, PortalNonsenseError)) as info:
        client.create_application(body(), "key-lost")
    assert info.value.retryable
    if fault != "lost:1":
        assert isinstance(info.value, PortalNonsenseError)
    sim.set_faults("")
    again = client.create_application(body(), "key-lost")
    assert again.replay
    assert [a["idempotency_key"] for a in sim.applications()] == ["key-lost"]


def test_outage_window_answers_503_until_it_ends(client: PortalClient, sim: RunningSimulator) -> None:
    sim.set_faults("outage:0.3s/100s")
    with pytest.raises(PortalUnavailableError) as info:
        client.create_application(body(), "k")
    assert info.value.retry_after_s is not None and info.value.retry_after_s >= 1
    time.sleep(0.35)
    assert client.create_application(body(), "k").dossier_code


def test_latency_beyond_the_read_timeout_is_a_timeout(sim: RunningSimulator) -> None:
    sim.set_faults("latency:500ms")
    slow = PortalClient(sim.url, kiosk_id="K", operator_id="O", read_timeout_s=0.1)
    try:
        with pytest.raises(PortalUnavailableError) as info:
            slow.create_application(body(), "k")
        assert info.value.reason_code == "timeout"
    finally:
        slow.close()


def test_nothing_listening_is_unavailable() -> None:
    c = PortalClient("http://127.0.0.1:9", kiosk_id="K", operator_id="O", connect_timeout_s=0.5)
    with pytest.raises(PortalUnavailableError):
        c.get_status("X", "1234")
    c.close()


def test_status_lookup_and_withdrawal(client: PortalClient, sim: RunningSimulator) -> None:
    code = client.create_application(body(), "k").dossier_code
    status = client.get_status(code, "1234")
    assert status.status == 1 and status.history[0].status == 1
    with pytest.raises(ApplicationNotFoundError):
        client.get_status(code, "0000")
    result = client.withdraw(code, "1234")
    assert (result.outcome, result.status) == ("withdrawn", 8)
    with pytest.raises(WithdrawalRefusedError):
        client.withdraw(code, "1234")


def test_withdrawal_after_acceptance_is_only_a_request(client: PortalClient, sim: RunningSimulator) -> None:
    code = client.create_application(body(), "k").dossier_code
    sim.advance_clock(3601)  # status 2
    result = client.withdraw(code, "1234")
    assert (result.outcome, result.status) == ("requested", 7)


def test_statistics_from_the_portal(client: PortalClient, sim: RunningSimulator) -> None:
    for i in range(3):
        client.create_application(body(i), f"k{i}")
    stats = client.statistics()
    assert stats.total == 3 and stats.counts_by_status == {1: 3}


def test_sender_uploads_attachments_and_maps_outcomes(client: PortalClient, sim: RunningSimulator) -> None:
    sender = PortalSender(client, AGENCY)
    doc = Attachment("TP1", "to-khai.pdf", "application/pdf", b"%PDF-1.4 page")
    item = OutgoingSubmission("sub-1", "1.004194", payload(), (doc,), 1)
    result = sender.send(item)
    assert isinstance(result, Delivered)
    (app,) = sim.applications()
    assert app["body"]["attachments"][0]["component_code"] == "TP1"
    assert app["body"]["channel"] == "kiosk" and app["idempotency_key"] == "sub-1"
    bad = OutgoingSubmission("sub-2", "1.004194", payload(id_number="x"), (), 1)
    refused = sender.send(bad)
    assert isinstance(refused, Refused) and refused.problems[0].field == "applicant.id_number"
    sim.set_faults("503:1,retry_after:3")
    deferred = sender.send(OutgoingSubmission("sub-3", "1.004194", payload(), (), 1))
    assert deferred == Deferred("http_503", 3.0)


def test_simulator_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "persist.sqlite3"
    first_sim = start_simulator(db=db)
    c = PortalClient(first_sim.url, kiosk_id="K", operator_id="O")
    code = c.create_application(body(), "persist-1").dossier_code
    c.close()
    first_sim.stop()
    second_sim = start_simulator(db=db)
    c = PortalClient(second_sim.url, kiosk_id="K", operator_id="O")
    try:
        again = c.create_application(body(), "persist-1")
        assert again.replay and again.dossier_code == code
        assert c.create_application(body(5), "persist-2").dossier_code.endswith("-0002")
    finally:
        c.close()
        second_sim.stop()


def test_network_errors_do_not_carry_the_id_digits(client: PortalClient, sim: RunningSimulator) -> None:
    sim.set_faults("reset:1")
    with pytest.raises(PortalUnavailableError) as info:
        client.get_status("000.00.01.H26-261124-0001", "4821")
    assert "4821" not in str(info.value) and info.value.__cause__ is None

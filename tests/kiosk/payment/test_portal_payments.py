"""Fees through the adapter contract, against the real portal simulator over HTTP on 127.0.0.1.

A file that declared a fee waits at status 6 until its payment is confirmed, then goes on; the payment is opened
once per file code; the simulated bank confirms after a delay or when a test calls `/_sim/payments/.../confirm`.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.payment import (
    AgencyAccount,
    PaymentDesk,
    PaymentFileNotFoundError,
    PaymentUnavailableError,
    VietQrPayment,
)
from kiosk.payment.portal import PortalConfirmations
from kiosk.portal.client import PortalClient
from kiosk.portal.simulator import RunningSimulator, start_simulator
from tests.kiosk.payment.emv import decode

pytestmark = pytest.mark.integration

ACCOUNT = AgencyAccount("970403", "0011001234567", "UBND PHUONG DEMO")


def application(fee: int, n: int = 0) -> dict[str, object]:
    return {"procedure_code": "1.004194", "agency_code": "000.00.01.H26",
            "applicant": {"id_number": "001090001234", "full_name": "Lê Thị Mai"},
            "form": {"data": {"n": n}}, "fees": {"expected_amount": fee}}


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(port=0, db=tmp_path / "sim.sqlite3", step_s=60, payment_confirm_s=None)
    yield running
    running.stop()


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[PortalClient]:
    c = PortalClient(sim.url, kiosk_id="K", operator_id="OP", connect_timeout_s=1, read_timeout_s=2)
    yield c
    c.close()


def desk_for(client: PortalClient) -> PaymentDesk:
    return PaymentDesk(VietQrPayment(ACCOUNT, PortalConfirmations(client)), poll_interval_s=0.05, wait_s=2.0)


def submit(client: PortalClient, fee: int, n: int = 0) -> str:
    return client.create_application(application(fee, n), str(uuid.uuid4())).dossier_code


def post(url: str) -> int:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=2) as answer:
        status: int = answer.status
        return status


def test_an_unpaid_file_waits_at_status_6_and_goes_on_once_paid(sim: RunningSimulator,
                                                                 client: PortalClient) -> None:
    code = submit(client, 7000)
    desk = desk_for(client)
    assert desk.check(code, "1234").state == "unpaid"
    sim.advance_clock(121)
    assert client.get_status(code, "1234").status == 6
    offer = desk.pay_for_file(code, "1234")
    assert (offer.state, offer.amount_vnd, offer.reference, offer.opened_now) == ("pending", 7000, code, True)
    fields = decode(offer.qr_payload)
    assert fields["54"] == "7000" and fields["62"] == {"05": code, "08": code} and fields["01"] == "12"
    sim.advance_clock(3600)
    assert client.get_status(code, "1234").status == 6  # no confirmation, no progress
    assert post(f"{sim.url}/_sim/payments/{code}/confirm") == 200
    paid = desk.check(code, "1234")
    assert paid.paid and paid.paid_at and paid.qr_payload == ""
    status = client.get_status(code, "1234")
    assert status.status == 4 and [e.status for e in status.history] == [1, 2, 6, 4]
    sim.advance_clock(121)
    assert client.get_status(code, "1234").status == 10


def test_a_paid_fee_is_never_requested_twice(sim: RunningSimulator, client: PortalClient) -> None:
    code = submit(client, 200000)
    desk = desk_for(client)
    desk.request(code, "1234")
    sim.confirm_payment(code)
    again = desk.pay_for_file(code, "1234")
    assert again.paid and not again.opened_now and again.qr_payload == ""
    raw = client.request_payment(code, "1234")
    assert raw.state == "paid" and not raw.created  # 200, not 201: nothing new was opened
    assert [p["dossier_code"] for p in sim.payments()] == [code]


def test_paid_before_processing_the_file_never_waits(sim: RunningSimulator, client: PortalClient) -> None:
    code = submit(client, 7000)
    desk_for(client).request(code, "1234")
    sim.confirm_payment(code)
    sim.advance_clock(121)
    assert [e.status for e in client.get_status(code, "1234").history] == [1, 2, 4]


def test_the_simulated_bank_confirms_after_its_delay(tmp_path: Path) -> None:
    with start_simulator(port=0, db=tmp_path / "s.sqlite3", step_s=60, payment_confirm_s=30) as sim:
        client = PortalClient(sim.url, kiosk_id="K", operator_id="OP")
        code = submit(client, 15000)
        desk = desk_for(client)
        desk.request(code, "1234")
        assert desk.check(code, "1234").state == "pending"
        sim.advance_clock(31)
        assert desk.check(code, "1234").paid
        client.close()


def test_a_file_without_fee_has_nothing_to_pay(client: PortalClient, sim: RunningSimulator) -> None:
    code = submit(client, 0)
    offer = desk_for(client).pay_for_file(code, "1234")
    assert offer.state == "not_required" and offer.qr_payload == ""
    sim.advance_clock(121)
    assert client.get_status(code, "1234").status == 4
    assert sim.payments() == []


def test_wrong_digits_or_code_find_nothing(client: PortalClient) -> None:
    code = submit(client, 7000)
    desk = desk_for(client)
    for wrong_code, digits in ((code, "9999"), ("000.00.01.H26-991231-0001", "1234")):
        with pytest.raises(PaymentFileNotFoundError):
            desk.pay_for_file(wrong_code, digits)
        with pytest.raises(PaymentFileNotFoundError):
            desk.check(wrong_code, digits)


def test_portal_down_is_a_payment_unavailable_error(sim: RunningSimulator, client: PortalClient) -> None:
    code = submit(client, 7000)
    sim.set_faults("outage:on")
    with pytest.raises(PaymentUnavailableError) as caught:
        desk_for(client).pay_for_file(code, "1234")
    assert caught.value.message_key == "payment.unavailable"


def test_sim_payment_list_and_confirm_hook(sim: RunningSimulator, client: PortalClient) -> None:
    code = submit(client, 7000)
    request = urllib.request.Request(f"{sim.url}/_sim/payments/{code}/confirm", data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as nothing_open:
        urllib.request.urlopen(request, timeout=2)
    assert nothing_open.value.code == 404
    desk_for(client).request(code, "1234")
    with urllib.request.urlopen(f"{sim.url}/_sim/payments", timeout=2) as answer:
        listed = json.loads(answer.read())
    assert [(p["dossier_code"], p["state"], p["amount"]) for p in listed] == [(code, "pending", 7000)]

"""The VietQR back end and the payment desk over in-memory confirmations (no portal, manual clock)."""

from __future__ import annotations

import pytest

from kiosk.payment import (
    AgencyAccount,
    PaymentDesk,
    PaymentFileNotFoundError,
    VietQrPayment,
)
from kiosk.payment.simulated import SimulatedConfirmations
from tests.kiosk.payment.emv import decode

ACCOUNT = AgencyAccount("970405", "1500201234567")
CODE = "000.00.01.H26-261202-0003"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


@pytest.fixture
def parts() -> tuple[SimulatedConfirmations, PaymentDesk, Clock]:
    clock = Clock()
    confirmations = SimulatedConfirmations(confirm_after_s=6.0, clock=clock)
    confirmations.add_file(CODE, "1234", 7000)
    confirmations.add_file("000.00.01.H26-261202-0004", "1234", 0)
    desk = PaymentDesk(VietQrPayment(ACCOUNT, confirmations), poll_interval_s=2.0, wait_s=30.0, clock=clock,
                       sleep=clock.sleep)
    return confirmations, desk, clock


def test_request_shows_a_vietqr_for_the_fee_and_the_file(parts: tuple[SimulatedConfirmations, PaymentDesk,
                                                                      Clock]) -> None:
    _, desk, _ = parts
    offer = desk.request(CODE, "1234")
    assert (offer.state, offer.amount_vnd, offer.method, offer.reference) == ("pending", 7000, "vietqr", CODE)
    fields = decode(offer.qr_payload)
    assert fields["54"] == "7000" and fields["62"] == {"05": CODE, "08": CODE}
    assert fields["38"]["01"] == {"00": "970405", "01": "1500201234567"}  # type: ignore[index]


def test_polling_sees_the_confirmation_and_then_nothing_is_left_to_scan(
        parts: tuple[SimulatedConfirmations, PaymentDesk, Clock]) -> None:
    _, desk, clock = parts
    offer = desk.request(CODE, "1234")
    clock.t += 2
    assert desk.check(CODE, "1234").state == "pending"
    paid = desk.wait_until_paid(offer, "1234")
    assert paid.paid and paid.qr_payload == "" and paid.paid_at
    assert clock.t - 1000.0 == pytest.approx(6.0)  # stopped polling once confirmed (2 s steps, confirmed at 6 s)


def test_a_paid_fee_is_never_requested_twice(parts: tuple[SimulatedConfirmations, PaymentDesk, Clock]) -> None:
    confirmations, desk, _ = parts
    first = desk.request(CODE, "1234")
    assert first.opened_now
    confirmations.confirm(CODE)
    again = desk.pay_for_file(CODE, "1234")
    assert again.paid and not again.opened_now and again.qr_payload == ""
    assert confirmations.opened == 1


def test_asking_twice_before_payment_gives_the_same_code(parts: tuple[SimulatedConfirmations, PaymentDesk,
                                                                      Clock]) -> None:
    confirmations, desk, _ = parts
    assert desk.request(CODE, "1234").qr_payload == desk.pay_for_file(CODE, "1234").qr_payload
    assert confirmations.opened == 1


def test_no_fee_means_nothing_to_pay(parts: tuple[SimulatedConfirmations, PaymentDesk, Clock]) -> None:
    confirmations, desk, _ = parts
    offer = desk.request("000.00.01.H26-261202-0004", "1234")
    assert offer.state == "not_required" and offer.settled and offer.qr_payload == ""
    assert confirmations.opened == 0


def test_wrong_id_digits_find_no_file(parts: tuple[SimulatedConfirmations, PaymentDesk, Clock]) -> None:
    _, desk, _ = parts
    with pytest.raises(PaymentFileNotFoundError) as caught:
        desk.pay_for_file(CODE, "9999")
    assert caught.value.message_key == "payment.file_not_found"


def test_waiting_gives_up_after_the_timeout_still_pending(parts: tuple[SimulatedConfirmations, PaymentDesk,
                                                                       Clock]) -> None:
    confirmations, desk, clock = parts
    confirmations.confirm_after_s = None
    offer = desk.wait_until_paid(desk.request(CODE, "1234"), "1234", timeout_s=5.0)
    assert offer.state == "pending" and offer.qr_payload
    assert clock.t - 1000.0 == pytest.approx(5.0)


def test_the_offer_draws_its_code_only_while_pending(parts: tuple[SimulatedConfirmations, PaymentDesk,
                                                                  Clock]) -> None:
    confirmations, desk, _ = parts
    offer = desk.request(CODE, "1234")
    matrix = offer.qr()
    assert matrix is not None and matrix.payload == offer.qr_payload and matrix.size >= 21
    confirmations.confirm(CODE)
    assert desk.check(CODE, "1234").qr() is None

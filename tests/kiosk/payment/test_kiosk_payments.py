"""Fees at kiosk level: the composition root builds the payment desk from `[payment]`, `pay_for_file` pays a file
awaiting its fee from the status look-up (never twice), and the receipt gets amount, method and reference."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk
from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.i18n import load_catalogue
from kiosk.payment import (
    PaymentError,
    PaymentFileNotFoundError,
    PaymentOffer,
    PaymentsOffError,
    PaymentUnavailableError,
)
from kiosk.receipts.desk import receipt_payment
from tests.kiosk.payment.emv import decode

pytestmark = pytest.mark.integration  # a whole demo kiosk with its portal simulator on 127.0.0.1


def config_in(tmp_path: Path, **sections: dict[str, Any]) -> KioskConfig:
    return load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"},
                              **sections})


def submit_with_fee(kiosk: Kiosk, fee: int) -> str:
    body = {"procedure_code": "1.004194", "agency_code": kiosk.config.kiosk.agency_code,
            "applicant": {"id_number": "001190012345", "full_name": "Lê Thị Mai"}, "form": {"data": {}},
            "fees": {"expected_amount": fee}}
    return kiosk.submissions.client.create_application(body, str(uuid.uuid4())).dossier_code


def test_pay_for_file_from_the_status_lookup_and_never_twice(tmp_path: Path) -> None:
    kiosk = build_kiosk(config_in(tmp_path, payment={"bank_bin": "970436", "account_number": "0071000123456",
                                                     "account_name": "UBND PHUONG DEMO"}),
                        DemoSetup(enabled=True, fast=True))
    try:
        code = submit_with_fee(kiosk, 200000)
        assert kiosk.portal_simulator is not None
        kiosk.portal_simulator.advance_clock(3 * 3600)
        assert kiosk.look_up_file(code, "2345").status == 6
        offer = kiosk.pay_for_file(code, "2345")
        fields = decode(offer.qr_payload)
        assert fields["38"]["01"] == {"00": "970436", "01": "0071000123456"}  # type: ignore[index]
        assert (fields["54"], fields["59"]) == ("200000", "UBND PHUONG DEMO")
        kiosk.portal_simulator.confirm_payment(code)
        again = kiosk.pay_for_file(code, "2345")
        assert again.paid and again.qr_payload == "" and not again.opened_now
        assert len(kiosk.portal_simulator.payments()) == 1
        assert kiosk.look_up_file(code, "2345").status != 6
        with pytest.raises(PaymentFileNotFoundError):
            kiosk.pay_for_file(code, "0000")
    finally:
        kiosk.close()


def test_demo_without_an_account_shows_the_demo_account(tmp_path: Path) -> None:
    kiosk = build_kiosk(config_in(tmp_path), DemoSetup(enabled=True, fast=True))
    try:
        assert kiosk.payments is not None
        code = submit_with_fee(kiosk, 7000)
        fields = decode(kiosk.pay_for_file(code, "2345").qr_payload)
        assert fields["38"]["01"]["00"] == "970403"  # type: ignore[index]
    finally:
        kiosk.close()


@pytest.mark.parametrize("sections", [
    {"payment": {"backend": "off"}},
    {"portal": {"start_simulator": False}},  # a real portal and no agency account: never a made-up account
])
def test_no_payment_desk_means_fees_at_the_counter(tmp_path: Path, sections: dict[str, Any]) -> None:
    kiosk = build_kiosk(config_in(tmp_path, **sections), DemoSetup(enabled=True, fast=True))
    try:
        assert kiosk.payments is None
        with pytest.raises(PaymentsOffError) as caught:
            kiosk.pay_for_file("000.00.01.H26-261202-0001", "2345")
        assert caught.value.message_key == "payment.off"
    finally:
        kiosk.close()


def test_half_an_account_is_refused_naming_the_missing_setting() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, {"payment": {"bank_bin": "970403"}})
    assert caught.value.setting == "payment.account_number"


def test_every_payment_error_has_a_message_in_both_languages() -> None:
    catalogue = load_catalogue()
    for error in (PaymentError, PaymentUnavailableError, PaymentFileNotFoundError, PaymentsOffError):
        assert set(catalogue[error.message_key]) >= {"vi", "en"}


def test_receipt_payment_from_an_offer() -> None:
    pending = PaymentOffer("H26-261202-0001", "pending", 7000, "vietqr", "H26-261202-0001", qr_payload="QR")
    paid = PaymentOffer("H26-261202-0001", "paid", 7000, "vietqr", "H26-261202-0001",
                        paid_at="2026-12-02T09:41:00+07:00")
    awaiting = receipt_payment(pending)
    assert awaiting is not None and (awaiting.state, awaiting.qr_payload, awaiting.amount_vnd) == ("awaiting", "QR",
                                                                                                   7000)
    done = receipt_payment(paid)
    assert done is not None and done.state == "paid" and done.paid_at == datetime(2026, 12, 2, 9, 41)
    assert receipt_payment(PaymentOffer("H26-261202-0001", "not_required", 0, "vietqr", "H26-261202-0001")) is None
    queued = receipt_payment(None, fee_vnd=15000)
    assert queued is not None and (queued.state, queued.reference, queued.qr_payload) == ("awaiting", "", "")
    assert receipt_payment(None, fee_vnd=0) is None


def test_the_receipt_built_from_queue_facts_carries_the_fee(tmp_path: Path) -> None:
    from kiosk.receipts.desk import receipt_from_facts
    from kiosk.receipts.documents import render_for_config
    from offline_cache import ReceiptFacts
    from tests.printing.conftest import pdf_text

    config = config_in(tmp_path)
    facts = ReceiptFacts("temporary_residence", "********2345", "2345", 1_764_640_000.0, "Đăng ký tạm trú")
    paid = PaymentOffer("H26-261202-0001", "paid", 7000, "vietqr", "H26-261202-0001",
                        paid_at="2026-12-02T09:41:00+07:00")
    data = receipt_from_facts(config, facts, submission_id="s-1", file_code="H26-261202-0001", due_at=None,
                              payment=receipt_payment(paid))
    text = " ".join(pdf_text(render_for_config(config, data).pdf).split())
    assert "7.000 đồng" in text and "Chuyển khoản VietQR" in text and "Mã thanh toán: H26-261202-0001" in text

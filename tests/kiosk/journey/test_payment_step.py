"""Fees paid at the kiosk, through the journey core: a file with a fee is sent, its receipt prints the amount, the
method and the reference with the VietQR code, the payment screen shows the code and polls the (simulated) portal
on Tick, says "paid" and prints the receipt again marked paid; after wait_s it offers "pay later"; status 6 in the
status look-up offers "pay now" on the same screen; a fee is never asked for twice."""

from __future__ import annotations

import io
from collections.abc import Callable

import zxingcpp
from PIL import Image

from kiosk.journey import CardRemoved, QrRead, ScreenView, Tap, Tick
from kiosk.journey.persona import Persona
from kiosk.payment.vietqr import crc16_ccitt_false
from kiosk.session.timer import ManualClock
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import drive, pdf_text

FEE_SERVICE = "temporary_residence"   # 7 000 đồng with no member listed


def scanned_text(png: bytes) -> str:
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(codes) == 1
    return str(codes[0].text)


def to_payment(make_stand: Callable[..., Stand], **kw: object) -> tuple[Stand, ManualClock, ScreenView]:
    clock = ManualClock()
    stand = make_stand(clock=clock, hospital=False, bank_confirms_s=None, **kw)
    view = drive(stand, Persona(FEE_SERVICE), "payment")
    return stand, clock, view


def test_the_payment_screen_shows_the_vietqr_code_and_the_receipt_already_carries_the_fee(
        make_stand: Callable[..., Stand]) -> None:
    stand, _, view = to_payment(make_stand)
    code = stand.visit.outcome.file_code if stand.visit.outcome is not None else None
    assert code
    payload = scanned_text(view.qr_png)
    # EMVCo MPM: amount (54) 7000, the file code as the reference (62/05), and a CRC-16/CCITT that checks.
    assert "54047000" in payload and f"05{len(code):02d}{code}" in payload
    assert payload[-4:] == f"{crc16_ccitt_false(payload[:-4].encode()):04X}"
    values = {line.label: line.value for line in view.lines}
    assert values["Số tiền"] == "7.000 đồng" and values["Nội dung chuyển khoản"] == code
    assert [p.key for p in view.prompts][-1] == "payment.scan_say"
    assert "pay_later" in view.choice_ids()
    printed = stand.printed()
    assert len(printed) == 1
    text = pdf_text(printed[0])
    assert "7.000" in text and "Chuyển khoản VietQR" in text and code in text and "Chưa nộp" in text


def test_confirmed_on_a_later_tick_says_paid_and_prints_the_receipt_marked_paid(
        make_stand: Callable[..., Stand]) -> None:
    stand, clock, view = to_payment(make_stand)
    code = stand.visit.outcome.file_code if stand.visit.outcome is not None else ""
    simulator = stand.kiosk.portal_simulator
    assert simulator is not None
    clock.advance(stand.kiosk.config.payment.poll_interval_s)
    view = stand.visit.handle(Tick())
    assert view.screen == "payment" and view.qr_png   # asked, not paid yet: still waiting
    simulator.confirm_payment(code)
    clock.advance(stand.kiosk.config.payment.poll_interval_s / 2)
    view = stand.visit.handle(Tick())
    assert view.qr_png, "asked again before the poll interval passed"
    clock.advance(stand.kiosk.config.payment.poll_interval_s)
    view = stand.visit.handle(Tick())
    assert view.screen == "payment" and not view.qr_png
    assert [p.key for p in view.prompts][-2:] == ["payment.paid", "payment.paid_receipt"]
    printed = stand.printed()
    assert len(printed) == 2 and "Đã nộp lúc" in pdf_text(printed[-1])
    assert stand.visit.handle(Tap("finish")).screen == "welcome"


def test_after_wait_s_without_the_bank_the_screen_stops_asking_and_offers_pay_later(
        make_stand: Callable[..., Stand]) -> None:
    stand, clock, view = to_payment(make_stand, settings={"payment": {"wait_s": 10.0, "poll_interval_s": 2.0}})
    for _ in range(4):
        clock.advance(2.0)
        view = stand.visit.handle(Tick())
        assert view.qr_png
    clock.advance(3.0)
    view = stand.visit.handle(Tick())
    assert view.screen == "payment" and not view.qr_png
    assert [p.key for p in view.prompts][-1] == "payment.pay_later"
    assert [c.id for c in view.choices if c.kind == "primary"] == ["pay_later"]
    assert stand.visit.handle(Tap("pay_later")).screen == "welcome"


def test_status_6_offers_pay_now_on_the_same_screen_and_a_paid_fee_is_never_asked_twice(
        make_stand: Callable[..., Stand]) -> None:
    stand, clock, view = to_payment(make_stand)
    code = stand.visit.outcome.file_code if stand.visit.outcome is not None else ""
    receipt_qr = stand.visit.receipt_qr
    first_code = scanned_text(view.qr_png)
    stand.take()
    assert stand.visit.handle(CardRemoved()).screen == "welcome"   # left without paying
    simulator = stand.kiosk.portal_simulator
    assert simulator is not None
    simulator.advance_clock(3 * 60.0)   # accepted, then waiting for the fee (status 6)

    stand.visit.handle(Tap("status"))
    view = stand.visit.handle(QrRead(receipt_qr))
    assert view.screen == "status" and "pay_now" in view.choice_ids()
    view = stand.visit.handle(Tap("pay_now"))
    assert view.screen == "payment" and scanned_text(view.qr_png) == first_code
    assert len(simulator.payments()) == 1   # the payment opened at the first visit, not a second one
    simulator.confirm_payment(code)
    clock.advance(stand.kiosk.config.payment.poll_interval_s)
    view = stand.visit.handle(Tick())
    assert [p.key for p in view.prompts] == ["payment.paid"] and view.choice_ids()[0] == "finish"
    assert stand.visit.handle(Tap("finish")).screen == "welcome"

    stand.visit.handle(Tap("status"))
    view = stand.visit.handle(QrRead(receipt_qr))
    assert "pay_now" not in view.choice_ids()   # paid: the file went on to processing
    again = stand.kiosk.pay_for_file(code, receipt_qr and stand.kiosk.portal_simulator.applications()[0]["body"][
        "applicant"]["id_number"][-4:])
    assert again.paid and not again.opened_now and not again.qr_payload
    assert len(simulator.payments()) == 1


def test_a_file_left_queued_prints_its_fee_as_awaited_and_goes_to_done(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(clock=ManualClock(), hospital=False, bank_confirms_s=None)
    assert stand.kiosk.portal_simulator is not None
    stand.kiosk.portal_simulator.set_faults("outage:on")
    view = drive(stand, Persona(FEE_SERVICE), "done")
    assert view.screen == "done" and not view.qr_png
    text = pdf_text(stand.printed()[0])
    assert "7.000" in text and "Chưa nộp" in text


def test_pay_now_with_the_portal_unreachable_says_so_and_tries_again_on_retry(
        make_stand: Callable[..., Stand]) -> None:
    stand, _, view = to_payment(make_stand)
    receipt_qr = stand.visit.receipt_qr
    first_code = scanned_text(view.qr_png)
    stand.take()
    stand.visit.handle(CardRemoved())
    simulator = stand.kiosk.portal_simulator
    assert simulator is not None
    simulator.advance_clock(3 * 60.0)
    stand.visit.handle(Tap("status"))
    view = stand.visit.handle(QrRead(receipt_qr))
    assert "pay_now" in view.choice_ids()
    simulator.set_faults("outage:on")
    view = stand.visit.handle(Tap("pay_now"))
    assert view.screen == "payment" and not view.qr_png and view.error_key == "payment.unavailable"
    assert view.choice_ids()[:2] == ("retry", "pay_later")
    simulator.set_faults("")
    view = stand.visit.handle(Tap("retry"))
    assert not view.error_key and scanned_text(view.qr_png) == first_code
    assert stand.visit.handle(Tap("pay_later")).screen == "welcome"

"""Every failure has a way out: a wrong key, a forged card, a jammed printer, a card pulled during the read."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel

from devices.printer.printer import PrinterStatus
from kiosk.session_events import SessionState
from ui.demo import DEMO_EXPIRY, DEMO_ID_NUMBER, fill_form, start_service


def reach_key_choice(driver: Any) -> None:
    driver.tap("start")
    driver.tap("lang_vi")
    driver.insert_card()
    driver.wait(lambda: driver.has("key_typed"), what="key choice")


def type_key(driver: Any, birth: date) -> None:
    driver.tap("key_typed")
    driver.type(DEMO_ID_NUMBER, "id_pad")
    driver.set_date("dob_picker", birth)
    driver.set_date("expiry_picker", DEMO_EXPIRY)


def test_a_wrong_birth_date_explains_itself_and_the_right_one_then_opens_the_card(make_kiosk: Any) -> None:
    driver = make_kiosk()
    reach_key_choice(driver)
    type_key(driver, date(1990, 3, 15))
    driver.wait(lambda: driver.has("try_again"), 20, "the card error page")
    shown = driver.window.findChild(QLabel, "card_error").text()
    assert shown == driver.kiosk.translate("card.access_denied", "vi")
    assert driver.has("key_other_way") and driver.has("error_call_staff")
    assert driver.kiosk.session.identity is None
    driver.tap("key_other_way")
    type_key(driver, date(1990, 3, 14))
    driver.wait_state(SessionState.VERIFY_FACE, 30)


def test_a_forged_card_is_refused_with_a_way_to_staff(make_kiosk: Any) -> None:
    from devices.card.emulator.personalise import tamper

    driver = make_kiosk()
    driver.kiosk.extras["card_image"] = tamper(driver.kiosk.extras["card_image"], 1)
    reach_key_choice(driver)
    type_key(driver, date(1990, 3, 14))
    driver.wait(lambda: driver.has("try_again"), 20, "the card error page")
    shown = driver.window.findChild(QLabel, "card_error").text()
    assert shown != driver.kiosk.translate("common.unexpected_error", "vi")
    assert driver.has("error_call_staff")
    assert driver.kiosk.session.identity is None
    assert driver.kiosk.session.state is SessionState.IDENTIFY


def test_a_printer_out_of_paper_offers_retry_and_staff_and_the_retry_prints(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.kiosk.printer.simulate(PrinterStatus.OUT_OF_PAPER)
    start_service(driver, "id_confirmation")
    fill_form(driver, {"purpose": "bank", "applicant.phone": "0912345678"}, screenshot_steps=False)
    driver.tap("review_send")
    driver.wait(lambda: driver.has("print_retry"), 20, "print failure")
    status = driver.window.findChild(QLabel, "print_status").text()
    assert status == driver.kiosk.translate("printer.out_of_paper", "vi")
    assert driver.has("print_ask_staff")
    assert driver.kiosk.session.route == "sent"  # the file is sent whatever the printer does
    driver.kiosk.printer.simulate(PrinterStatus.READY)
    driver.tap("print_retry")
    driver.wait(lambda: driver.ctx.scratch.get("printed") is not None, 20, "printed on retry")
    assert driver.ctx.scratch["printed"].exists()


def test_going_back_from_the_first_form_step_returns_to_the_service_list(make_kiosk: Any) -> None:
    driver = make_kiosk()
    start_service(driver, "id_confirmation")
    driver.tap("form_next")
    driver.tap(driver.window.footer.back)
    assert driver.kiosk.session.state is SessionState.STEPS
    driver.tap(driver.window.footer.back)
    assert driver.kiosk.session.state is SessionState.CHOOSE_SERVICE
    assert driver.kiosk.session.form is None

"""Every failure has a way out: a wrong key, a forged card, a jammed printer, going back."""

from __future__ import annotations

from typing import Any

import numpy as np

from devices.printer.printer import PrinterStatus
from kiosk.session.events import SessionState
from tests.ui.helpers import PHONE, label, play, printed, set_card

BLANK = np.full((480, 640, 3), 255, dtype=np.uint8)   # the camera sees no QR code: the key is typed


def type_key(driver: Any, birth: str, id_number: str = "001190012345", expiry: str = "14032030") -> None:
    """The typed fallback: the 12 digits, then both dates as ddmmyyyy on the number pad."""
    for screen, text in (("card_key_id", id_number), ("card_key_birth", birth), ("card_key_expiry", expiry)):
        driver.wait_page(screen)
        assert driver.keyboard().mode == "numeric"
        driver.type(text)
        driver.choose("next")


def test_a_wrong_birth_date_explains_itself_and_the_right_one_then_opens_the_card(make_kiosk: Any) -> None:
    driver = make_kiosk()
    with driver.held_to_camera(BLANK):
        driver.insert_card()
        type_key(driver, "15031990")
        driver.wait_page("card_error")
        assert label(driver, "error") == driver.kiosk.translate("card.access_denied", "vi")
        assert driver.has("choice_try_again") and driver.has("choice_card_typed")
        assert driver.window.footer.call_staff.isVisible()
        assert driver.visit.identity is None
        driver.choose("card_typed")
        type_key(driver, "14031990")
    driver.wait_page("face")
    assert driver.visit.identity is not None


def test_a_date_is_checked_as_it_is_typed(make_kiosk: Any) -> None:
    driver = make_kiosk()
    with driver.held_to_camera(BLANK):
        driver.insert_card()
        driver.type("001190012345")
        driver.choose("next")
        driver.type("32")
    assert label(driver, "error") == driver.kiosk.translate("forms.date_invalid", "vi")


def test_a_forged_card_is_refused_with_a_way_to_staff(make_kiosk: Any) -> None:
    from devices.card.emulator.personalise import tamper

    driver = make_kiosk()
    set_card(driver, tamper(driver.kiosk.card_image, 1))
    driver.insert_card()
    driver.wait_page("card_error")
    assert label(driver, "error") != driver.kiosk.translate("common.unexpected_error", "vi")
    assert driver.window.footer.call_staff.isVisible()
    assert driver.visit.identity is None
    assert driver.kiosk.session.state is SessionState.IDENTIFY


def test_a_printer_out_of_paper_offers_retry_and_staff_and_the_retry_prints(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.kiosk.printer.simulate(PrinterStatus.OUT_OF_PAPER)
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE}, stop_at="receipt")
    assert label(driver, "error") == driver.kiosk.translate("printer.out_of_paper", "vi")
    assert driver.has("choice_print_again") and driver.window.footer.call_staff.isVisible()
    assert driver.kiosk.session.route == "sent"  # the file is sent whatever the printer does
    driver.kiosk.printer.simulate(PrinterStatus.READY)
    driver.choose("print_again")
    driver.wait_page("done")
    assert len(printed(driver)) == 1


def test_going_back_from_the_first_question_returns_to_the_service_list(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", {"purpose": "bank"}, stop_at="question:applicant.phone")
    driver.tap(driver.window.footer.back)
    assert driver.view.screen == "question" and driver.view.field == "purpose"
    driver.tap(driver.window.footer.back)
    assert driver.view.screen == "services"
    assert driver.kiosk.session.state is SessionState.CHOOSE_SERVICE
    assert driver.visit.form is None

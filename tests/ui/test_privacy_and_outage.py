"""Card removal wipes every trace of the citizen from the screen; a portal outage queues honestly and sends later;
a submitted file can be looked up by its code and withdrawn."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk.session_events import SessionState
from ui.demo import fill_form, start_service

PERSONAL = ("Nguyễn Thị Thanh Hương", "001190012345", "012345678", "14/03/1990", "0912", "Hương", "2345")


def screen_texts(window: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        texts.append(widget.accessibleName())
    return texts


def test_card_removal_mid_form_wipes_personal_data_from_every_widget(make_kiosk: Any) -> None:
    driver = make_kiosk()
    start_service(driver, "id_confirmation")
    driver.tap("form_next")  # the chip's details, as they are
    driver.tap("choice_bank")  # the phone number's keypad opens next by itself
    assert driver.window.current.editing == "applicant.phone"
    driver.type("0912", submit=False)  # half typed when the card leaves
    before = "\n".join(screen_texts(driver.window))
    assert "0912" in before and "2345" not in before  # the keyboard shows what was typed
    started = time.monotonic()
    driver.remove_card()
    driver.wait_page("welcome", timeout_s=1.0)
    assert time.monotonic() - started < 1.0
    after = "\n".join(screen_texts(driver.window))
    for secret in PERSONAL:
        assert secret not in after, secret
    assert not driver.kiosk.session.holds_citizen_data()
    assert driver.kiosk.session.form is None


def test_card_removal_on_the_first_step_also_clears_the_prefilled_name(make_kiosk: Any) -> None:
    driver = make_kiosk()
    start_service(driver, "id_confirmation")
    assert "Nguyễn Thị Thanh Hương" in "\n".join(screen_texts(driver.window))
    driver.remove_card()
    driver.wait_page("welcome", timeout_s=1.0)
    assert not any("Nguyễn Thị Thanh Hương" in t for t in screen_texts(driver.window))


def test_portal_outage_queues_the_file_says_so_and_sends_it_when_the_portal_is_back(make_kiosk: Any) -> None:
    # A short first-try retry delay: the queued file goes out soon after the portal is back.
    driver = make_kiosk(faults="outage:on", portal={"first_try_retry_s": 0.2})
    start_service(driver, "id_confirmation")
    fill_form(driver, {"purpose": "bank", "applicant.phone": "0912345678"}, screenshot_steps=False)
    driver.wait_state(SessionState.REVIEW)
    driver.tap("review_send")
    driver.wait(lambda: driver.has("receipt_continue"), 30, "receipt printed")
    assert driver.kiosk.session.route == "queued"
    assert driver.window.findChild(QLabel, "queued_heading") is not None
    assert not [w for w in driver.window.findChildren(QLabel, "file_code") if w.isVisible()]  # no fake code
    assert driver.kiosk.portal_simulator.applications() == []
    driver.kiosk.portal_simulator.set_faults("")
    driver.wait(lambda: len(driver.kiosk.portal_simulator.applications()) == 1, 30, "the queued file sent")
    driver.wait(lambda: driver.kiosk.submissions.progress().accepted == 1, 10, "the queue marks it accepted")


def test_status_lookup_by_typed_code_shows_the_status_and_withdraws(make_kiosk: Any) -> None:
    from ui.demo import citizen_journey

    driver = make_kiosk()
    citizen_journey(driver, "id_confirmation", {"purpose": "bank", "applicant.phone": "0912345678"})
    code = driver.kiosk.portal_simulator.applications()[0]["dossier_code"]
    driver.tap("status_lookup")
    driver.wait_page("status")
    driver.tap("status_type")
    driver.type(code)
    driver.type("2345", "id_pad")
    driver.wait(lambda: driver.window.findChild(QLabel, "status_message") is not None, 10, "status shown")
    assert code in driver.window.findChild(QLabel, "status_code").text()
    driver.tap("status_withdraw")
    driver.wait(lambda: driver.window.findChild(QLabel, "withdraw_message") is not None, 10, "withdrawn")
    driver.tap("finish")
    driver.wait_page("welcome")


def test_status_lookup_with_wrong_digits_says_not_found(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.tap("status_lookup")
    driver.wait_page("status")
    driver.tap("status_type")
    driver.type("000.00.01.H26-260302-9999")
    driver.type("1111", "id_pad")
    driver.wait(lambda: driver.window.findChild(QLabel, "status_message") is not None, 10, "status shown")
    message = driver.window.findChild(QLabel, "status_message").text()
    assert message == driver.kiosk.translate("queue.file_not_found", "vi")
    assert driver.window.findChild(QAbstractButton, "status_withdraw") is None

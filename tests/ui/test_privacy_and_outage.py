"""Card removal wipes every trace of the citizen from the screen; a portal outage queues honestly and sends later;
a submitted file can be looked up by its code and withdrawn."""

from __future__ import annotations

import time
from typing import Any

from kiosk.session.events import SessionState
from tests.ui.helpers import PHONE, confirm_withdrawal, label, look_up, play, screen_texts

PERSONAL = ("Nguyễn Thị Thanh Hương", "001190012345", "012345678", "14/03/1990", "0912", "Hương", "2345")


def test_card_removal_mid_question_wipes_personal_data_from_every_widget(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", {"purpose": "bank"}, stop_at="question:applicant.phone")
    driver.type("0912")  # half typed when the card leaves
    before = "\n".join(screen_texts(driver.window))
    assert "0912" in before and "2345" not in before  # the keyboard shows what was typed
    assert driver.view.input is not None and driver.view.input.text == "0912"  # the visit has every key
    started = time.monotonic()
    driver.remove_card()
    driver.wait_page("welcome", timeout_s=1.0)
    assert time.monotonic() - started < 1.0
    after = "\n".join(screen_texts(driver.window))
    for secret in PERSONAL:
        assert secret not in after, secret
    assert not driver.kiosk.session.holds_citizen_data()
    assert driver.visit.form is None and driver.visit.identity is None
    assert label(driver, "notice") == driver.kiosk.translate("journey.notice_card_removed", "vi")


def test_card_removal_on_the_review_clears_the_name_read_from_the_chip(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE}, stop_at="review")
    assert "Nguyễn Thị Thanh Hương" in "\n".join(screen_texts(driver.window))
    driver.remove_card()
    driver.wait_page("welcome", timeout_s=1.0)
    assert not any("Nguyễn Thị Thanh Hương" in t for t in screen_texts(driver.window))


def test_portal_outage_queues_the_file_says_so_and_sends_it_when_the_portal_is_back(make_kiosk: Any) -> None:
    # A short first-try retry delay: the queued file goes out soon after the portal is back.
    driver = make_kiosk(faults="outage:on", portal={"first_try_retry_s": 0.2})
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE}, stop_at="done")
    assert driver.kiosk.session.route == "queued"
    assert driver.kiosk.translate("journey.queued_say", "vi") in label(driver, "said")
    assert driver.kiosk.translate("journey.sent_say", "vi") not in label(driver, "said")
    assert driver.kiosk.portal_simulator.applications() == []
    driver.kiosk.portal_simulator.set_faults("")
    driver.wait(lambda: len(driver.kiosk.portal_simulator.applications()) == 1, 30, "the queued file sent")
    driver.wait(lambda: driver.kiosk.submissions.progress().accepted == 1, 10, "the queue marks it accepted")


def test_status_lookup_by_typed_code_shows_the_status_and_withdraws(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    code = driver.kiosk.portal_simulator.applications()[0]["dossier_code"]
    look_up(driver, code)
    assert code in label(driver, "line_value_0")
    driver.choose("withdraw")
    confirm_withdrawal(driver)
    driver.choose("finish")
    driver.wait_page("welcome")
    assert driver.kiosk.session.state is SessionState.IDLE


def test_status_lookup_with_wrong_digits_says_not_found(make_kiosk: Any) -> None:
    driver = make_kiosk()
    look_up(driver, "000.00.01.H26-260302-9999", "1111")
    assert label(driver, "said") == driver.kiosk.translate("queue.file_not_found", "vi")
    assert not driver.has("choice_withdraw")

"""The status look-up withdraws a file still waiting on this kiosk by the rule of the queue: a file whose send went
unanswered may be at the portal, so it is never shown as "cancelled, never sent" on trust."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractButton, QLabel

from offline_cache import SubmissionState
from ui.demo import citizen_journey


def look_up(driver: Any, code: str, last4: str) -> str:
    driver.tap("status_lookup")
    driver.wait_page("status")
    driver.tap("status_type")
    driver.type(code)
    driver.type(last4, "id_pad")
    driver.wait(lambda: driver.window.findChild(QLabel, "status_message") is not None, 10, "status shown")
    return str(driver.window.findChild(QLabel, "status_message").text())


def test_withdrawing_a_waiting_file_whose_answer_was_lost_says_pending_then_withdraws_at_the_portal(
        make_kiosk: Any) -> None:
    # The first try reaches the portal but its answer is lost; no re-send happens during the test.
    driver = make_kiosk(faults="lost:1.0", portal={"first_try_retry_s": 600.0})
    citizen_journey(driver, "id_confirmation", {"purpose": "bank", "applicant.phone": "0912345678"})
    kiosk = driver.kiosk
    [held] = kiosk.portal_simulator.applications()
    [record] = kiosk.submissions.queue.list_records()
    assert record.state is SubmissionState.QUEUED and record.file_code is None
    # The receipt carries the local reference; the citizen types it on the capitals-only code keypad.
    message = look_up(driver, record.submission_id.upper(), "2345")
    assert message == kiosk.translate("queue.saved_will_send", "vi")
    driver.tap("status_withdraw")
    driver.wait(lambda: driver.window.findChild(QLabel, "withdraw_message") is not None, 10, "withdrawal answered")
    said = driver.window.findChild(QLabel, "withdraw_message").text()
    assert said == kiosk.translate("queue.withdrawal_pending", "vi")
    assert said != kiosk.translate("queue.withdrawn_locally", "vi")
    kiosk.portal_simulator.set_faults("")
    driver.wait(lambda: kiosk.submissions.record(record.submission_id).state is SubmissionState.ACCEPTED, 20,
                "the pending withdrawal finished")
    assert kiosk.submissions.lookup_status(held["dossier_code"], "2345").status == 8
    assert len(kiosk.portal_simulator.applications()) == 1
    driver.tap("finish")
    driver.wait_page("welcome")


def test_a_local_reference_with_wrong_digits_finds_nothing(make_kiosk: Any) -> None:
    driver = make_kiosk(faults="outage:on", portal={"first_try_retry_s": 600.0})
    citizen_journey(driver, "id_confirmation", {"purpose": "bank", "applicant.phone": "0912345678"})
    [record] = driver.kiosk.submissions.queue.list_records()
    message = look_up(driver, record.submission_id.upper(), "1111")
    assert message != driver.kiosk.translate("queue.saved_will_send", "vi")
    assert driver.window.findChild(QAbstractButton, "status_withdraw") is None

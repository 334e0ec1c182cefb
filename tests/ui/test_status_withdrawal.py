"""The status look-up withdraws a file still waiting on this kiosk by the rule of the queue: a file whose send went
unanswered may be at the portal, so it is never shown as "cancelled, never sent" on trust."""

from __future__ import annotations

from typing import Any

from offline_cache import SubmissionState
from tests.ui.helpers import PHONE, confirm_withdrawal, label, look_up, play


def test_withdrawing_a_waiting_file_whose_answer_was_lost_says_pending_then_withdraws_at_the_portal(
        make_kiosk: Any) -> None:
    # The first try reaches the portal but its answer is lost; no re-send happens during the test.
    driver = make_kiosk(faults="lost:1.0", portal={"first_try_retry_s": 600.0})
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    kiosk = driver.kiosk
    [held] = kiosk.portal_simulator.applications()
    [record] = kiosk.submissions.queue.list_records()
    assert record.state is SubmissionState.QUEUED and record.file_code is None
    # The receipt carries the local reference; the citizen types it on the capitals-only code keyboard.
    look_up(driver, record.submission_id.upper(), "2345")
    assert label(driver, "said") == kiosk.translate("queue.saved_will_send", "vi")
    driver.choose("withdraw")
    confirm_withdrawal(driver)
    said = label(driver, "line_value_0")
    assert said == kiosk.translate("queue.withdrawal_pending", "vi")
    assert said != kiosk.translate("queue.withdrawn_locally", "vi")
    kiosk.portal_simulator.set_faults("")
    driver.wait(lambda: kiosk.submissions.record(record.submission_id).state is SubmissionState.ACCEPTED, 20,
                "the pending withdrawal finished")
    assert kiosk.submissions.lookup_status(held["dossier_code"], "2345").status == 8
    assert len(kiosk.portal_simulator.applications()) == 1
    driver.choose("finish")
    driver.wait_page("welcome")


def test_a_local_reference_with_wrong_digits_finds_nothing(make_kiosk: Any) -> None:
    driver = make_kiosk(faults="outage:on", portal={"first_try_retry_s": 600.0})
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    [record] = driver.kiosk.submissions.queue.list_records()
    look_up(driver, record.submission_id.upper(), "1111")
    assert label(driver, "said") != driver.kiosk.translate("queue.saved_will_send", "vi")
    assert not driver.has("choice_withdraw")

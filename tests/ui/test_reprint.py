"""A failed receipt costs the citizen nothing: staff get a slip when the printer is back, and the receipt can be
printed again from the status look-up screen or technician mode."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from devices.printer.printer import PrinterStatus
from tests.ui.helpers import PHONE, label, look_up, payload_of, play, printed, visible_text
from ui.widgets.buttons import BigButton

ANSWERS = {"purpose": "bank", **PHONE}


def test_out_of_paper_at_the_receipt_prints_a_help_slip_once_the_printer_is_back(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.window.recovery_poll_ticks = 2  # ask the printer every half second instead of every ten
    driver.kiosk.printer.simulate(PrinterStatus.OUT_OF_PAPER)
    play(driver, "id_confirmation", ANSWERS, stop_at="receipt")
    assert label(driver, "error") == driver.kiosk.translate("printer.out_of_paper", "vi")
    code = driver.visit.outcome.file_code
    driver.choose("finish")  # the citizen leaves without a receipt
    driver.remove_card()
    driver.wait_page("welcome")
    recovery = driver.ctx.printer_recovery
    assert [e.file_code for e in recovery.pending()] == [code]
    assert printed(driver) == []
    driver.kiosk.printer.simulate(PrinterStatus.READY)
    driver.tick_until(lambda: len(printed(driver)) == 1, "the help slip")
    driver.wait(lambda: recovery.pending() == [], 5, "the entry cleared")
    for _ in range(6):  # more polls: still one slip
        driver.window._on_tick()
        driver.settle()
    (slip,) = printed(driver)
    payload = payload_of(slip)
    assert payload.kind == "help" and payload.file_code == code


def test_status_look_up_reprints_the_receipt_of_a_file_sent_from_this_kiosk(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", ANSWERS)
    (first,) = printed(driver)
    code = driver.kiosk.portal_simulator.applications()[0]["dossier_code"]
    look_up(driver, code)
    driver.choose("reprint")
    assert driver.kiosk.translate("journey.reprinted", "vi") in visible_text(driver)
    newest = printed(driver)[-1]
    assert newest != first
    payload = payload_of(newest)
    assert payload.kind == "receipt" and payload.file_code == code
    assert payload.masked_id.endswith("2345")


def test_a_failed_reprint_says_what_is_wrong_and_offers_staff(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", ANSWERS)
    code = driver.kiosk.portal_simulator.applications()[0]["dossier_code"]
    look_up(driver, code)
    driver.kiosk.printer.simulate(PrinterStatus.OFFLINE)
    driver.choose("reprint")
    assert label(driver, "error") == driver.kiosk.translate("printer.not_ready", "vi")
    assert driver.has("choice_reprint") and driver.window.footer.call_staff.isVisible()  # a second try stays
    assert [e.file_code for e in driver.ctx.printer_recovery.pending()] == [code]


def test_no_reprint_for_a_file_this_kiosk_did_not_submit(make_kiosk: Any) -> None:
    driver = make_kiosk()
    look_up(driver, "000.00.01.H26-260302-9999", "1111")
    assert not driver.has("choice_reprint")


def test_technician_reprint_list_shows_references_only_and_reprints(make_kiosk: Any, qtbot: Any) -> None:
    from ui.screens.reprint import ReprintPanel

    driver = make_kiosk()
    play(driver, "id_confirmation", ANSWERS)
    code = driver.kiosk.portal_simulator.applications()[0]["dossier_code"]
    (record,) = driver.kiosk.submissions.queue.list_records()
    driver.ctx.printer_recovery.remember(record.submission_id, service_code="id_confirmation",
                                         reason_key="printer.out_of_paper", file_code=code)
    panel = ReprintPanel(driver.ctx)
    qtbot.addWidget(panel)
    panel.show()
    texts = "\n".join(w.text() for w in panel.findChildren(QLabel))
    assert code in texts and "id_confirmation" in texts
    for personal in ("Nguyễn Thị Thanh Hương", "001190012345", "0912345678"):
        assert personal not in texts
    assert panel.findChild(QLabel, f"pending_{record.submission_id[:8]}") is not None
    before = len(printed(driver))
    driver.tap(panel.findChild(BigButton, f"reprint_{record.submission_id[:8]}"))
    driver.wait(lambda: panel.findChild(QLabel, f"reprint_result_{record.submission_id[:8]}") is not None, 20,
                "reprint result")
    assert len(printed(driver)) == before + 1
    assert payload_of(printed(driver)[-1]).file_code == code
    assert driver.ctx.printer_recovery.pending() == []  # the receipt is on paper: no slip needed any more

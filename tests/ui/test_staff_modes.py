"""Assisted mode (volunteer sign-in from the visit's help screen, banner, vouching for the face), technician mode
(hidden gesture, PIN with lockout, device tests), the inactivity warning, the language switch and the last-resort
error handler."""

from __future__ import annotations

import sys
import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.session.events import SessionState
from tests.ui.conftest import TECH_PIN, VOLUNTEER_PIN
from tests.ui.helpers import PHONE, label, play, printed, visible_text


def secret_gesture(driver: Any) -> None:
    for _ in range(5):
        driver.click(driver.window.header.place, Qt.MouseButton.LeftButton)
    driver.settle()


def test_hidden_gesture_and_pin_open_technician_mode_and_tests_run(make_kiosk: Any) -> None:
    driver = make_kiosk()
    secret_gesture(driver)
    driver.wait_page("technician_pin")
    driver.type(TECH_PIN, "pin_pad", submit=True)
    driver.wait_page("technician")
    assert driver.kiosk.session.state is SessionState.TECHNICIAN
    driver.tap("tech_test_portal")
    driver.wait(lambda: driver.window.findChild(QLabel, "tech_result_portal") is not None, 10, "portal result")
    assert driver.window.findChild(QLabel, "tech_result_portal").text().startswith("✓")
    driver.tap("tech_test_printer")
    driver.wait(lambda: driver.window.findChild(QLabel, "tech_result_printer") is not None, 10, "printer result")
    driver.tap("tech_tab_config")
    config_text = visible_text(driver)
    assert "staff.technician_pin_hash = (set)" in config_text
    assert "pbkdf2" not in config_text  # the hash itself is never shown
    driver.insert_card()  # a card placed in technician mode starts no visit
    assert driver.window.current.name == "technician"
    driver.remove_card()
    driver.tap("tech_leave")
    driver.wait_page("welcome")


def test_wrong_pins_lock_technician_mode(make_kiosk: Any) -> None:
    driver = make_kiosk()
    secret_gesture(driver)
    driver.wait_page("technician_pin")
    for _ in range(3):
        driver.type("111111", "pin_pad", submit=True)
    message = driver.window.current.error.text()
    assert message == driver.kiosk.translate("staff.locked_out", "vi", minutes=2)
    driver.type(TECH_PIN, "pin_pad", submit=True)  # even the right PIN waits out the lockout
    assert driver.kiosk.session.state is SessionState.IDLE


def test_gesture_counts_only_on_the_welcome_screen(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.choose("start")
    secret_gesture(driver)
    assert driver.window.current.name == "card_wait"


def test_volunteer_signs_in_from_help_shows_banner_and_can_vouch_for_the_face(make_kiosk: Any) -> None:
    driver = make_kiosk(face="no_face")
    driver.choose("start")
    driver.tap(driver.window.footer.call_staff)
    driver.wait_page("help")
    driver.choose("volunteer_sign_in")
    driver.wait_page("volunteer_pin")
    assert driver.keyboard().mode == "numeric" and driver.keyboard().masked
    driver.type("000000")
    driver.choose("next")
    assert label(driver, "error") == driver.kiosk.translate("staff.wrong_pin", "vi", attempts_left=2)
    assert "000000" not in visible_text(driver)  # a PIN is never shown
    driver.type(VOLUNTEER_PIN)
    driver.choose("next")
    assert driver.window.banner.isVisible()
    assert "Trần Văn Giúp" in driver.window.banner.label.text()
    driver.wait_page("card_wait")  # signing in begins the visit
    driver.insert_card()
    driver.tick_until(lambda: driver.view.screen != "face", "end of the face check")
    assert driver.view.screen == "face_failed"
    driver.choose("staff_vouch")
    assert driver.view.screen == "services"
    assert driver.kiosk.session.state is SessionState.CHOOSE_SERVICE
    records = [r.event for r in driver.kiosk.audit.records()]
    assert "assistance_started" in records and "face_verified" in records


def test_inactivity_warning_offers_more_time_then_wipes(make_kiosk: Any, manual_clock: Any) -> None:
    driver = make_kiosk(clock=manual_clock)
    driver.choose("start")
    manual_clock.advance(91)
    driver.window._on_tick()
    driver.settle()
    assert driver.window.overlay.isVisible() and driver.view.warning
    driver.tap(driver.window.overlay.extend)
    assert not driver.window.overlay.isVisible()
    assert driver.view.screen == "card_wait"
    manual_clock.advance(91)
    driver.window._on_tick()
    manual_clock.advance(31)
    driver.window._on_tick()
    driver.settle()
    assert driver.window.current.name == "welcome"
    assert driver.kiosk.session.state is SessionState.IDLE
    assert label(driver, "notice") == driver.kiosk.translate("journey.notice_inactivity", "vi")


def test_language_switch_changes_every_text_on_the_screen(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.choose("start")
    title = label(driver, "title")
    driver.tap(driver.window.header.language)
    assert driver.kiosk.session.language == "en"
    assert driver.view.screen == "card_wait"  # the same step, in the other language
    assert label(driver, "title") != title
    assert driver.window.footer.call_staff.text() == "Call staff"


def test_an_unexpected_error_wipes_the_session_and_returns_home_without_a_traceback(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.choose("start")
    try:
        raise RuntimeError("boom with Nguyễn Thị Thanh Hương inside")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    driver.settle()
    assert driver.window.current.name == "welcome"
    assert driver.window.message.isVisible()
    shown = driver.window.message.heading.text()
    assert shown == driver.kiosk.translate("common.unexpected_error", "vi")
    assert "boom" not in shown


def test_technician_queue_and_statistics_tabs_count_without_personal_data(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    secret_gesture(driver)
    driver.type(TECH_PIN, "pin_pad", submit=True)
    driver.wait_page("technician")
    driver.tap("tech_tab_queue")
    queue_text = visible_text(driver)
    assert f"{driver.kiosk.translate('ui.queue_accepted', 'vi')}: 1" in queue_text
    driver.tap("tech_tab_stats")
    stats_text = visible_text(driver)
    assert f"{driver.kiosk.translate('ui.stats_total', 'vi')}: 1" in stats_text
    assert f"{driver.kiosk.translate('queue.state_accepted', 'vi')}: 1" in stats_text
    driver.tap("tech_tab_logs")
    log_text = visible_text(driver)
    assert "submission_sent" in log_text
    for text in (queue_text, stats_text, log_text):
        assert "Nguyễn" not in text and "001190012345" not in text


def test_call_staff_prints_a_help_slip_and_returns_to_the_same_step(make_kiosk: Any) -> None:
    driver = make_kiosk()
    driver.choose("start")
    driver.tap(driver.window.footer.call_staff)
    driver.wait_page("help")
    if driver.has("choice_print_help_slip"):  # the help desk prints the counter's slip itself where it can
        driver.choose("print_help_slip")
    driver.wait(lambda: printed(driver), 10, "the help slip")
    driver.choose("close_help")
    assert driver.window.current.name == "card_wait"


# ---- the ward manager: statistics only, through the same hidden PIN pad ----------------------------------------

MANAGER_PIN = "735246"


def manager_kiosk(make_kiosk: Any) -> Any:
    from kiosk.staff import hash_pin

    return make_kiosk(staff={"manager_pin_hash": hash_pin(MANAGER_PIN, iterations=1000)})


def sign_in_as_manager(driver: Any) -> None:
    secret_gesture(driver)
    driver.wait_page("technician_pin")
    driver.type(MANAGER_PIN, "pin_pad", submit=True)
    driver.wait_page("manager")


def figure(driver: Any, key: str) -> str:
    label = driver.window.findChild(QLabel, f"manager_value_{key}")
    assert label is not None and label.isVisible(), key
    return str(label.text())


def test_manager_pin_opens_statistics_with_the_counts_of_a_submitted_journey(make_kiosk: Any) -> None:
    from ui.screens.manager import vietnam_today

    driver = manager_kiosk(make_kiosk)
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    sign_in_as_manager(driver)
    assert driver.kiosk.session.state is SessionState.MANAGER
    # The demo's fixed clock dates the receipt; the queue's stamps (and so "today" here) follow the same day.
    demo_day = driver.kiosk.now().date()
    assert vietnam_today(driver.kiosk.wall_clock()) == demo_day != vietnam_today(time.time())
    for choice in ("manager_range_today", "manager_range_7", "manager_range_30"):
        driver.tap(choice)
        assert figure(driver, "total") == "1"
        assert figure(driver, "service_id_confirmation") == "1"
        assert figure(driver, "state_accepted") == "1"
        assert figure(driver, "waiting") == "0"
        assert figure(driver, f"day_{demo_day.isoformat()}") == "1"
        assert figure(driver, "median") != driver.kiosk.translate("staff.manager_median_none", "vi")
    assert driver.window.findChild(QLabel, "manager_label_state_accepted").text() == driver.kiosk.translate(
        "queue.state_accepted", "vi")
    driver.tap("manager_range_7")  # seven day rows, the days without files as zero
    assert len([w for w in driver.window.findChildren(QLabel) if w.isVisible()
                and w.objectName().startswith("manager_value_day_")]) == 7
    text = visible_text(driver)
    assert "Nguyễn" not in text and "001190012345" not in text and "0912345678" not in text
    events = [(r.event, r.staff_id, r.service_code, r.file_code) for r in driver.kiosk.audit.records()]
    assert ("manager_mode_entered", "manager", "", "") in events
    assert "technician_mode_entered" not in [e for e, *_ in events]


def test_an_empty_queue_says_so_instead_of_showing_blank_figures(make_kiosk: Any) -> None:
    driver = manager_kiosk(make_kiosk)
    sign_in_as_manager(driver)
    assert figure(driver, "total") == "0"
    assert figure(driver, "median") == driver.kiosk.translate("staff.manager_median_none", "vi")
    assert driver.kiosk.translate("staff.manager_nothing", "vi") in visible_text(driver)


def test_manager_cannot_reach_technician_tabs_settings_or_log(make_kiosk: Any) -> None:
    driver = manager_kiosk(make_kiosk)
    sign_in_as_manager(driver)
    driver.window.show_page("technician")  # even asked for directly, the technician page hands a manager back
    driver.settle()
    assert driver.window.current.name == "manager"
    assert not any(driver.has(f"tech_tab_{tab}") for tab in ("devices", "queue", "stats", "config", "logs"))
    assert not driver.has("tech_test_printer")
    text = visible_text(driver)
    assert "technician_pin_hash" not in text and "manager_mode_entered" not in text
    driver.tap(driver.window.header.language)  # a language switch re-renders the same manager page
    assert driver.window.current.name == "manager" and not driver.has("tech_tab_config")
    driver.tap("manager_leave")
    driver.wait_page("welcome")
    assert driver.kiosk.session.state is SessionState.IDLE
    driver.window.show_page("manager")  # without a sign-in the statistics page sends everyone home
    assert driver.window.current.name == "welcome"


def test_the_technician_pin_still_opens_technician_mode_when_a_manager_pin_is_set(make_kiosk: Any) -> None:
    driver = manager_kiosk(make_kiosk)
    secret_gesture(driver)
    driver.type(TECH_PIN, "pin_pad", submit=True)
    driver.wait_page("technician")
    assert driver.has("tech_tab_config")
    assert "manager_mode_entered" not in [r.event for r in driver.kiosk.audit.records()]


def test_wrong_manager_pins_lock_the_pad_for_both_roles(make_kiosk: Any) -> None:
    driver = manager_kiosk(make_kiosk)
    secret_gesture(driver)
    driver.wait_page("technician_pin")
    driver.type("111111", "pin_pad", submit=True)
    assert driver.window.current.error.text() == driver.kiosk.translate("staff.wrong_pin", "vi", attempts_left=2)
    for _ in range(2):
        driver.type("111111", "pin_pad", submit=True)
    assert driver.window.current.error.text() == driver.kiosk.translate("staff.locked_out", "vi", minutes=2)
    for pin in (MANAGER_PIN, TECH_PIN):
        driver.type(pin, "pin_pad", submit=True)
        assert driver.kiosk.session.state is SessionState.IDLE
        assert driver.window.current.name == "technician_pin"
    assert "manager_mode_entered" not in [r.event for r in driver.kiosk.audit.records()]


def test_manager_screen_meets_size_and_contrast_in_every_range(make_kiosk: Any) -> None:
    from tests.ui.test_accessibility import audited

    driver = manager_kiosk(make_kiosk)
    play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    audit = audited(driver)
    sign_in_as_manager(driver)
    for choice in ("manager_range_today", "manager_range_30", "manager_range_7"):
        driver.tap(choice)
    driver.tap(driver.window.header.language)
    assert "manager" in audit.pages and len(audit.seen) >= 3
    assert audit.problems == []

"""Help reaches someone, and the help screen says only what the help desk confirmed, with the time waited."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.help.desk import SimulatedHelpDesk, SlipHelpDesk
from kiosk.journey import Tap, Tick
from kiosk.session.timer import ManualClock
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import start_service, texts, to_services

STAFF_COMING = ("Cán bộ sẽ đến", "Sẽ có người đến", "đang đến", "Staff will come", "someone will come")


def test_the_slip_desk_prints_at_once_and_says_which_counter(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    assert visit.parts.help_desk is not None and visit.parts.help_desk.backend == "slip"
    to_services(stand)
    start_service(stand, "id_confirmation")
    view = visit.handle(Tap("help"))
    assert view.screen == "help" and len(stand.printed()) == 1
    counter = stand.kiosk.config.help.counter
    said = " ".join(texts(view))
    assert f"quầy số {counter}" in said and "chưa đến 1 phút" in said
    assert not any(words in said for words in STAFF_COMING)    # nobody was told: nobody is promised
    assert "print_help_slip" not in view.choice_ids()           # the slip is already out
    view = visit.handle(Tap("close_help"))
    assert view.screen == "question" and view.field == "purpose"


def test_a_slip_that_did_not_print_is_not_claimed(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit

    def jammed(reason: str) -> object:
        raise OSError("paper jam")

    visit.parts.help_desk = SlipHelpDesk(jammed, "2")
    to_services(stand)
    view = visit.handle(Tap("help"))
    said = " ".join(texts(view))
    assert "Chưa báo được cán bộ" in said and "quầy số 2" in said
    assert not any(words in said for words in STAFF_COMING)
    assert "print_help_slip" in view.choice_ids()


def test_staff_told_then_acknowledged_with_the_time_waited(make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock(1000.0)
    stand = make_stand(clock=clock)
    visit = stand.visit
    visit.parts.help_desk = SimulatedHelpDesk("3", ack_after_s=150.0, clock=clock.monotonic)
    to_services(stand)
    view = visit.handle(Tap("help"))
    said = " ".join(texts(view))
    assert "Đã báo cán bộ" in said and "chưa đến 1 phút" in said
    clock.advance(70)
    visit.handle(Tap("more_time"))   # the citizen is still there (keeps the inactivity timer quiet)
    view = visit.handle(Tick())
    assert "Bạn đã chờ 1 phút." in texts(view)
    clock.advance(90)
    visit.handle(Tap("more_time"))
    view = visit.handle(Tick())
    said = " ".join(texts(view))
    assert "Cán bộ đã nhận yêu cầu" in said and "Bạn đã chờ 2 phút." in said
    assert [p.key for p in view.prompts] == ["help.acknowledged"]


def test_the_request_is_closed_when_the_visit_ends(make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock(1000.0)
    stand = make_stand(clock=clock)
    desk = SimulatedHelpDesk("3", ack_after_s=600.0, clock=clock.monotonic)
    stand.visit.parts.help_desk = desk
    to_services(stand)
    stand.visit.handle(Tap("help"))
    clock.advance(5)
    assert desk.waiting_s() == 5
    stand.take()
    from kiosk.journey import CardRemoved

    stand.visit.handle(CardRemoved())
    assert desk.waiting_s() == 0.0

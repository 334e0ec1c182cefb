"""No misleading marks: a tick only for a value that passed its checks, no "take your receipt" without one, no
"choose a clinic" once the number is given."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.journey import Tap, Typed
from kiosk.journey.persona import Persona, play
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import start_service, texts, to_review, to_services


def test_an_input_with_an_error_is_marked_error_never_ok(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand)
    view = start_service(stand, "id_confirmation")
    assert all(c.state == "unset" for c in view.choices)       # nothing chosen yet: no ticks
    view = visit.handle(Tap("choice:bank"))
    assert view.input is not None and view.input.state == "unset"
    view = visit.handle(Typed("applicant.phone", "12"))
    view = visit.handle(Tap("next"))
    assert view.error_key and view.input is not None and view.input.state == "error"
    view = visit.handle(Typed("applicant.phone", "0912345678"))
    assert view.input is not None and view.input.state == "ok"


def test_review_lines_are_ok_only_with_a_value(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    view = to_review(stand)
    for line in view.lines:
        if line.source == "missing" or not line.value:
            assert line.state == "unset"
        else:
            assert line.state == "ok"


def test_done_after_a_failed_print_does_not_say_take_your_receipt(make_stand: Callable[..., Stand]) -> None:
    from devices.printer import PrinterStatus

    stand = make_stand()
    to_review(stand)
    stand.kiosk.printer.simulate(PrinterStatus.OUT_OF_PAPER)  # type: ignore[attr-defined]
    view = stand.visit.handle(Tap("send"))
    assert view.screen == "receipt"
    view = stand.visit.handle(Tap("finish"))
    assert view.screen == "done" and stand.printed() == []
    said = " ".join(texts(view))
    assert "Nhận giấy" not in said and "lấy biên nhận" not in said.lower()
    assert "Chưa in được giấy biên nhận" in said
    assert "journey.done_say" not in [p.key for p in view.prompts]
    view = stand.visit.handle(Tap("finish"))
    assert view.screen == "welcome"


def test_the_hospital_ticket_no_longer_asks_for_a_clinic(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    seen: list[list[str]] = []

    class Watching(Persona):
        def next_command(self, view):  # type: ignore[no-untyped-def]
            if view.screen == "done":
                seen.append(texts(view))
            return super().next_command(view)

    play(stand.visit, Watching("hospital_checkin"), place_card=stand.place, take_card=stand.take)
    assert seen, "the check-in reached its ticket"
    for said in seen:
        joined = " ".join(said).lower()
        assert "chọn chuyên khoa" not in joined and "nhận giấy" in joined

"""Start over ("Làm lại") never wipes in one tap: a confirmation names what would be lost."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.journey import Restart, Tap, Typed
from kiosk.session.events import SessionState
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import start_service, to_services


def test_restart_asks_first_naming_the_service_and_the_answers(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand)
    start_service(stand, "id_confirmation")
    view = visit.handle(Tap("choice:bank"))
    assert view.field == "applicant.phone"
    # The start-over button is not a look-alike of "Quay lại": its own kind, for its own place and colour.
    kinds = {c.id: c.kind for c in view.choices}
    assert kinds["restart"] == "danger" and kinds["back"] == "nav"
    visit.handle(Typed("applicant.phone", "0912"))
    view = visit.handle(Tap("restart"))
    assert view.screen == "restart_confirm"
    assert stand.kiosk.session.identity is not None and visit.form is not None   # nothing wiped yet
    shown = {line.label: line.value for line in view.lines}
    assert shown["Thủ tục đang làm"] == "Xác nhận số chứng minh nhân dân 9 số"
    assert shown["Số câu đã trả lời"] == "1"
    assert "Xác nhận số chứng minh nhân dân 9 số" in view.prompts[0].text and "1 câu trả lời" in view.prompts[0].text
    assert {c.id: c.kind for c in view.choices} == {"restart_no": "primary", "restart_yes": "danger"}
    # "No" goes back to the very question, the typed text still there.
    view = visit.handle(Tap("restart_no"))
    assert view.screen == "question" and view.field == "applicant.phone"
    assert view.input is not None and view.input.text == "0912"


def test_only_the_confirmation_wipes_and_the_restart_command_asks_too(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand)
    view = visit.handle(Restart())
    assert view.screen == "restart_confirm"
    view = visit.handle(Tap("back"))
    assert view.screen == "services" and stand.kiosk.session.identity is not None
    visit.handle(Tap("restart"))
    view = visit.handle(Tap("restart_yes"))
    assert view.screen == "welcome"
    assert stand.kiosk.session.state is SessionState.IDLE and stand.kiosk.session.identity is None


def test_back_on_the_first_services_page_asks_before_leaving(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    view = to_services(stand)
    assert "back" in view.choice_ids()
    view = stand.visit.handle(Tap("back"))
    assert view.screen == "restart_confirm"

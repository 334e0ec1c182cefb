"""Typed answers never vanish: the last text typed is taken on "next" (no keyboard "done" needed) and kept
across Back and forward."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.journey import Tap, Typed
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import start_service, to_review, to_services


def test_what_was_typed_is_taken_on_next_without_done(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    view = to_review(stand)   # the phone number typed, then "next" with no "done" on the keyboard
    assert view.screen == "review" and not view.error_key
    assert visit.form is not None and visit.form.value("applicant.phone") == "0912345678"


def test_typed_text_survives_back_and_forward(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand)
    start_service(stand, "id_confirmation")
    visit.handle(Tap("choice:bank"))
    visit.handle(Typed("applicant.phone", "09123"))
    view = visit.handle(Tap("back"))
    assert view.field == "purpose"
    view = visit.handle(Tap("choice:bank"))
    assert view.field == "applicant.phone"
    assert view.input is not None and view.input.text == "09123"
    # and across the help screen too
    visit.handle(Tap("help"))
    view = visit.handle(Tap("close_help"))
    assert view.input is not None and view.input.text == "09123"

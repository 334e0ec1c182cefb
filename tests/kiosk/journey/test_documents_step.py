"""Paper documents on attachment questions, through the journey core: pages scanned one at a time on the document
scanner, each shown, any one retaken or removed, both sides of a card as two pages of one PDF, a refused page's
hint said, and the pages wiped with the visit when the card leaves or the visit times out."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from devices.scanner.simulated import SimulatedScanner
from kiosk.journey import CardPlaced, CardRemoved, Tap, Tick
from kiosk.journey.persona import Persona
from kiosk.session.timer import ManualClock
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.test_payment_step import drive, pdf_text


def pdf_pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))

SERVICE, FIELD = "temporary_residence", "proof.scan"   # the proof of a lawful home: a contract of several pages


def to_question(stand: Stand, *script: str) -> None:
    """Play the typical citizen up to the proof-of-home question, on a flatbed scanner playing `script`."""
    stand.visit.parts.scanner = SimulatedScanner(kind="flatbed", script=list(script))
    persona = Persona(SERVICE)
    view = stand.visit.view()
    for _ in range(300):
        if view.screen == "question" and view.field == FIELD:
            return
        command = persona.next_command(view)
        assert command is not None
        if isinstance(command, CardPlaced):
            stand.place()
        view = stand.visit.handle(command)
    raise AssertionError("never asked for the proof of the home")


def test_two_pages_are_shown_then_one_pdf_in_the_form_sent_and_on_the_receipt(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    to_question(stand)
    view = stand.visit.view()
    assert view.pages == () and "done" not in view.choice_ids()
    view = stand.visit.handle(Tap("scan"))
    assert len(view.pages) == 1 and view.pages[0].startswith(b"\x89PNG")
    assert {"scan", "done", "retake:0", "remove:0"} <= set(view.choice_ids())
    assert [p.key for p in view.prompts] == ["documents.page_added"]
    view = stand.visit.handle(Tap("scan"))   # the second page
    assert len(view.pages) == 2 and view.pages[0] != view.pages[1]
    view = stand.visit.handle(Tap("done"))
    assert view.field != FIELD
    form = stand.visit.form
    assert form is not None
    stored = form.value(FIELD)
    assert isinstance(stored, list) and len(stored) == 1
    assert stored[0].media_type == "application/pdf" and pdf_pages(stored[0].data) == 2
    drive(stand, Persona(SERVICE), "payment", view)
    sent = stand.kiosk.portal_simulator.applications()[-1]["body"] if stand.kiosk.portal_simulator else {}
    assert [a["component_code"] for a in sent["attachments"]] == ["GT_CHO_O_HOP_PHAP"]
    assert "2 bản" in pdf_text(stand.printed()[-1])


def test_a_refused_page_is_not_kept_and_its_hint_is_shown_and_said(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    to_question(stand, "blank", "ok")
    view = stand.visit.handle(Tap("scan"))
    assert view.pages == () and view.error_key == "documents.hint_blank"
    assert [p.key for p in view.prompts][-1] == view.error_key
    view = stand.visit.handle(Tap("scan"))
    assert len(view.pages) == 1 and not view.error_key


def test_a_page_is_retaken_in_place_or_removed(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    to_question(stand, "ok", "ok", "blank")
    stand.visit.handle(Tap("scan"))
    view = stand.visit.handle(Tap("scan"))
    first, second = view.pages
    view = stand.visit.handle(Tap("retake:0"))   # refused (a blank page): the old page stays
    assert view.pages == (first, second) and view.error_key
    view = stand.visit.handle(Tap("retake:0"))
    assert len(view.pages) == 2 and view.pages[0] != first and view.pages[1] == second
    view = stand.visit.handle(Tap("remove:1"))
    assert len(view.pages) == 1 and "remove:1" not in view.choice_ids()
    view = stand.visit.handle(Tap("remove:0"))
    assert view.pages == () and "done" not in view.choice_ids()


def test_removing_the_card_wipes_the_scanned_pages(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    to_question(stand)
    stand.visit.handle(Tap("scan"))
    capture = stand.visit._ctx.state.documents[FIELD].capture
    assert capture.page_count == 1
    stand.take()
    assert stand.visit.handle(CardRemoved()).screen == "welcome"
    assert capture.page_count == 0 and capture.previews() == []


def test_inactivity_wipes_the_scanned_pages(make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock()
    stand = make_stand(clock=clock, hospital=False)
    to_question(stand)
    stand.visit.handle(Tap("scan"))
    capture = stand.visit._ctx.state.documents[FIELD].capture
    for _ in range(40):
        clock.advance(30.0)
        if stand.visit.handle(Tick()).screen == "welcome":
            break
    assert stand.visit.view().screen == "welcome"
    assert capture.page_count == 0

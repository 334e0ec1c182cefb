"""Shared steps for the journey's usability tests: reach the services, answer the first questions."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.journey import CardPlaced, CardRemoved, Command, ScreenView, Tap, Tick, Typed
from kiosk.journey.speech_queue import Utterance
from tests.kiosk.journey.conftest import Stand

if TYPE_CHECKING:
    from kiosk.journey.persona import Persona


def pdf_text(path: Path) -> str:
    """The words of a printed PDF, one space between each."""
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
                    .decode().split())


def drive(stand: Stand, persona: Persona, until: str, view: ScreenView | None = None) -> ScreenView:
    """Play the persona until the visit shows `until` (the persona's own hands place and take the card)."""
    view = view or stand.visit.view()
    for _ in range(600):
        if view.screen == until:
            return view
        command = persona.next_command(view)
        assert command is not None, f"the visit ended on {view.screen} before {until}"
        if isinstance(command, CardPlaced):
            stand.place()
        elif isinstance(command, CardRemoved):
            stand.take()
        view = stand.visit.handle(command)
    raise AssertionError(f"never reached {until} (on {view.screen} {view.field})")


def past_face(stand: Stand, *, ticks: int = 200) -> ScreenView:
    """Card on the pad, then ticks while the face check runs (at most `ticks`): the first view after it."""
    stand.place()
    view = stand.visit.handle(CardPlaced())
    for _ in range(ticks):
        if view.screen != "face":
            break
        view = stand.visit.handle(Tick())
    return view


def to_services(stand: Stand, *, alone: bool = True) -> ScreenView:
    """Card on the pad, chip read, face checked: the services screen. With `alone`, an offer of a volunteer on the
    way is turned down; without, it fails the test like any other screen."""
    view = past_face(stand)
    # A volunteer is offered before some services; the citizen goes alone.
    if alone and view.screen == "assisted_offer":
        view = stand.visit.handle(Tap("continue_alone"))
    assert view.screen == "services", view.screen
    return view


def start_service(stand: Stand, code: str) -> ScreenView:
    view = stand.visit.handle(Tap(f"service:{code}"))
    if view.screen == "assisted_offer":
        view = stand.visit.handle(Tap("continue_alone"))
    return view


def to_review(stand: Stand) -> ScreenView:
    """The confirmation of the old ID number, answered: purpose, then the phone number typed."""
    to_services(stand)
    start_service(stand, "id_confirmation")
    stand.visit.handle(Tap("choice:bank"))
    stand.visit.handle(Typed("applicant.phone", "0912345678"))
    view = stand.visit.handle(Tap("next"))
    assert view.screen == "review", view.screen
    return view


def texts(view: ScreenView) -> list[str]:
    """Everything a citizen reads or hears on a view."""
    out = [view.title, view.error, *(p.text for p in view.prompts)]
    out += [c.label for c in view.choices] + [c.help for c in view.choices]
    out += [line.label for line in view.lines] + [line.value for line in view.lines]
    if view.input is not None:
        out.append(view.input.error)
    return [t for t in out if t]


def play_every_journey(stand: Stand, language: str, watch: Callable[[ScreenView, list[Utterance]], None]) -> int:
    """The persona through every service offered, then the status look-up and the withdrawal of the first file
    (by its receipt's QR code), in `language`; `watch` sees every view with what the voice was given for it.
    Returns how many views were watched."""
    from kiosk.journey.persona import Persona, play

    visit = stand.visit
    seen = [0]
    receipt = [""]

    class Watching(Persona):
        def next_command(self, view: ScreenView) -> Command | None:
            if view.screen == "done" and visit.receipt_qr and not receipt[0]:
                receipt[0] = visit.receipt_qr
            watch(view, visit.utterances())
            seen[0] += 1
            return super().next_command(view)

    def one(code: str) -> None:
        visit.handle(Tap(f"lang_{language}"))
        play(visit, Watching(code, receipt_qr=receipt[0]), place_card=stand.place, take_card=stand.take)
        watch(visit.view(), visit.utterances())   # the goodbye and the welcome for the next citizen

    for service in visit.offered_services():
        one(service.code)
    assert receipt[0], "a receipt was printed with its QR code"
    for code in ("status_lookup", "withdrawal"):
        one(code)
    return seen[0]

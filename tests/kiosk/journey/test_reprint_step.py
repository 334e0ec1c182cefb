"""The status look-up prints the receipt of a file sent from this kiosk again, for its holder only; a reprint that
fails says why and is remembered for the counter's help slip (kiosk.journey.reprint_step)."""

from __future__ import annotations

from collections.abc import Callable

from devices.printer import PrinterStatus
from kiosk.journey import Tap, Typed
from kiosk.journey.persona import Persona, SpeechTimer, play
from tests.kiosk.journey.conftest import Stand


def quiet() -> SpeechTimer:
    timer = SpeechTimer(normalise=lambda text: text)
    timer.available = False
    return timer


def look_up(stand: Stand, code: str, last4: str) -> None:
    visit = stand.visit
    visit.handle(Tap("status"))
    visit.handle(Typed("file_code", code))
    visit.handle(Tap("next"))
    visit.handle(Typed("id_last4", last4))
    assert visit.handle(Tap("next")).screen == "status"


def test_the_holder_prints_the_receipt_again_from_the_look_up(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    play(stand.visit, Persona("id_confirmation"), place_card=stand.place, take_card=stand.take, speech=quiet())
    code = stand.kiosk.portal_simulator.applications()[0]["dossier_code"]
    before = len(stand.printed())
    look_up(stand, code, "2345")
    assert "reprint" in stand.visit.view().choice_ids()
    view = stand.visit.handle(Tap("reprint"))
    assert len(stand.printed()) == before + 1
    assert view.screen == "status" and any(line.value == view_text(stand, "journey.reprinted") for line in view.lines)


def view_text(stand: Stand, key: str) -> str:
    return stand.kiosk.translate(key, "vi")


def test_no_reprint_for_other_digits_and_a_failed_one_is_remembered(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    play(stand.visit, Persona("id_confirmation"), place_card=stand.place, take_card=stand.take, speech=quiet())
    code = stand.kiosk.portal_simulator.applications()[0]["dossier_code"]
    look_up(stand, code, "1111")
    assert "reprint" not in stand.visit.view().choice_ids()
    stand.visit.handle(Tap("finish"))
    look_up(stand, code, "2345")
    stand.kiosk.printer.simulate(PrinterStatus.OFFLINE)  # type: ignore[attr-defined]
    view = stand.visit.handle(Tap("reprint"))
    assert view.error_key == "printer.not_ready" and "reprint" in view.choice_ids()
    recovery = stand.visit.parts.recovery
    assert recovery is not None and [e.file_code for e in recovery.pending()] == [code]

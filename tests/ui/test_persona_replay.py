"""The scripted persona (kiosk.journey.persona), replayed through the real window, costs what it costs on the
journey core alone: the same screens, taps and typed characters for every service of the catalogue and for the
status look-up and withdrawal. The window run taps the rendered buttons, types on the rendered keyboard, places
the virtual card on the reader and holds the receipt's QR code up to the simulated camera; so bench/journey.py's
table cannot drift from what a citizen meets on the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.bootstrap import DemoSetup, build_kiosk, build_visit
from kiosk.journey.persona import Counts, SpeechTimer, every_journey
from tests.ui.conftest import FIXED_NOW, ui_config
from ui.demo import every_journey_in_window


def silent() -> SpeechTimer:
    timer = SpeechTimer(normalise=lambda text: text)
    timer.available = False
    return timer


def measured(rows: list[Counts]) -> list[tuple[str, int, int, int, list[str]]]:
    return [(r.service, r.screens, r.taps, r.typed_chars, r.path) for r in rows]


def hold_portal_still(kiosk: Any) -> None:
    """The simulated portal moves a file one status on every minute; the window run takes longer than the core run,
    so both look their files up as the portal first answered (a file still waiting can be withdrawn)."""
    kiosk.portal_simulator._server.store.step_s = 1e9


def core_rows(tmp_path: Path, virtual_card: tuple[Any, Any]) -> list[Counts]:
    config = ui_config(tmp_path / "core", hospital={"enabled": True, "queue_db": str(tmp_path / "core-h.db")})
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=FIXED_NOW, seed=6,
                                          card_image=virtual_card[0], card_trust=virtual_card[1]))
    try:
        hold_portal_still(kiosk)
        visit = build_visit(kiosk)
        services = [s.code for s in visit.offered_services()]
        return every_journey(visit, services, place_card=kiosk.insert_virtual_card,
                             take_card=kiosk.remove_virtual_card, speech=silent())
    finally:
        kiosk.close()


def test_the_persona_through_the_window_counts_what_it_counts_on_the_core(make_kiosk: Any, tmp_path: Path,
                                                                          virtual_card: tuple[Any, Any]) -> None:
    expected = core_rows(tmp_path, virtual_card)
    driver = make_kiosk(hospital={"enabled": True, "queue_db": str(tmp_path / "window-h.db")})
    hold_portal_still(driver.kiosk)
    services = [s.code for s in driver.visit.offered_services()]
    rows = every_journey_in_window(driver, services, speech=silent())
    assert [r.service for r in rows] == [*services, "status_lookup", "withdrawal"]
    assert measured(rows) == measured(expected)
    assert sum(r.typed_chars for r in rows) > 0 and all(r.taps > 0 for r in rows)
    # Every journey really went through: the files are at the portal and the withdrawal was answered.
    assert len(driver.kiosk.portal_simulator.applications()) >= len(services) - 2
    assert rows[-1].path[-1] == "withdraw_done"

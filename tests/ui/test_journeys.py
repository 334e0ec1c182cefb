"""Whole citizen journeys, tapped through the real window on simulated devices and the portal simulator.

Each ends with a printed PDF whose QR code is read back (pdftoppm → zxing-cpp) and checked against what the
portal or the hospital queue actually recorded.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from kiosk.journey import Command, ScreenView, Tap
from kiosk.journey.persona import Item, Persona
from kiosk.session.events import SessionState
from tests.ui.helpers import PHONE, payload_of, play, printed, reach_services

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")


def test_id_confirmation_journey_prints_a_receipt_whose_qr_names_the_portal_file(make_kiosk: Any) -> None:
    driver = make_kiosk()
    counts = play(driver, "id_confirmation", {"purpose": "bank", **PHONE})
    assert counts.path[-1] == "done"
    (receipt,) = printed(driver)
    applications = driver.kiosk.portal_simulator.applications()
    assert len(applications) == 1
    payload = payload_of(receipt)
    assert payload.kind == "receipt"
    assert payload.file_code == applications[0]["dossier_code"]
    assert payload.masked_id.endswith("2345")  # the demo card's ID, masked to its last four digits
    assert driver.kiosk.session.state is SessionState.IDLE
    assert not driver.kiosk.session.holds_citizen_data()
    assert driver.window.current.name == "welcome"


def test_hospital_checkin_journey_prints_a_numbered_exam_slip(make_kiosk: Any) -> None:
    driver = make_kiosk(hospital={"enabled": True})
    clinic = driver.kiosk.hospital.specialties.clinics[0]
    play(driver, "hospital_checkin", {"specialty": clinic.code})
    (slip,) = printed(driver)
    payload = payload_of(slip)
    assert payload.kind == "ticket"
    assert payload.file_code.endswith("0001")  # the first number of the day for that clinic


def test_combined_birth_service_journey_types_the_baby_name_with_tone_keys_and_sends_it(make_kiosk: Any) -> None:
    driver = make_kiosk()
    play(driver, "birth_combined", {"child.full_name": "Nguyễn Minh An"})
    applications = driver.kiosk.portal_simulator.applications()
    assert len(applications) == 1
    body = str(applications[0])
    assert "Nguyễn Minh An" in body  # typed letter by letter, the marks with the shape and tone keys
    assert "Bệnh viện Phụ sản Hà Nội" in body
    assert payload_of(printed(driver)[-1]).file_code == applications[0]["dossier_code"]


class TwoPeriods(Persona):
    """A citizen who lived in two places: "add" twice, each period's answers in turn."""

    def __init__(self, history: list[Item]) -> None:
        super().__init__("judicial_record", {"residence_history": history})
        self.history = history
        self.added = 0

    def _group(self, view: ScreenView, key: str, part: str, items: list[Item]) -> Command:
        if not part:
            self.added += 1
            return Tap("add" if self.added <= len(self.history) else "done")
        return self._single(view, self.history[self.added - 1].answers.get(part), view.choice_ids())


def test_judicial_record_journey_fills_a_residence_history_of_two_periods(make_kiosk: Any) -> None:
    from tests.ui.helpers import silent
    from ui.demo import play_in_window

    driver = make_kiosk()
    history = [Item({"from": "032008", "to": "062012", "place": "Ky tuc xa, Thu Duc", "job": "Sinh vien"}),
               Item({"from": "072012", "to": "022026", "place": "Ba Dinh, Ha Noi", "job": "Ke toan"})]
    play_in_window(driver, TwoPeriods(history), speech=silent())
    body = driver.kiosk.portal_simulator.applications()[0]["body"]
    sent = body["form"]["data"]["qua_trinh_cu_tru"]
    assert [(h["from"], h["to"], h["job"]) for h in sent] == [("03/2008", "06/2012", "Sinh vien"),
                                                             ("07/2012", "02/2026", "Ke toan")]


def test_a_kiosk_without_a_hospital_desk_never_offers_check_in(make_kiosk: Any) -> None:
    driver = make_kiosk(hospital={"enabled": False})
    reach_services(driver)
    seen: set[str] = set()
    for _ in range(4):  # every page of the service list, wrapping round to the first
        seen |= {code for code in driver.kiosk.catalogue.codes() if driver.has(f"choice_service:{code}")}
        if not driver.has("choice_more"):
            break
        driver.choose("more")
    assert "hospital_checkin" not in seen
    assert {"id_confirmation", "temporary_residence", "judicial_record"} <= seen

"""A hospital check-in needs a configured hospital and the chip's identity, else it refuses clearly; the emulated reader
takes the virtual card through the kiosk's own methods."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk
from kiosk.config import load_config
from kiosk.hospital.visit import CardNeededError, HospitalVisit
from kiosk.operations import ServiceNotOfferedError

MONDAY = datetime(2026, 3, 2, 9, 0)


def make_kiosk(tmp_path: Path, *, hospital: bool) -> Kiosk:
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"},
                                "hospital": {"enabled": hospital, "queue_db": str(tmp_path / "queue.db")}})
    config = dataclasses.replace(config, portal=dataclasses.replace(config.portal, start_simulator=False))
    return build_kiosk(config, DemoSetup(enabled=True, fast=True, now=MONDAY))


@pytest.fixture
def hospital_kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    kiosk = make_kiosk(tmp_path, hospital=True)
    yield kiosk
    kiosk.close()


def test_a_check_in_on_a_kiosk_without_a_hospital_is_refused_with_a_message(tmp_path: Path) -> None:
    kiosk = make_kiosk(tmp_path, hospital=False)
    try:
        assert kiosk.hospital is None
        spec = kiosk.catalogue.get("hospital_checkin")
        with pytest.raises(ServiceNotOfferedError) as caught:
            kiosk.new_form(spec, None, "en")
        assert kiosk.message_for(caught.value, "en") == kiosk.translate(
            "services.unknown_service", "en", code="hospital_checkin")
        assert "hospital_checkin" in kiosk.message_for(caught.value, "vi")
    finally:
        kiosk.close()


def test_a_visit_without_a_card_read_asks_for_the_card_and_takes_no_number(hospital_kiosk: Kiosk) -> None:
    visit = hospital_kiosk.new_form(hospital_kiosk.catalogue.get("hospital_checkin"), None, "vi")
    assert isinstance(visit, HospitalVisit)
    with pytest.raises(CardNeededError) as caught:
        visit.issue("s1")
    assert hospital_kiosk.message_for(caught.value, "vi") == hospital_kiosk.translate("card.no_card", "vi")
    assert visit.ticket is None and visit.decision is None


def test_no_exam_slip_is_drawn_before_a_number_is_issued(hospital_kiosk: Kiosk) -> None:
    visit = hospital_kiosk.new_form(hospital_kiosk.catalogue.get("hospital_checkin"), None, "vi")
    with pytest.raises(RuntimeError, match="issue"):
        visit.ticket_document(hospital_kiosk.config, "vi")


def test_the_virtual_card_goes_on_and_off_the_emulated_reader(hospital_kiosk: Kiosk) -> None:
    assert not hospital_kiosk.card_reader.card_present()
    hospital_kiosk.insert_virtual_card()
    assert hospital_kiosk.card_reader.card_present()
    hospital_kiosk.remove_virtual_card()
    assert not hospital_kiosk.card_reader.card_present()

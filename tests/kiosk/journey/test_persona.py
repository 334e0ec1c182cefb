"""The persona's counts and the speech measure behind bench/journey.py, and the question rules it relies on."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from kiosk.journey.persona import Counts, Persona, SpeechTimer, every_journey, play
from kiosk.journey.questions import date_typing_error, find_wards, month_typing_error
from tests.kiosk.journey.conftest import Stand


@pytest.mark.parametrize(("typed", "problem"), [
    ("", ""), ("0", ""), ("3", ""), ("4", "forms.date_invalid"), ("31", ""), ("32", "forms.date_invalid"),
    ("001", "forms.date_invalid"), ("011", ""), ("0113", "forms.date_invalid"), ("01122", ""),
    ("011230", "forms.date_invalid"), ("30022024", "forms.date_invalid"), ("29022024", ""), ("14031990", ""),
    ("1403199", ""), ("12a", "forms.date_format"),
])
def test_a_date_is_checked_digit_by_digit_as_it_is_typed(typed: str, problem: str) -> None:
    assert date_typing_error(typed) == problem


def test_a_month_is_checked_as_typed() -> None:
    assert [month_typing_error(t) for t in ("0", "03", "13", "031", "033")] == [
        "", "", "forms.month_format", "", "forms.month_format"]


def test_a_ward_is_found_by_a_few_letters_without_marks_in_the_earlier_province_first() -> None:
    found = find_wards("ngoc ha", (1,))
    assert found and found[0].label.startswith("Phường Ngọc Hà") and found[0].province_code == 1
    assert find_wards("n") == []


def test_the_estimate_is_the_elderly_formula() -> None:
    counts = Counts("x", screens=7, taps=4, typed_chars=10, spoken_s=21.5, face_checks=1)
    assert counts.estimated_s == 8 * 7 + 3 * 4 + 2 * 10 + 21.5 + 15
    assert counts.row() == {"service": "x", "screens": 7, "taps": 4, "typed_chars": 10, "spoken_s": 21.5,
                            "estimated_s": 124.5}


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_spoken_seconds_come_from_espeak_once_per_text() -> None:
    rendered: list[str] = []
    timer = SpeechTimer(normalise=lambda text: rendered.append(text) or text)
    short = timer.seconds("Nhìn vào camera.")
    long = timer.seconds("Đặt thẻ căn cước lên ô đọc thẻ, mặt có ảnh hướng lên, rồi chờ một chút.")
    again = timer.seconds("Nhìn vào camera.")
    assert 0.3 < short < long and again == short
    assert len(timer._cache) == 2


def test_the_persona_counts_what_it_does(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    silent = SpeechTimer(normalise=lambda text: text)
    silent.available = False
    counts = play(stand.visit, Persona("id_confirmation"), place_card=stand.place, take_card=stand.take,
                  speech=silent)
    # welcome, face, services, the purpose (a tap), the phone (typed, then "next"), review, done
    assert counts.path == ["welcome", "face", "services", "question:purpose", "question:applicant.phone", "review",
                           "done"]
    assert (counts.screens, counts.taps, counts.typed_chars, counts.face_checks) == (7, 4, 10, 1)


def test_every_service_and_the_look_ups_are_measured(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    silent = SpeechTimer(normalise=lambda text: text)
    silent.available = False
    services = [s.code for s in stand.visit.offered_services()]
    rows = every_journey(stand.visit, services, place_card=stand.place, take_card=stand.take, speech=silent)
    assert [r.service for r in rows] == [*services, "status_lookup", "withdrawal"]
    by = {r.service: r for r in rows}
    assert by["hospital_checkin"].path[-1] == "done" and by["withdrawal"].path[-1] == "withdraw_done"
    # The file code of the look-up service comes from the receipt's QR code held to the camera: nothing typed.
    assert by["file_status"].path[-1] == "status" and by["file_status"].typed_chars == 0
    assert by["id_confirmation"].taps <= 25 and by["temporary_residence"].taps <= 35
    assert by["birth_combined"].taps <= 100

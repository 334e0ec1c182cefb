"""Hospital check-in through the journey core with the hospital's own system: an appointment booked earlier is
found by the chip's ID number and checked in with one tap; without one the clinic question comes first as before;
the done screen's "people ahead" goes down as the (simulated) clinic calls numbers; with the hospital's system down
the ticket says it is unconfirmed instead of showing a made-up count."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.card.emulator.profile import load_profile, shipped_profiles_folder
from kiosk.hospital.simulated_system import SimulatedHospitalSystem
from kiosk.hospital.system import PatientDetails
from kiosk.journey import CardPlaced, CardRemoved, ScreenView, Tap, Tick
from kiosk.journey.hospital_step import QUEUE_REFRESH_S
from kiosk.journey.persona import Persona, play
from kiosk.session.timer import ManualClock
from tests.kiosk.journey.conftest import MONDAY, Stand

DEMO = load_profile(shipped_profiles_folder() / "demo.toml").person
SERVICE = "hospital_checkin"


class Watching(Persona):
    """The persona, keeping every view it was shown (the done screen is gone once the card is taken)."""

    def __init__(self) -> None:
        super().__init__(SERVICE)
        self.seen: list[ScreenView] = []

    def next_command(self, view: ScreenView) -> Any:
        self.seen.append(view)
        return super().next_command(view)

    def last(self, screen: str, field: str = "") -> ScreenView:
        return [v for v in self.seen if v.screen == screen and (not field or v.field == field)][-1]


def store_of(stand: Stand) -> Any:
    hospital = stand.kiosk.hospital
    assert hospital is not None and isinstance(hospital.system, SimulatedHospitalSystem)
    return hospital.system.store


def book(stand: Stand, clinic: str, name: str, at: datetime) -> str:
    return str(store_of(stand).book(PatientDetails(DEMO.id_number, DEMO.full_name), clinic, name, at))


def to_done(stand: Stand, persona: Persona) -> ScreenView:
    view = stand.visit.view()
    for _ in range(400):
        if view.screen == "done":
            return view
        command = persona.next_command(view)
        assert command is not None and not isinstance(command, CardRemoved), view.screen
        if isinstance(command, CardPlaced):
            stand.place()
        view = stand.visit.handle(command)
    raise AssertionError(f"no done screen (on {view.screen} {view.field})")


def start_checkin(stand: Stand) -> ScreenView:
    """Card on the pad, face checked, the hospital check-in chosen: its first question."""
    stand.place()
    view = stand.visit.handle(CardPlaced())
    while view.screen == "face":
        view = stand.visit.handle(Tick())
    return stand.visit.handle(Tap(f"service:{SERVICE}"))


def values(view: ScreenView) -> dict[str, str]:
    return {line.label: line.value for line in view.lines}


def test_a_booked_appointment_is_the_first_question_and_one_tap_prints_its_ticket(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    booked = book(stand, "TMH", "Khám Tai Mũi Họng", MONDAY.replace(hour=9, minute=30))
    persona = Watching()
    counts = play(stand.visit, persona, place_card=stand.place, take_card=stand.take)
    assert counts.path == ["welcome", "face", "services", "question:appointment", "done"]
    assert counts.taps == 2   # the service, then the appointment: no clinic question, no review
    question = persona.last("question", "appointment")
    answers = [c for c in question.choices if c.kind == "answer"]
    assert [(c.id, c.label) for c in answers] == [
        (f"choice:{booked}", "Khám theo lịch hẹn lúc 09:30, Khám Tai Mũi Họng")]
    assert "other_clinic" in question.choice_ids()
    assert [p.key for p in question.prompts] == ["hospital.appointments_found"]
    done = persona.last("done")
    assert values(done)["Phòng khám"] == "Khám Tai Mũi Họng — P.301"
    printed = stand.printed()
    assert len(printed) == 1 and printed[0].name.startswith("ticket_")
    # The hospital's system has the appointment arrived and an arrived visit for the clinic.
    store = store_of(stand)
    assert store.read("Appointment", booked)["status"] == "arrived"
    assert [e["status"] for e in store.all("Encounter")] == ["arrived"]


def test_without_an_appointment_the_clinic_question_comes_first_as_before(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    book(stand, "MAT", "Khám Mắt", MONDAY.replace(day=3, hour=8))   # tomorrow's is not today's
    counts = play(stand.visit, Persona(SERVICE), place_card=stand.place, take_card=stand.take)
    assert counts.path == ["welcome", "face", "services", "question:specialty", "review", "done"]


def test_another_clinic_leads_to_the_clinic_question_and_back_returns_to_the_appointment(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    booked = book(stand, "TMH", "Khám Tai Mũi Họng", MONDAY.replace(hour=10))
    visit = stand.visit
    view = start_checkin(stand)
    assert view.field == "appointment"
    # The one tap on the appointment is slow (insurance, hospital, printer): the UI shows the progress view.
    pending = visit.pending_view(Tap(f"choice:{booked}"))
    assert pending is not None and pending.screen == "submitting"
    assert visit.pending_view(Tap("other_clinic")) is None
    view = visit.handle(Tap("other_clinic"))
    assert view.field == "specialty"
    assert visit.handle(Tap("back")).field == "appointment"
    view = visit.handle(Tap("other_clinic"))
    view = visit.handle(Tap("choice:NOI"))
    assert view.screen == "review"
    view = visit.handle(Tap("send"))
    assert view.screen == "done" and values(view)["Phòng khám"].startswith("Khám Nội tổng quát")
    assert store_of(stand).read("Appointment", booked)["status"] == "booked"   # not checked in: another clinic


def test_an_appointment_cancelled_meanwhile_is_said_and_the_number_is_taken_for_its_clinic(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    booked = book(stand, "TMH", "Khám Tai Mũi Họng", MONDAY.replace(hour=10))
    visit = stand.visit
    view = start_checkin(stand)
    store = store_of(stand)
    current = store.read("Appointment", booked)
    store.update("Appointment", booked, {**current, "status": "cancelled"}, current["meta"]["versionId"])
    view = visit.handle(Tap(f"choice:{booked}"))
    assert view.screen == "review" and view.error_key == "hospital.appointment_unknown"
    view = visit.handle(Tap("send"))
    assert view.screen == "done" and values(view)["Phòng khám"] == "Khám Tai Mũi Họng — P.301"


def test_people_ahead_goes_down_as_the_clinic_calls_numbers(make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock()
    stand = make_stand(clock=clock)
    for _ in range(2):   # two patients took a number for the same clinic earlier
        play(stand.visit, Persona(SERVICE), place_card=stand.place, take_card=stand.take)
    view = to_done(stand, Persona(SERVICE))
    assert values(view)["Số người chờ trước bạn"] == "2"
    store = store_of(stand)
    assert store.call_next("NOI") == 1
    view = stand.visit.handle(Tick())
    assert values(view)["Số người chờ trước bạn"] == "2", "read again before the refresh interval passed"
    clock.advance(QUEUE_REFRESH_S)
    view = stand.visit.handle(Tick())
    assert values(view)["Số người chờ trước bạn"] == "1"
    assert store.call_next("NOI") == 2
    clock.advance(QUEUE_REFRESH_S)
    view = stand.visit.handle(Tick())
    assert view.screen == "done" and values(view)["Số người chờ trước bạn"] == "0"
    assert not [p for p in view.prompts if p.key == "hospital.ticket_unconfirmed"]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_with_the_hospital_system_down_the_ticket_says_it_is_unconfirmed_and_shows_no_count(
        make_stand: Callable[..., Stand], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/fhir"   # nothing listens there: the hospital's system is down
    stand = make_stand(settings={"hospital": {"enabled": True, "queue_db": str(tmp_path / "down.db"),
                                              "system_backend": "fhir", "system_url": url}})
    persona = Watching()
    view = to_done(stand, persona)
    question = persona.last("question", "specialty")
    notes = [line.value for line in question.lines]
    assert notes == [stand.kiosk.translator.text("hospital.appointments_unavailable")]
    unconfirmed = stand.kiosk.translator.text("hospital.ticket_unconfirmed")
    assert unconfirmed in [line.value for line in view.lines]
    assert "hospital.ticket_unconfirmed" in [p.key for p in view.prompts]
    assert "Số người chờ trước bạn" not in values(view)
    assert values(view)["Số thứ tự"]          # the kiosk still gives its number
    assert len(stand.printed()) == 1

"""Whole visits through the journey core without Qt: card on the pad → card-front QR → chip read → face → service →
questions → review → submit (queue and portal simulator) → receipt printed → done; and the ways a visit ends early."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest

from devices.camera.simulated import SimulatedCamera
from devices.card.access_keys import from_qr
from devices.card.emulator.profile import load_profile, shipped_profiles_folder
from devices.qr.zxing import ZxingQrScanner
from kiosk.bootstrap import card_front_qr
from kiosk.catalogue.loader import load_catalogue
from kiosk.journey import CardPlaced, CardRemoved, Tap, Tick, Typed
from kiosk.journey.persona import Persona, play
from kiosk.session.events import SessionState
from kiosk.session.timer import ManualClock
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import past_face, to_services

SERVICES = [s.code for s in load_catalogue().services if s.kind != "lookup"]


def test_the_demo_camera_shows_the_card_front_whose_qr_opens_the_chip(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    camera = stand.kiosk.camera
    camera.start()
    try:
        codes = ZxingQrScanner().decode(camera.read())
    finally:
        camera.stop()
    expected = card_front_qr(load_profile(shipped_profiles_folder() / "demo.toml"))
    assert [c.text for c in codes] == [expected]
    assert from_qr(codes[0].text)[0].document_number == "190012345"


@pytest.mark.parametrize("code", SERVICES)
def test_every_service_from_the_card_to_a_printed_document(make_stand: Callable[..., Stand], code: str) -> None:
    stand = make_stand()
    counts = play(stand.visit, Persona(code), place_card=stand.place, take_card=stand.take)
    # No typing for the card: the QR code on its front opened the chip, straight to the face check.
    assert counts.path[:3] == ["welcome", "face", "services"]
    assert not any(p.startswith("card_key") for p in counts.path)
    # A file with a fee ends on the payment screen (its receipt, printed first, carries the VietQR code).
    assert counts.path[-2] == "review" and counts.path[-1] in ("done", "payment")
    if counts.path[-1] == "payment":
        assert [p["state"] for p in stand.kiosk.portal_simulator.payments()] == ["pending"]
    printed = stand.printed()
    assert len(printed) == 1 and printed[0].read_bytes().startswith(b"%PDF")
    assert stand.kiosk.session.state is SessionState.IDLE and stand.kiosk.session.identity is None
    if code == "hospital_checkin":
        assert printed[0].name.startswith("ticket_")
    else:
        assert printed[0].name.startswith("receipt_")
        sent = stand.kiosk.portal_simulator.applications()
        assert [a["procedure_code"] for a in sent][-1:] == [stand.kiosk.catalogue.get(code).main.procedure_code]


def test_facts_read_from_the_chip_are_never_asked(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    counts = play(stand.visit, Persona("judicial_record"), place_card=stand.place, take_card=stand.take)
    asked = {p.split(":")[1] for p in counts.path if p.startswith("question:")}
    chip_facts = {f.key for f in stand.kiosk.catalogue.get("judicial_record").all_fields() if f.prefill}
    assert asked and not asked & chip_facts


def test_removing_the_card_mid_visit_wipes_everything(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand, alone=False)
    view = visit.handle(Tap("service:id_confirmation"))
    view = visit.handle(Tap("choice:bank"))
    assert view.field == "applicant.phone"
    visit.handle(Typed("applicant.phone", "0912"))
    form = visit.form
    assert form is not None and form.value("purpose") == "bank"
    stand.take()
    view = visit.handle(CardRemoved())
    assert view.screen == "welcome" and view.notice_key == "journey.notice_card_removed"
    assert visit.form is None and visit.identity is None and form.value("purpose") is None
    assert stand.kiosk.session.identity is None and stand.kiosk.session.state is SessionState.IDLE
    assert stand.printed() == []


def test_inactivity_warns_then_wipes(make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock(1000.0)
    stand = make_stand(clock=clock)
    visit = stand.visit
    to_services(stand, alone=False)
    settings = stand.kiosk.config.session
    clock.advance(settings.inactivity_warning_s + 1)
    view = visit.handle(Tick())
    assert view.warning and "more_time" in view.choice_ids()
    view = visit.handle(Tap("more_time"))
    assert not view.warning and view.screen == "services"
    clock.advance(settings.inactivity_warning_s + 1)
    assert visit.handle(Tick()).warning
    clock.advance(settings.wipe_after_warning_s + 1)
    view = visit.handle(Tick())
    assert view.screen == "welcome" and view.notice_key == "journey.notice_inactivity"
    assert visit.identity is None and stand.kiosk.session.identity is None


def without_card_qr(stand: Stand, *, frames: int) -> None:
    """The camera above the pad sees only grey, and the kiosk looks at `frames` of it for the card-front QR."""
    blank = np.full((480, 640, 3), 128, dtype=np.uint8)
    stand.visit.parts.camera = SimulatedCamera(None, frames=[blank], fps=30)
    stand.visit.parts.qr_frames = frames


def test_without_a_readable_qr_the_key_is_typed_with_dates_on_a_number_pad(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    without_card_qr(stand, frames=3)
    visit = stand.visit
    stand.place()
    view = visit.handle(CardPlaced())
    assert view.screen == "card_key_id" and view.error_key == "journey.card_qr_not_seen"
    assert view.input is not None and view.input.kind == "digits"
    visit.handle(Typed("card_id", "001190012345"))
    view = visit.handle(Tap("next"))
    assert view.screen == "card_key_birth" and view.input is not None and view.input.mask == "dd/mm/yyyy"
    assert visit.handle(Typed("card_birth", "1")).input.error_key == ""  # type: ignore[union-attr]
    assert visit.handle(Typed("card_birth", "14")).input.error_key == ""  # type: ignore[union-attr]
    assert visit.handle(Typed("card_birth", "141")).input.error_key == ""  # type: ignore[union-attr]
    assert visit.handle(Typed("card_birth", "1413")).input.error_key == "forms.date_invalid"  # type: ignore[union-attr]
    visit.handle(Typed("card_birth", "14031990"))
    view = visit.handle(Tap("next"))
    assert view.screen == "card_key_expiry"
    visit.handle(Typed("card_expiry", "14032030"))
    view = visit.handle(Tap("next"))
    assert view.screen == "face"
    assert stand.kiosk.session.identity is not None


def test_a_wrong_typed_key_is_a_card_error_with_a_way_out(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    without_card_qr(stand, frames=2)
    visit = stand.visit
    stand.place()
    visit.handle(CardPlaced())
    for name, text in (("card_id", "001190012345"), ("card_birth", "15031990"), ("card_expiry", "14032030")):
        visit.handle(Typed(name, text))
        view = visit.handle(Tap("next"))
    assert view.screen == "card_error" and view.error_key.startswith("card.")
    assert {"try_again", "card_typed", "help"} <= set(view.choice_ids())
    assert stand.kiosk.session.identity is None


def test_status_look_up_and_withdrawal_by_the_receipt_qr(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    play(visit, Persona("id_confirmation"), place_card=stand.place, take_card=stand.take)
    assert stand.kiosk.session.state is SessionState.IDLE
    sent = stand.kiosk.portal_simulator.applications()
    assert len(sent) == 1
    # The receipt printed by the visit carries the QR code the status screen reads (rebuilt from the queue).
    records = stand.kiosk.submissions.queue.list_records(since=0, limit=10)
    receipt_qr = _receipt_qr(stand, records[0].submission_id)
    counts = play(visit, Persona("withdrawal", receipt_qr=receipt_qr), place_card=stand.place, take_card=stand.take)
    assert counts.path == ["welcome", "status_find", "status", "withdraw_confirm", "withdraw_done"]
    code = sent[0]["dossier_code"]
    after = stand.kiosk.submissions.lookup_status(code, "2345")
    assert after.kind == "found" and after.status not in (1, None)


def _receipt_qr(stand: Stand, submission_id: str) -> str:
    from kiosk.receipts.desk import receipt_from_facts
    from printing.qr_payload import encode
    from printing.receipt import qr_payload_for

    record = stand.kiosk.submissions.record(submission_id)
    data = receipt_from_facts(stand.kiosk.config, record.receipt, submission_id=submission_id,
                              file_code=record.file_code, due_at=record.due_at)
    return encode(qr_payload_for(data))


def test_help_is_reachable_from_a_question_and_prints_a_slip(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand, alone=False)
    visit.handle(Tap("service:id_confirmation"))
    view = visit.handle(Tap("help"))
    # The kiosk's help desk (`[help] backend = "slip"`) prints the slip at once and says so.
    assert view.screen == "help" and view.lines and len(stand.printed()) == 1
    view = visit.handle(Tap("close_help"))
    assert view.screen == "question" and view.field == "purpose"


def answer_id_confirmation(stand: Stand) -> None:
    visit = stand.visit
    to_services(stand, alone=False)
    visit.handle(Tap("service:id_confirmation"))
    visit.handle(Tap("choice:bank"))
    visit.handle(Typed("applicant.phone", "0912345678"))
    view = visit.handle(Tap("next"))
    assert view.screen == "review"
    # The review shows the chip's facts as such, and what is read aloud is what was typed, the fee and the date.
    sources = {line.source for line in view.lines}
    assert {"chip", "answer", "computed"} <= sources
    assert [p.key for p in view.prompts] == ["journey.review_say", "journey.say_line", "journey.say_free",
                                             "journey.say_date"]


def test_a_receipt_that_does_not_print_waits_with_a_retry_and_is_remembered(make_stand: Callable[..., Stand]) -> None:
    from devices.printer import PrinterStatus

    stand = make_stand()
    answer_id_confirmation(stand)
    printer = stand.kiosk.printer
    printer.simulate(PrinterStatus.OUT_OF_PAPER)  # type: ignore[attr-defined]
    view = stand.visit.handle(Tap("send"))
    assert view.screen == "receipt" and view.error_key.startswith("printer.")
    assert {"print_again", "help"} <= set(view.choice_ids())
    recovery = stand.visit.parts.recovery
    assert recovery is not None and len(recovery.pending()) == 1
    printer.simulate(PrinterStatus.READY)  # type: ignore[attr-defined]
    view = stand.visit.handle(Tap("print_again"))
    assert view.screen == "done" and len(stand.printed()) == 1 and recovery.pending() == []
    assert len(stand.kiosk.portal_simulator.applications()) == 1  # printed twice, sent once


def test_with_the_portal_down_the_file_is_saved_and_the_receipt_says_so(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    stand.kiosk.portal_simulator.set_faults("outage:on")
    answer_id_confirmation(stand)
    view = stand.visit.handle(Tap("send"))
    assert view.screen == "done"
    assert view.prompts[0].key == "journey.queued_say"
    assert stand.kiosk.session.route == "queued"
    assert len(stand.printed()) == 1 and stand.kiosk.portal_simulator.applications() == []


def test_a_face_that_does_not_match_stops_the_visit_before_any_service(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(face="impostor")
    stand.place()
    view = stand.visit.handle(CardPlaced())
    for _ in range(200):
        if view.screen != "face":
            break
        view = stand.visit.handle(Tick())
    assert view.screen == "face_failed" and view.error_key == "journey.face_no_match"
    assert "staff_vouch" not in view.choice_ids()  # only an assisting volunteer may vouch
    assert stand.visit.handle(Tap("service:id_confirmation")).screen == "face_failed"
    assert stand.kiosk.session.state is SessionState.VERIFY_FACE


def test_a_usual_answer_is_not_asked_but_can_be_changed_from_the_review(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    answer_id_confirmation(stand)
    visit = stand.visit
    copies = next(line for line in visit.view().lines if line.edit == "edit:copies")
    assert (copies.value, copies.source) == ("1", "default")
    view = visit.handle(Tap("edit:copies"))
    assert view.screen == "question" and view.field == "copies"
    assert [c.id for c in view.choices if c.kind == "answer"] == [f"choice:{n}" for n in range(1, 6)]
    view = visit.handle(Tap("choice:2"))
    assert view.screen == "review"
    copies = next(line for line in view.lines if line.edit == "edit:copies")
    assert (copies.value, copies.source) == ("2", "answer")
    assert stand.kiosk.session.state is SessionState.REVIEW
    view = visit.handle(Tap("send"))
    assert view.screen == "done"
    assert "\"so_ban\": 2" in json.dumps(stand.kiosk.portal_simulator.applications()[0]["body"])


def test_back_goes_one_question_back_then_to_the_services_dropping_the_form(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand, alone=False)
    visit.handle(Tap("service:id_confirmation"))
    view = visit.handle(Tap("choice:land"))
    assert view.field == "applicant.phone"
    view = visit.handle(Tap("back"))
    assert view.field == "purpose"
    view = visit.handle(Tap("back"))
    assert view.screen == "services" and visit.form is None
    assert stand.kiosk.session.state is SessionState.CHOOSE_SERVICE and stand.kiosk.session.identity is not None


def test_the_language_changes_on_any_screen_without_changing_the_step(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand, alone=False)
    view = visit.handle(Tap("service:id_confirmation"))
    assert view.language == "vi" and view.title == "Mục đích"
    view = visit.handle(Tap("lang_en"))
    assert view.language == "en" and view.field == "purpose" and view.title == "Purpose"
    assert "Bank" in [c.label for c in view.choices]


def test_an_assisting_volunteer_signs_in_from_help_and_vouches_for_the_face(make_stand: Callable[..., Stand]) -> None:
    from tests.kiosk.journey.conftest import VOLUNTEER_PIN

    stand = make_stand(face="no_face")
    visit = stand.visit
    view = past_face(stand, ticks=400)
    assert view.screen == "face_failed" and "staff_vouch" not in view.choice_ids()
    view = visit.handle(Tap("help"))
    view = visit.handle(Tap("volunteer_sign_in"))
    assert view.screen == "volunteer_pin" and view.input is not None and view.input.kind == "pin"
    visit.handle(Typed("pin", "000000"))
    view = visit.handle(Tap("next"))
    assert view.screen == "volunteer_pin" and view.error_key == "staff.wrong_pin"
    visit.handle(Typed("pin", VOLUNTEER_PIN))
    view = visit.handle(Tap("next"))
    assert view.screen == "face_failed" and view.helper == "TNV-07" and "staff_vouch" in view.choice_ids()
    assert view.input is None or view.input.text == ""
    view = visit.handle(Tap("staff_vouch"))
    assert view.screen == "services" and view.helper == "TNV-07"
    stand.take()
    view = visit.handle(CardRemoved())
    assert view.screen == "welcome" and view.helper == ""


def test_frames_from_the_ui_preview_drive_the_face_check_and_slow_commands_have_a_progress_view(
        make_stand: Callable[..., Stand]) -> None:
    from kiosk.journey import CameraResult

    stand = make_stand()
    visit = stand.visit
    pending = visit.pending_view(CardPlaced())
    assert pending is not None and pending.pending and pending.screen == "card_reading"
    assert visit.pending_view(Tap("send")) is not None and visit.pending_view(Tap("next")) is None
    stand.place()
    view = visit.handle(CardPlaced())
    assert view.screen == "face" and view.camera
    frame = np.full((480, 640, 3), 120, dtype=np.uint8)
    for _ in range(200):
        if view.screen != "face":
            break
        view = visit.handle(CameraResult(frame))
    assert view.screen == "services" and stand.kiosk.session.state is SessionState.CHOOSE_SERVICE

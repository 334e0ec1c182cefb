"""Withdrawal only by the file's holder (the chip card read again) or a volunteer, with a reason and a
confirmation saying what happens, within the service's own withdrawable statuses; the new status is shown and
said; a file still queued offline can be withdrawn the same way."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.journey import CardPlaced, QrRead, ScreenView, Tap, Typed
from kiosk.journey.persona import Persona, play
from tests.kiosk.journey.conftest import VOLUNTEER_PIN, Stand


def send_one(stand: Stand) -> str:
    """Confirmation of the old ID number sent by the persona; the QR code of its receipt."""
    qr = [""]
    visit = stand.visit

    class Keeping(Persona):
        def next_command(self, view: ScreenView):  # type: ignore[no-untyped-def]
            if view.screen == "done" and visit.receipt_qr:
                qr[0] = visit.receipt_qr
            return super().next_command(view)

    play(visit, Keeping("id_confirmation"), place_card=stand.place, take_card=stand.take)
    assert qr[0]
    return qr[0]


def to_confirm(stand: Stand, receipt_qr: str) -> ScreenView:
    visit = stand.visit
    visit.handle(Tap("status"))
    view = visit.handle(QrRead(receipt_qr))
    assert view.screen == "status" and "withdraw" in view.choice_ids()
    return visit.handle(Tap("withdraw"))


def test_withdrawal_needs_a_reason_and_the_holders_card(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    receipt_qr = send_one(stand)
    code = stand.kiosk.portal_simulator.applications()[0]["dossier_code"]
    view = to_confirm(stand, receipt_qr)
    assert view.screen == "withdraw_confirm"
    said = " ".join(p.text for p in view.prompts)
    assert "rút ngay" in said                              # what happens, in words
    assert "withdraw_yes" not in view.choice_ids()
    reasons = [c.id for c in view.choices if c.id.startswith("reason:")]
    assert reasons == ["reason:wrong_file", "reason:resubmit", "reason:not_needed", "reason:other"]
    view = stand.visit.handle(Tap("withdraw_yes"))          # not offered: nothing happens
    assert view.screen == "withdraw_confirm"
    view = stand.visit.handle(Tap("reason:resubmit"))
    assert [c.state for c in view.choices if c.id == "reason:resubmit"] == ["ok"]
    assert "withdraw_yes" not in view.choice_ids() and "thẻ căn cước" in view.prompts[0].text
    assert stand.kiosk.submissions.lookup_status(code, "2345").status == 1
    stand.place()
    view = stand.visit.handle(CardPlaced())                 # read as at the start: the same ID number
    assert view.screen == "withdraw_confirm" and not view.error_key
    assert {c.id: c.kind for c in view.choices}["withdraw_yes"] == "danger"
    assert stand.kiosk.session.identity is None            # compared, not kept
    view = stand.visit.handle(Tap("withdraw_yes"))
    assert view.screen == "withdraw_done"
    assert stand.kiosk.portal_simulator.withdraw_reason(code) == "resubmit"
    after = stand.kiosk.submissions.lookup_status(code, "2345")
    assert after.status == 8
    status_text = stand.visit.parts.translator.catalogue[after.message_key]["vi"]
    assert any(line.value == status_text for line in view.lines)           # the new status shown
    assert any(status_text in p.text for p in view.prompts)                # and said


def test_a_signed_in_volunteer_stands_in_for_the_card(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    receipt_qr = send_one(stand)
    visit = stand.visit
    to_confirm(stand, receipt_qr)
    visit.handle(Tap("reason:other"))
    visit.handle(Tap("help"))
    visit.handle(Tap("volunteer_sign_in"))
    visit.handle(Typed("pin", VOLUNTEER_PIN))
    view = visit.handle(Tap("next"))
    assert view.screen == "withdraw_confirm" and "withdraw_yes" in view.choice_ids()


def test_only_the_services_own_statuses_allow_it(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    receipt_qr = send_one(stand)
    code = stand.kiosk.portal_simulator.applications()[0]["dossier_code"]
    for _ in range(40):                      # the simulated officer accepts the file (status 2) after a while
        if stand.kiosk.submissions.lookup_status(code, "2345").status != 1:
            break
        stand.kiosk.portal_simulator.advance_clock(600)
    status = stand.kiosk.submissions.lookup_status(code, "2345").status
    assert status is not None and status != 1
    assert stand.visit.parts.catalogue.get("id_confirmation").withdraw_statuses == (1,)
    stand.visit.handle(Tap("status"))
    view = stand.visit.handle(QrRead(receipt_qr))
    assert view.screen == "status" and "withdraw" not in view.choice_ids()


def test_a_file_still_queued_offline_is_withdrawn_from_the_screen(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    stand.kiosk.portal_simulator.set_faults("outage:on")
    receipt_qr = send_one(stand)
    assert stand.kiosk.portal_simulator.applications() == []
    view = to_confirm(stand, receipt_qr)
    assert "không gửi nữa" in " ".join(p.text for p in view.prompts)
    stand.visit.handle(Tap("reason:wrong_file"))
    stand.place()
    stand.visit.handle(CardPlaced())
    view = stand.visit.handle(Tap("withdraw_yes"))
    assert view.screen == "withdraw_done"
    # The queue's own rules: never sent → cancelled; maybe sent (the portal did not answer) → recorded, and
    # settled with the portal later. Either way it is never sent as new, and the screen says which.
    records = stand.kiosk.submissions.queue.list_records(since=0, limit=10)
    expected = {"withdrawn": "queue.withdrawn_locally", "withdrawing": "queue.withdrawal_pending"}
    assert view.prompts[0].key == expected[records[0].state.value]
    assert view.lines[0].value == stand.visit.parts.translator.catalogue[view.prompts[0].key]["vi"]

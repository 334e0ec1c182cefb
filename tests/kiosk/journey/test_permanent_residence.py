"""Permanent residence registration (CT01) through the journey core: the four cases and their papers, the
floor-area rule, and the owner's consent given by placing their own ID card (a card swap that never replaces the
applicant's identity)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, timedelta
from typing import Any

import pytest

from kiosk.bootstrap import card_front_qr
from kiosk.journey import CardPlaced, CardRemoved, QrRead, ScreenView, Tap, Tick
from kiosk.journey.persona import Persona, PersonaStuckError, play
from kiosk.session.events import SessionState
from tests.kiosk.journey.conftest import MONDAY, Stand

OWNER_ID = "001060054321"


@pytest.fixture(scope="module")
def cards() -> dict[str, Any]:
    """The applicant's card (the demo profile) and the home owner's, from one test issuer the kiosk trusts."""
    from devices.card.emulator.issuer import TestIssuer
    from devices.card.emulator.personalise import personalise
    from devices.card.emulator.profile import load_profile, shipped_profiles_folder
    from devices.card.trust.trust_store import TrustStore

    issuer = TestIssuer.generate(dsc_not_before=MONDAY.replace(tzinfo=UTC) - timedelta(days=1))
    applicant = load_profile(shipped_profiles_folder() / "demo.toml")
    owner = dataclasses.replace(applicant, name="owner", person=dataclasses.replace(
        applicant.person, id_number=OWNER_ID, full_name="Trần Văn Chủ", date_of_birth=date(1960, 5, 4), sex="M",
        date_of_expiry=None, old_id_number="", spouse_name=""))   # issued at 61: the card never expires, as the
    return {"applicant": personalise(applicant, issuer), "owner": personalise(owner, issuer),  # QR's key assumes
            "trust": TrustStore.from_certificates([issuer.csca_der]), "owner_qr": card_front_qr(owner),
            "applicant_qr": card_front_qr(applicant)}


@pytest.fixture
def virtual_card(cards: dict[str, Any]) -> tuple[Any, Any]:
    return cards["applicant"], cards["trust"]


def test_a_rented_home_with_the_owners_signed_consent(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    counts = play(stand.visit, Persona("permanent_residence"), place_card=stand.place, take_card=stand.take)
    assert "review" in counts.path and stand.visit.screen == "welcome"
    assert {"question:proof.rental_scan", "question:rental.floor_area", "question:proof.consent_scan"} <= \
        set(counts.path)
    sent = stand.kiosk.portal_simulator.applications()[-1]["body"]
    assert sent["procedure_code"] == "1.004222" and "linked_procedures" not in sent
    data = sent["form"]["data"]
    assert data["truong_hop"] == "rented" and data["dien_tich_san_m2"] == 30 and data["so_nguoi_o"] == 2
    assert sorted(a["component_code"] for a in sent["attachments"]) == ["HOP_DONG_THUE_NHA", "VB_DONG_Y_CHO_O"]
    assert len(stand.printed()) == 1


def test_too_small_a_home_for_the_people_is_refused_on_the_question(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    with pytest.raises(PersonaStuckError, match=r"forms\.per_person_min"):
        play(stand.visit, Persona("permanent_residence", {"rental.people": "4", "rental.floor_area": "30"}),
             place_card=stand.place, take_card=stand.take)
    assert stand.visit.screen == "question" and stand.visit.view().field == "rental.floor_area"


def to_owner_card(stand: Stand) -> ScreenView:
    """A relative's home, consent by the owner's card: up to the card swap."""
    answers = {"case": "relative", "consent.method": "card", "owner.relation": "parent"}
    persona = Persona("permanent_residence", answers)
    visit = stand.visit
    stand.place()
    view = visit.view()
    for _ in range(300):
        if view.screen == "owner_card":
            return view
        command = persona.next_command(view)
        assert command is not None
        view = visit.handle(command)
    raise AssertionError("never reached the owner's card")


def applicant_card_off(stand: Stand) -> None:
    """Up to the card swap, then the applicant's card lifted off the pad."""
    to_owner_card(stand)
    stand.take()
    stand.visit.handle(CardRemoved())


def owner_card_read(stand: Stand, cards: dict[str, Any]) -> ScreenView:
    """The swap done: the owner's card on the pad, its front's QR code seen."""
    applicant_card_off(stand)
    stand.kiosk.card_reader.insert(cards["owner"])
    return stand.visit.handle(QrRead(cards["owner_qr"]))


def test_the_owner_places_their_card_and_agrees(make_stand: Callable[..., Stand], cards: dict[str, Any]) -> None:
    stand = make_stand()
    visit = stand.visit
    view = to_owner_card(stand)
    assert view.field == "owner.consent" and "use_paper" in view.choice_ids()
    stand.take()
    view = visit.handle(CardRemoved())                 # the applicant's card off: expected, nothing is wiped
    assert view.screen == "owner_card" and stand.kiosk.session.identity is not None
    stand.kiosk.card_reader.insert(cards["owner"])
    view = visit.handle(CardPlaced())                  # the camera still shows the applicant's card: not taken
    assert view.error_key == "owner.card_qr_not_seen" and "try_again" in view.choice_ids()
    view = visit.handle(QrRead(cards["owner_qr"]))     # the owner's card front held to the camera
    assert view.title_key == "owner.owner_consent"
    assert view.lines[0].value == "Trần Văn Chủ" and view.lines[0].source == "chip"
    view = visit.handle(Tap("consent_yes"))
    assert view.title_key == "owner.swap_back"
    stand.take()
    view = visit.handle(CardRemoved())
    assert view.title_key == "owner.applicant_wait"
    stand.place()
    view = visit.handle(CardPlaced())
    assert view.screen in ("question", "review")
    # The applicant's identity was never replaced; only the owner's ID number, name and consent are kept.
    identity = stand.kiosk.session.identity
    assert identity is not None and identity.id_number == "001190012345"
    form = visit.form
    assert form is not None
    assert form.value("owner.consent") == {"id_number": OWNER_ID, "full_name": "Trần Văn Chủ", "consent": True,
                                           "method": "chip"}
    for _ in range(100):
        if view.screen == "review":
            break
        command = Persona("permanent_residence", {"case": "relative"}).next_command(view)
        assert command is not None
        view = visit.handle(command)
    assert view.screen == "review"
    visit.handle(Tap("send"))
    sent = stand.kiosk.portal_simulator.applications()[-1]["body"]
    assert sent["form"]["data"]["chu_so_huu_dong_y"] == {"id_number": OWNER_ID, "full_name": "Trần Văn Chủ",
                                                          "consent": True, "method": "chip"}
    assert sent["applicant"]["id_number"] == "001190012345"
    assert "VB_DONG_Y_CHO_O" not in [a["component_code"] for a in sent["attachments"]]


def test_the_applicants_own_card_is_not_the_owners_consent(make_stand: Callable[..., Stand],
                                                           cards: dict[str, Any]) -> None:
    stand = make_stand()
    visit = stand.visit
    applicant_card_off(stand)
    stand.place()
    view = visit.handle(QrRead(cards["applicant_qr"]))
    assert view.error_key == "owner.own_card" and view.title_key == "owner.owner_wait"


def test_only_the_applicants_card_ends_the_swap(make_stand: Callable[..., Stand], cards: dict[str, Any]) -> None:
    stand = make_stand()
    visit = stand.visit
    owner_card_read(stand, cards)
    assert visit.handle(Tap("consent_yes")).title_key == "owner.swap_back"
    stand.take()
    visit.handle(CardRemoved())                        # the owner lifts the card …
    stand.kiosk.card_reader.insert(cards["owner"])
    view = visit.handle(QrRead(cards["owner_qr"]))     # … and puts it back instead of the applicant's
    assert view.error_key == "owner.not_applicant" and view.title_key == "owner.applicant_wait"
    assert visit.form is not None and visit.form.value("owner.consent") is None


def test_an_owner_who_does_not_agree_sends_the_citizen_back_to_the_choice(make_stand: Callable[..., Stand],
                                                                        cards: dict[str, Any]) -> None:
    stand = make_stand()
    visit = stand.visit
    owner_card_read(stand, cards)
    visit.handle(Tap("consent_no"))
    stand.take()
    visit.handle(CardRemoved())
    stand.place()
    view = visit.handle(CardPlaced())
    assert view.screen == "question" and view.field == "consent.method" and view.error_key == "owner.declined"
    assert visit.form is not None and visit.form.value("owner.consent") is None


def test_the_signed_paper_can_replace_the_card_before_the_swap(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    to_owner_card(stand)
    view = stand.visit.handle(Tap("use_paper"))
    assert view.screen == "question" and view.field == "proof.consent_scan"


def test_an_abandoned_swap_is_wiped_by_inactivity(make_stand: Callable[..., Stand]) -> None:
    from kiosk.session.timer import ManualClock

    clock = ManualClock(1000.0)
    stand = make_stand(clock=clock)
    to_owner_card(stand)
    stand.take()
    stand.visit.handle(CardRemoved())
    assert stand.kiosk.session.identity is not None
    settings = stand.kiosk.config.session
    clock.advance(settings.inactivity_warning_s + 1)
    assert stand.visit.handle(Tick()).warning
    clock.advance(settings.wipe_after_warning_s + 1)
    stand.visit.handle(Tick())
    assert stand.kiosk.session.state is SessionState.IDLE and stand.kiosk.session.identity is None
    assert stand.visit.screen == "welcome"

"""Another person's card, however genuine, does not open the withdrawal of a file."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, timedelta
from typing import Any

import pytest

from kiosk.bootstrap import card_front_qr
from kiosk.journey import QrRead, Tap
from tests.kiosk.journey.conftest import MONDAY, Stand
from tests.kiosk.journey.test_ux_withdraw import send_one, to_confirm

NEIGHBOUR_ID = "001060067890"   # province 001, a man born in 1960


@pytest.fixture(scope="module")
def cards() -> dict[str, Any]:
    """The applicant's card (the demo profile) and a neighbour's, from one test issuer the kiosk trusts."""
    from devices.card.emulator.issuer import TestIssuer
    from devices.card.emulator.personalise import personalise
    from devices.card.emulator.profile import load_profile, shipped_profiles_folder
    from devices.card.trust.trust_store import TrustStore

    issuer = TestIssuer.generate(dsc_not_before=MONDAY.replace(tzinfo=UTC) - timedelta(days=1))
    applicant = load_profile(shipped_profiles_folder() / "demo.toml")
    neighbour = dataclasses.replace(applicant, name="neighbour", person=dataclasses.replace(
        applicant.person, id_number=NEIGHBOUR_ID, full_name="Phạm Văn Hàng Xóm", date_of_birth=date(1960, 5, 4),
        sex="M", date_of_expiry=None, old_id_number="", spouse_name=""))
    # issued after 60, the card never expires, as the key the kiosk derives from its QR code assumes
    return {"applicant": personalise(applicant, issuer), "neighbour": personalise(neighbour, issuer),
            "trust": TrustStore.from_certificates([issuer.csca_der]), "neighbour_qr": card_front_qr(neighbour)}


@pytest.fixture
def virtual_card(cards: dict[str, Any]) -> tuple[Any, Any]:
    return cards["applicant"], cards["trust"]


def test_a_genuine_card_of_someone_else_is_refused(make_stand: Callable[..., Stand], cards: dict[str, Any]) -> None:
    stand = make_stand()
    receipt_qr = send_one(stand)
    code = stand.kiosk.portal_simulator.applications()[0]["dossier_code"]
    to_confirm(stand, receipt_qr)
    stand.visit.handle(Tap("reason:not_needed"))
    stand.kiosk.card_reader.insert(cards["neighbour"])   # type: ignore[attr-defined]
    view = stand.visit.handle(QrRead(cards["neighbour_qr"]))
    assert view.screen == "withdraw_confirm" and view.error_key == "journey.withdraw_not_holder"
    assert "withdraw_yes" not in view.choice_ids()
    assert view.prompts[0].key == "journey.withdraw_not_holder"
    assert stand.kiosk.session.identity is None                       # the neighbour's data is not kept
    stand.visit.handle(Tap("withdraw_yes"))
    assert stand.kiosk.submissions.lookup_status(code, "2345").status == 1

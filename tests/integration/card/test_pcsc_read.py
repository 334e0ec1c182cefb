"""End to end over real PC/SC: pcscd + vpcd + the emulated CCCD, read by `kiosk card read` as a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.card.emulator.personalise import TestIssuer
from devices.card.emulator.profile import shipped_profiles_folder
from kiosk.i18n import Translator
from tests.integration.card.conftest import CardRig

pytestmark = pytest.mark.integration

DEMO = ("--id-number", "001190012345", "--birth", "900314", "--expiry", "300314")
NO_EXPIRY_QR = ("036158007890|162345678|Phạm Thị Hoà|20051958|Nữ|"
                "Thôn Trung, Xã Hải Anh, Huyện Hải Hậu, Nam Định|10092021")


def test_full_read_is_genuine_and_complete(card: CardRig, tmp_path: Path) -> None:
    card.insert("demo")
    photo = tmp_path / "face.jpg"
    code, payload, _ = card.read(*DEMO, "--trust-store", str(card.trust_store), "--photo-out", str(photo))
    assert code == 0
    assert payload is not None
    assert payload["id_number"] == "001190012345"
    assert payload["document_number"] == "190012345"
    assert payload["date_of_birth"] == "1990-03-14"
    assert payload["sex"] == "F"
    assert payload["date_of_expiry"] == "2030-03-14"
    assert len(payload["mrz"]) == 3
    assert payload["security"] == {"access": "PACE", "passive_auth": "genuine", "tampered_groups": [],
                                   "active_auth": "passed", "chip_auth": "passed", "consistency": [],
                                   "passive_auth_reason": ""}
    assert payload["photo"]["bytes"] == photo.stat().st_size
    assert photo.read_bytes()[:2] == b"\xff\xd8"
    assert payload["apdu_count"] < 30


def test_wrong_key_is_refused_and_nothing_else_is_read(card: CardRig) -> None:
    emulator = card.insert("demo")
    code, payload, err = card.read("--id-number", "001190012345", "--birth", "900314", "--expiry", "310314")
    assert code == 4
    assert payload is None
    assert Translator(language="vi").text("card.access_denied") in err  # the wrong-key message, not a read failure
    log = emulator.stop()
    served = int(log.rsplit("sau ", 1)[1].split()[0])
    assert served <= 6  # EF.CardAccess + MSE:SET AT + four GENERAL AUTHENTICATE, no file reads


def test_card_removed_mid_read_exits_6_without_hanging(card: CardRig) -> None:
    card.insert("demo", "--remove-after", "9")
    code, payload, err = card.read(*DEMO, "--lang", "en")
    assert code == 6
    assert payload is None
    assert "place the card again" in err


def test_dg13_edited_after_signing_is_named(card: CardRig) -> None:
    card.insert("demo", "--tamper-dg", "13")
    code, payload, err = card.read(*DEMO, "--trust-store", str(card.trust_store), "--lang", "en")
    assert code == 5
    assert payload is not None
    assert payload["security"]["passive_auth"] == "tampered"
    assert payload["security"]["tampered_groups"] == [13]
    assert "full_name" not in payload
    assert "DG13" in err


def test_card_signed_by_an_untrusted_csca_is_untrusted(card: CardRig, tmp_path: Path) -> None:
    TestIssuer.generate().write_trust_store(tmp_path / "other")
    card.insert("demo")
    code, payload, _ = card.read(*DEMO, "--trust-store", str(tmp_path / "other"))
    assert code == 5
    assert payload is not None
    assert payload["security"]["passive_auth"] == "untrusted"


def test_card_without_expiry_opens_from_the_qr_code(card: CardRig) -> None:
    card.insert("no_expiry")
    code, payload, _ = card.read("--qr", NO_EXPIRY_QR, "--trust-store", str(card.trust_store))
    assert code == 0
    assert payload is not None
    assert payload["date_of_expiry"] is None
    assert payload["security"]["access"] == "PACE"


def test_bac_only_short_length_card_reads_with_the_mrz(card: CardRig) -> None:
    card.insert("bac_only")
    mrz = "IDVNM0920043211079092004321<<<9211029M3211027VNM<<<<<<<<<<<1TRAN<<VAN<BINH<<<<<<<<<<<<<<<<"
    code, payload, err = card.read("--mrz", mrz)
    assert code == 0, err
    assert payload is not None
    assert payload["security"]["access"] == "BAC"
    assert payload["security"]["passive_auth"] == "unchecked"
    assert payload["photo"]["format"] == "jpeg2000"


def test_no_card_on_the_reader_exits_3(card: CardRig) -> None:
    code, payload, err = card.read(*DEMO, "--lang", "en")
    assert code == 3
    assert payload is None
    assert "place your ID card" in err


def test_genuine_card_with_inconsistent_id_number_is_held_for_staff(card: CardRig, tmp_path: Path) -> None:
    shipped = shipped_profiles_folder()
    text = (shipped / "demo.toml").read_text(encoding="utf-8")
    # Digit 4 = 3 claims a birth in the 2000s; the card says 1990. The issuer signed it all the same.
    text = text.replace('id_number = "001190012345"', 'id_number = "001390012345"')
    text = text.replace('photo = "portrait.jpg"', f'photo = "{shipped / "portrait.jpg"}"')
    profile = tmp_path / "inconsistent.toml"
    profile.write_text(text, encoding="utf-8")
    card.insert(profile)
    code, payload, err = card.read("--id-number", "001390012345", "--birth", "900314", "--expiry", "300314",
                                   "--trust-store", str(card.trust_store), "--lang", "en")
    assert code == 5
    assert payload is not None
    assert payload["security"]["passive_auth"] == "genuine"
    assert payload["security"]["consistency"] == ["id_number_century_digit"]
    assert "id_number" not in payload and "full_name" not in payload
    assert "staff member to check" in err

"""Awkward and faulty chips over real PC/SC (pcscd + vpcd + the emulated CCCD), read by `kiosk card read`:
extended length only when proven (either order of a chip's checks), what the citizen is told when PACE or secure
messaging fails, and an out-of-date CRL in the trust folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devices.card.emulator.personalise import TestIssuer
from devices.card.emulator.profile import shipped_profiles_folder
from tests.integration.card.conftest import CardRig

pytestmark = pytest.mark.integration

DEMO = ("--id-number", "001190012345", "--birth", "900314", "--expiry", "300314")
BAC_MRZ = "IDVNM0920043211079092004321<<<9211029M3211027VNM<<<<<<<<<<<1TRAN<<VAN<BINH<<<<<<<<<<<<<<<<"


def _profile(tmp_path: Path, base: str, **options: object) -> Path:
    """A shipped profile with more [card] options (the [card] table comes last in every shipped profile)."""
    shipped = shipped_profiles_folder()
    text = (shipped / f"{base}.toml").read_text(encoding="utf-8")
    text = text.replace('photo = "portrait.jpg"', f'photo = "{shipped / "portrait.jpg"}"')
    for key, value in options.items():
        if key in ("extended_length", "pace_curve"):
            text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{key} ="))
        rendered = str(value).lower() if isinstance(value, bool) else value if isinstance(value, int) else f'"{value}"'
        text += f"\n{key} = {rendered}"
    path = tmp_path / f"{base}-{len(list(tmp_path.iterdir()))}.toml"
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("order", ["after_access", "first"])
def test_a_short_only_chip_with_a_silent_atr_reads_in_either_order_of_checks(card: CardRig, tmp_path: Path,
                                                                             order: str) -> None:
    card.insert(_profile(tmp_path, "bac_only", length_info="none", length_check=order))
    code, payload, err = card.read("--mrz", BAC_MRZ, "--lang", "en")
    assert code == 0, err
    assert payload is not None and payload["security"]["access"] == "BAC"
    assert payload["photo"]["format"] == "jpeg2000"


def test_a_pace_chip_announcing_in_ef_atr_info_reads(card: CardRig, tmp_path: Path) -> None:
    card.insert(_profile(tmp_path, "demo", length_info="ef_atr_info", length_check="after_access"))
    code, payload, err = card.read(*DEMO, "--trust-store", str(card.trust_store), "--lang", "en")
    assert code == 0, err
    assert payload is not None and payload["security"]["passive_auth"] == "genuine"


@pytest.mark.parametrize("refusal", ["wrong_length", "session_lost"])
def test_a_chip_claiming_extended_length_it_refuses_is_read_short(card: CardRig, tmp_path: Path,
                                                                 refusal: str) -> None:
    card.insert(_profile(tmp_path, "demo", extended_length=False, length_claim=True, extended_refusal=refusal))
    code, payload, err = card.read(*DEMO, "--trust-store", str(card.trust_store), "--lang", "en")
    assert code == 0, err
    assert payload is not None
    assert payload["security"]["access"] == "PACE"
    assert payload["security"]["chip_auth"] == "passed" and payload["security"]["active_auth"] == "passed"
    assert "short APDUs" in err


@pytest.mark.parametrize("fault", ["wrong_token", "off_curve_point"])
def test_a_chip_failing_its_side_of_pace_exits_5(card: CardRig, tmp_path: Path, fault: str) -> None:
    card.insert(_profile(tmp_path, "demo", pace_fault=fault))
    code, payload, err = card.read(*DEMO, "--lang", "en")
    assert code == 5
    assert payload is None
    assert "could not prove it is genuine" in err


def test_a_broken_secure_messaging_link_is_not_a_removal(card: CardRig, tmp_path: Path) -> None:
    card.insert(_profile(tmp_path, "demo", extended_length=False, bad_mac_after=2))
    code, payload, err = card.read(*DEMO, "--lang", "en")
    assert code == 1
    assert payload is None
    assert "secure link to the chip broke" in err
    assert "left the reader" not in err


def test_an_expired_crl_leaves_the_read_unchecked(card: CardRig, tmp_path: Path) -> None:
    card.insert("demo")
    issuer = TestIssuer.load(card.issuer_dir)
    trust = tmp_path / "trust"
    issuer.write_trust_store(trust)
    now = datetime.now(UTC)
    (trust / "csca.crl").write_bytes(issuer.crl(this_update=now - timedelta(days=40),
                                                next_update=now - timedelta(days=1, hours=1)))
    code, payload, err = card.read(*DEMO, "--trust-store", str(trust), "--lang", "en")
    assert code == 0, err
    assert payload is not None
    assert payload["security"]["passive_auth"] == "unchecked"
    assert payload["security"]["passive_auth_reason"] == "crl_expired"

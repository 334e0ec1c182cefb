"""A genuine, correctly signed chip whose own data disagrees is read, reported, and held for a staff check."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devices.card.access_keys import from_details
from devices.card.emulator.inprocess import inprocess_transport
from devices.card.emulator.personalise import CardImage, TestIssuer, load_profile, personalise
from devices.card.emulator.profile import shipped_profiles_folder
from devices.card.errors import AuthenticityError, StaffCheckNeededError
from devices.card.identity import Identity, PassiveAuthStatus
from devices.card.lds.dg1 import build_dg1
from devices.card.lds.files import FID_SOD, dg_fid
from devices.card.lds.mrz import build_td1, parse_mrz
from devices.card.lds.sod import sign_sod
from devices.card.reader import read_card, require_trustworthy
from devices.card.trust.trust_store import TrustStore

DEMO_KEY = from_details("001190012345", "900314", "300314")


def _read(image: CardImage, key_number: str, trust_dir: Path) -> Identity:
    key = from_details(key_number, "900314", "300314")
    return read_card(inprocess_transport(image), [key], TrustStore.from_folder(trust_dir))


def _resigned_with_dg1(image: CardImage, issuer: TestIssuer, lines: tuple[str, str, str]) -> CardImage:
    """The issuer itself wrote this DG1 (a personalisation fault), so the SOD signs it."""
    groups = {n: image.files[dg_fid(n)] for n in (1, 2, 13, 14, 15) if dg_fid(n) in image.files}
    groups[1] = build_dg1(lines)
    files = {**image.files, dg_fid(1): groups[1]}
    files[FID_SOD] = sign_sod(groups, issuer.dsc_key, issuer.dsc_der, rsa_pss=issuer.rsa_pss,
                              signing_time=datetime.now(UTC))
    return dataclasses.replace(image, files=files, mrz_info=parse_mrz("".join(lines)).access_key_text)


def test_consistent_demo_card_reports_no_problem(demo_image: CardImage, trust_dir: Path) -> None:
    identity = _read(demo_image, "001190012345", trust_dir)
    assert identity.security is not None
    assert identity.security.consistency == ()
    assert require_trustworthy(identity) is identity


def test_century_digit_disagreeing_with_birth_date_needs_a_staff_check(issuer: TestIssuer, trust_dir: Path) -> None:
    profile = load_profile(shipped_profiles_folder() / "demo.toml")
    # Digit 4 = 3 says "woman born in the 2000s", but the birth date is in 1990.
    odd = dataclasses.replace(profile, person=dataclasses.replace(profile.person, id_number="001390012345"))
    identity = _read(personalise(odd, issuer), "001390012345", trust_dir)
    report = identity.security
    assert report is not None
    assert report.passive_auth is PassiveAuthStatus.GENUINE
    assert report.consistency == ("id_number_century_digit",)
    assert "century digit of the ID number disagrees with the birth date" in report.detail
    assert "001390012345" not in report.detail
    assert report.authentic and not report.trustworthy
    with pytest.raises(StaffCheckNeededError) as raised:
        require_trustworthy(identity)
    assert raised.value.problems == ("id_number_century_digit",)
    assert isinstance(raised.value, AuthenticityError)  # callers handling only AuthenticityError still refuse it
    assert raised.value.message_key == "card.staff_check_needed"


def test_mrz_number_not_matching_dg13_is_reported(demo_image: CardImage, issuer: TestIssuer,
                                                  trust_dir: Path) -> None:
    lines = build_td1(document_number="190012346", optional_data_1="001190012346", date_of_birth="900314",
                      sex="F", date_of_expiry="300314", primary="Nguyen", secondary="Thi Thanh Huong")
    identity = _read(_resigned_with_dg1(demo_image, issuer, lines), "001190012346", trust_dir)
    assert identity.security is not None
    assert identity.security.passive_auth is PassiveAuthStatus.GENUINE
    assert identity.security.consistency == ("document_number_mismatch", "mrz_id_number_mismatch")
    assert not identity.security.trustworthy


def test_mrz_birth_date_and_sex_not_matching_dg13_are_reported(demo_image: CardImage, issuer: TestIssuer,
                                                               trust_dir: Path) -> None:
    lines = build_td1(document_number="190012345", optional_data_1="001190012345", date_of_birth="900315",
                      sex="M", date_of_expiry="300314", primary="Nguyen", secondary="Thi Thanh Huong")
    image = _resigned_with_dg1(demo_image, issuer, lines)
    identity = read_card(inprocess_transport(image), [from_details("001190012345", "900315", "300314")],
                         TrustStore.from_folder(trust_dir))
    assert identity.security is not None
    assert identity.security.consistency == ("birth_date_mismatch", "sex_mismatch")
    with pytest.raises(StaffCheckNeededError):
        require_trustworthy(identity)


def test_tampered_chip_is_not_authentic_rather_than_a_staff_check(demo_image: CardImage,
                                                                  trust_dir: Path) -> None:
    from devices.card.emulator.personalise import tamper

    identity = _read(tamper(demo_image, 13), "001190012345", trust_dir)
    with pytest.raises(AuthenticityError) as raised:
        require_trustworthy(identity)
    assert not isinstance(raised.value, StaffCheckNeededError)

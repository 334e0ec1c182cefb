"""Chip Authentication with a DG14 key written with explicit EC domain parameters, as many real chips have it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devices.card.access_keys import from_details
from devices.card.emulator.domain_parameters import explicit_spki
from devices.card.emulator.inprocess import inprocess_transport
from devices.card.emulator.personalise import CardImage, TestIssuer, load_profile, personalise, tamper
from devices.card.emulator.profile import CardProfile, ProfileError, shipped_profiles_folder
from devices.card.errors import AuthenticityError
from devices.card.identity import ChipCheckStatus, PassiveAuthStatus
from devices.card.lds.dg14 import parse_dg14
from devices.card.lds.security_infos import ChipAuthenticationPublicKeyInfo
from devices.card.reader import read_card
from devices.card.trust.public_keys import load_spki
from devices.card.trust.trust_store import TrustStore

DEMO_KEY = from_details("001190012345", "900314", "300314")


def _explicit_profile(**card: object) -> CardProfile:
    profile = load_profile(shipped_profiles_folder() / "demo.toml")
    return dataclasses.replace(
        profile, options=dataclasses.replace(profile.options, ca_key_parameters="explicit", **card))


@pytest.fixture(scope="module")
def explicit_image(issuer: TestIssuer) -> CardImage:
    return personalise(_explicit_profile(), issuer)


def _ca_key_der(image: CardImage) -> bytes:
    infos = parse_dg14(image.files[0x010E])
    return next(i.public_key_der for i in infos if isinstance(i, ChipAuthenticationPublicKeyInfo))


def test_personalised_dg14_key_really_has_explicit_parameters(explicit_image: CardImage) -> None:
    der = _ca_key_der(explicit_image)
    with pytest.raises((UnsupportedAlgorithm, ValueError)):
        serialization.load_der_public_key(der)  # what the reader used before: it refuses such keys
    assert explicit_image.ca_private_key is not None
    assert load_spki(der) == explicit_image.ca_private_key.public_key()


def test_chip_auth_runs_with_an_explicit_parameter_key(explicit_image: CardImage, trust_dir: Path) -> None:
    identity = read_card(inprocess_transport(explicit_image), [DEMO_KEY], TrustStore.from_folder(trust_dir))
    assert identity.security is not None
    assert identity.security.chip_auth is ChipCheckStatus.PASSED
    assert identity.security.trustworthy


def test_clone_without_the_private_key_is_caught_with_explicit_parameters(explicit_image: CardImage) -> None:
    clone = dataclasses.replace(explicit_image, ca_private_key=ec.generate_private_key(ec.BrainpoolP256R1()))
    with pytest.raises(AuthenticityError):
        read_card(inprocess_transport(clone), [DEMO_KEY], None)


def test_forged_dg14_keeps_explicit_encoding_and_only_passive_auth_tells(explicit_image: CardImage,
                                                                          trust_dir: Path) -> None:
    forged = tamper(explicit_image, 14)
    with pytest.raises((UnsupportedAlgorithm, ValueError)):
        serialization.load_der_public_key(_ca_key_der(forged))
    identity = read_card(inprocess_transport(forged), [DEMO_KEY], TrustStore.from_folder(trust_dir))
    assert identity.security is not None
    assert identity.security.chip_auth is ChipCheckStatus.PASSED
    assert identity.security.passive_auth is PassiveAuthStatus.TAMPERED
    assert identity.security.tampered_groups == (14,)


@pytest.mark.parametrize("curve", [ec.BrainpoolP256R1(), ec.BrainpoolP384R1(), ec.BrainpoolP512R1(), ec.SECP256R1()],
                         ids=lambda c: c.name)
def test_explicit_encoding_round_trips_to_the_named_curve(curve: ec.EllipticCurve) -> None:
    key = ec.generate_private_key(curve).public_key()
    loaded = load_spki(explicit_spki(key))
    assert isinstance(loaded, ec.EllipticCurvePublicKey)
    assert loaded.curve.name == curve.name
    assert loaded == key


def test_explicit_parameters_for_an_unlisted_curve_are_a_profile_error(issuer: TestIssuer) -> None:
    with pytest.raises(ProfileError, match="explicit"):
        personalise(_explicit_profile(pace_curve="secp384r1"), issuer)


def test_profile_file_rejects_an_unknown_parameter_encoding(tmp_path: Path) -> None:
    text = (shipped_profiles_folder() / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('photo = "portrait.jpg"', f'photo = "{shipped_profiles_folder() / "portrait.jpg"}"')
    (tmp_path / "p.toml").write_text(text.replace("chip_auth = true", 'chip_auth = true\nca_key_parameters = "odd"'),
                                     encoding="utf-8")
    with pytest.raises(ProfileError, match="ca_key_parameters"):
        load_profile(tmp_path / "p.toml")
    (tmp_path / "q.toml").write_text(
        text.replace("chip_auth = true", 'chip_auth = true\nca_key_parameters = "explicit"'), encoding="utf-8")
    assert load_profile(tmp_path / "q.toml").options.ca_key_parameters == "explicit"

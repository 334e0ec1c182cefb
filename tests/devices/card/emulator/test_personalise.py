from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from devices.card.emulator.issuer import TestIssuer
from devices.card.emulator.personalise import CardImage, personalise, tamper
from devices.card.emulator.profile import ProfileError, load_profile, shipped_profiles_folder
from devices.card.identity import AccessProtocol, PassiveAuthStatus, SecurityReport
from devices.card.lds.assemble import identity_from_groups
from devices.card.lds.com import parse_com
from devices.card.lds.dg14 import parse_dg14
from devices.card.lds.files import FID_CARD_ACCESS, FID_COM, FID_SOD, dg_fid
from devices.card.lds.security_infos import ChipAuthenticationPublicKeyInfo, PaceInfo, parse_security_infos
from devices.card.trust.passive_auth import verify_passive_auth
from devices.card.trust.trust_store import TrustStore

PROFILES = shipped_profiles_folder()
TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def issuer() -> TestIssuer:
    return TestIssuer.generate()


@pytest.fixture(scope="module")
def demo(issuer: TestIssuer) -> CardImage:
    return personalise(load_profile(PROFILES / "demo.toml"), issuer)


def _groups(image: CardImage) -> dict[int, bytes]:
    return {n: image.files[dg_fid(n)] for n in range(1, 17) if dg_fid(n) in image.files}


def _identity(image: CardImage):  # type: ignore[no-untyped-def]
    groups = _groups(image)
    report = SecurityReport(AccessProtocol.PACE, PassiveAuthStatus.GENUINE)
    return identity_from_groups(groups[1], groups.get(13), groups.get(2), report)


def test_demo_card_has_every_file_and_passes_passive_auth(issuer: TestIssuer, demo: CardImage) -> None:
    assert set(demo.files) == {FID_CARD_ACCESS, FID_COM, FID_SOD, 0x0101, 0x0102, 0x010D, 0x010E, 0x010F}
    assert parse_com(demo.files[FID_COM]).data_groups == (1, 2, 13, 14, 15)
    store = TrustStore.from_certificates([issuer.csca_der])
    result = verify_passive_auth(demo.files[FID_SOD], _groups(demo), store, TODAY)
    assert result.status is PassiveAuthStatus.GENUINE, result.detail
    assert demo.pace_curve == "brainpoolP256r1"
    assert demo.aa_private_key is not None and demo.ca_private_key is not None
    (pace,) = parse_security_infos(demo.files[FID_CARD_ACCESS])
    assert isinstance(pace, PaceInfo) and pace.curve == "brainpoolP256r1"
    ca_keys = [i for i in parse_dg14(demo.files[0x010E]) if isinstance(i, ChipAuthenticationPublicKeyInfo)]
    assert len(ca_keys) == 1


def test_demo_identity_reads_back_with_vietnamese_text(demo: CardImage) -> None:
    identity = _identity(demo)
    assert identity.id_number == "001190012345"
    assert identity.document_number == "190012345"
    assert identity.full_name == "Nguyễn Thị Thanh Hương"
    assert (identity.sex, identity.date_of_birth) == ("F", date(1990, 3, 14))
    assert (identity.date_of_issue, identity.date_of_expiry) == (date(2021, 6, 20), date(2030, 3, 14))
    assert (identity.father_name, identity.mother_name, identity.spouse_name) == (
        "Nguyễn Văn Đức", "Trần Thị Lụa", "Lê Minh Quân",
    )
    assert identity.old_id_number == "012345678"
    assert identity.photo is not None and identity.photo.format == "jpeg"
    assert 15_000 < len(identity.photo.data) < 25_000
    assert demo.mrz_info == "190012345" + "7" + "900314" + "1" + "300314" + "9"
    assert "Hương" not in repr(demo) and "190012345" not in repr(demo)


def test_bac_only_profile_has_no_card_access_and_jpeg2000_photo(issuer: TestIssuer) -> None:
    image = personalise(load_profile(PROFILES / "bac_only.toml"), issuer)
    assert FID_CARD_ACCESS not in image.files
    assert image.pace_curve is None and image.ca_private_key is None and not image.extended_length
    identity = _identity(image)
    assert identity.photo is not None and identity.photo.format == "jpeg2000"
    assert (identity.photo.width, identity.photo.height) == (240, 320)
    assert (identity.father_name, identity.mother_name) == ("Trần Văn Hùng", "Phạm Thị Mai")
    assert identity.sex == "M"


def test_no_expiry_card_reads_as_none(issuer: TestIssuer) -> None:
    image = personalise(load_profile(PROFILES / "no_expiry.toml"), issuer)
    identity = _identity(image)
    assert identity.date_of_expiry is None
    assert image.mrz_info.endswith("9912315")
    assert image.aa_private_key is None and 0x010F not in image.files


@pytest.mark.parametrize("dg", [1, 2, 13, 14, 15])
def test_tampering_any_group_is_caught_and_named(issuer: TestIssuer, demo: CardImage, dg: int) -> None:
    forged = tamper(demo, dg)
    assert forged.files[FID_SOD] == demo.files[FID_SOD]
    assert forged.files[dg_fid(dg)] != demo.files[dg_fid(dg)]
    result = verify_passive_auth(forged.files[FID_SOD], _groups(forged), None, TODAY)
    assert result.status is PassiveAuthStatus.TAMPERED
    assert result.tampered_groups == (dg,)


def test_tampered_dg1_and_dg13_still_parse_with_other_data(demo: CardImage) -> None:
    assert _identity(tamper(demo, 13)).place_of_residence != _identity(demo).place_of_residence
    report = SecurityReport(AccessProtocol.PACE, PassiveAuthStatus.TAMPERED)
    forged = identity_from_groups(tamper(demo, 1).files[0x0101], None, None, report)
    assert forged.full_name == "GIA MAO"
    with pytest.raises(ValueError, match="DG3"):
        tamper(demo, 3)


def test_issuer_save_load_and_trust_folder(tmp_path: Path, issuer: TestIssuer, demo: CardImage) -> None:
    issuer.save(tmp_path / "issuer")
    again = TestIssuer.load(tmp_path / "issuer")
    assert again.csca_der == issuer.csca_der and again.dsc_der == issuer.dsc_der
    written = again.write_trust_store(tmp_path / "trust")
    assert b"PRIVATE" not in written.read_bytes()
    store = TrustStore.from_folder(tmp_path / "trust")
    assert verify_passive_auth(demo.files[FID_SOD], _groups(demo), store, TODAY).status is PassiveAuthStatus.GENUINE


def test_json_profiles_work_like_toml(tmp_path: Path) -> None:
    (tmp_path / "face.jpg").write_bytes((PROFILES / "portrait.jpg").read_bytes())
    (tmp_path / "p.json").write_text(
        '{"photo": "face.jpg", "person": {"id_number": "001190012345", "full_name": "Lê Văn A", '
        '"date_of_birth": "1990-01-02", "sex": "M", "date_of_issue": "2021-01-01", "date_of_expiry": "none"},'
        ' "card": {"pace_curve": "none", "active_auth": "ec"}}',
        encoding="utf-8",
    )
    profile = load_profile(tmp_path / "p.json")
    assert profile.name == "p" and profile.options.pace_curve is None
    assert profile.person.date_of_expiry is None
    assert "Lê Văn A" not in repr(profile)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"sex": "Z"}, "sex"),
        ({"id_number": "12345"}, "12 digits"),
        ({"date_of_birth": "14/03/1990"}, "YYYY-MM-DD"),
        ({"favourite_colour": "blue"}, "unknown keys"),
    ],
)
def test_bad_person_data_gives_a_clear_profile_error(tmp_path: Path, edit: dict[str, str], message: str) -> None:
    base = (PROFILES / "demo.toml").read_text(encoding="utf-8")
    key, value = next(iter(edit.items()))
    lines = [line for line in base.splitlines() if not line.startswith(f"{key} =")]
    at = lines.index("[person]") + 1
    lines.insert(at, f'{key} = "{value}"')
    (tmp_path / "portrait.jpg").write_bytes((PROFILES / "portrait.jpg").read_bytes())
    (tmp_path / "bad.toml").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile(tmp_path / "bad.toml")


def test_broken_profile_files_give_profile_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile(tmp_path / "missing.toml")
    (tmp_path / "x.toml").write_text("name = [", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid"):
        load_profile(tmp_path / "x.toml")
    (tmp_path / "y.toml").write_text('photo = "none.jpg"\n[person]\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "y.toml")
    demo = load_profile(PROFILES / "demo.toml")
    (tmp_path / "z.toml").write_text(
        (PROFILES / "demo.toml").read_text(encoding="utf-8").replace('"brainpoolP256r1"', '"curve25519"')
        .replace('photo = "portrait.jpg"', f'photo = "{demo.photo_path}"'),
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="pace_curve"):
        load_profile(tmp_path / "z.toml")


def test_rsa_pss_issuer_personalises_a_genuine_card() -> None:
    issuer = TestIssuer.generate(key_type="rsa", rsa_pss=True)
    profile = load_profile(PROFILES / "no_expiry.toml")
    profile = replace(profile, options=replace(profile.options, hash_algorithm="sha512"))
    image = personalise(profile, issuer)
    store = TrustStore.from_certificates([issuer.csca_der])
    result = verify_passive_auth(image.files[FID_SOD], _groups(image), store, TODAY)
    assert result.status is PassiveAuthStatus.GENUINE, result.detail


def test_photo_that_is_not_jpeg_is_a_profile_error(tmp_path: Path, issuer: TestIssuer) -> None:
    profile = load_profile(PROFILES / "demo.toml")
    png = tmp_path / "face.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(ProfileError, match="JPEG"):
        personalise(replace(profile, photo_path=png), issuer)


def test_forged_aa_and_ca_keys_pass_their_own_checks_but_fail_passive_auth(demo: CardImage) -> None:
    from devices.card.protocol.active_auth import sign_active_auth, verify_active_auth

    forged = tamper(tamper(demo, 15), 14)
    assert forged.aa_private_key is not demo.aa_private_key
    assert forged.ca_private_key is not demo.ca_private_key
    challenge = b"\x01" * 8
    assert forged.aa_private_key is not None
    assert verify_active_auth(forged.files[0x010F], challenge, sign_active_auth(forged.aa_private_key, challenge))
    ca_keys = [i for i in parse_dg14(forged.files[0x010E]) if isinstance(i, ChipAuthenticationPublicKeyInfo)]
    assert forged.ca_private_key is not None
    assert ca_keys[0].public_key_der == forged.ca_private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    result = verify_passive_auth(forged.files[FID_SOD], _groups(forged), None, TODAY)
    assert result.tampered_groups == (14, 15)


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_profile_makes_a_genuine_readable_card(issuer: TestIssuer, path: Path) -> None:
    image = personalise(load_profile(path), issuer)
    store = TrustStore.from_certificates([issuer.csca_der])
    assert verify_passive_auth(image.files[FID_SOD], _groups(image), store, TODAY).status is PassiveAuthStatus.GENUINE
    identity = _identity(image)
    assert identity.id_number.endswith(identity.document_number)
    assert identity.photo is not None
    from devices.card.lds.id_number import id_number_problems

    assert id_number_problems(identity.id_number, identity.date_of_birth, identity.sex) == ()

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.card.emulator.issuer import TestIssuer
from devices.card.identity import PassiveAuthStatus
from devices.card.lds.dg1 import build_dg1
from devices.card.lds.dg13 import build_dg13
from devices.card.lds.sod import parse_sod, sign_sod
from devices.card.trust.passive_auth import verify_passive_auth
from devices.card.trust.trust_store import TrustStore

TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
GROUPS = {1: build_dg1(TD1), 13: build_dg13({1: ["001190012345"], 2: ["Nguyễn Thị Thanh Hương"]})}
TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def issuer() -> TestIssuer:
    return TestIssuer.generate()


def _store(issuer: TestIssuer) -> TrustStore:
    return TrustStore.from_certificates([issuer.csca_der])


def test_sod_round_trip_lists_the_hashes(issuer: TestIssuer) -> None:
    sod = parse_sod(sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der, hash_algorithm="sha384"))
    assert sod.hash_algorithm == "sha384"
    assert sorted(sod.hashes) == [1, 13]
    assert sod.signer_certificate is not None


@pytest.mark.parametrize(
    ("key_type", "pss", "hash_algorithm"),
    [("ec", False, "sha256"), ("rsa", False, "sha256"), ("rsa", True, "sha512"), ("ec", False, "sha1")],
)
def test_genuine_card_checks_out_for_every_signature_scheme(key_type: str, pss: bool, hash_algorithm: str) -> None:
    issuer = TestIssuer.generate(key_type=key_type, rsa_pss=pss)  # type: ignore[arg-type]
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der, hash_algorithm=hash_algorithm, rsa_pss=pss)
    result = verify_passive_auth(sod, GROUPS, _store(issuer), TODAY)
    assert result.status is PassiveAuthStatus.GENUINE, result.detail
    assert result.tampered_groups == ()


def test_edited_dg13_is_tampered_and_named(issuer: TestIssuer) -> None:
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    edited = {**GROUPS, 13: build_dg13({1: ["001190012345"], 2: ["Nguyễn Thị Giả Mạo"]})}
    result = verify_passive_auth(sod, edited, _store(issuer), TODAY)
    assert result.status is PassiveAuthStatus.TAMPERED
    assert result.tampered_groups == (13,)
    assert "DG13" in result.detail
    # Tampering is found even without a trust store: hashes need no trust anchor.
    assert verify_passive_auth(sod, edited, None, TODAY).status is PassiveAuthStatus.TAMPERED


def test_group_not_covered_by_sod_counts_as_tampered(issuer: TestIssuer) -> None:
    sod = sign_sod({1: GROUPS[1]}, issuer.dsc_key, issuer.dsc_der)
    result = verify_passive_auth(sod, GROUPS, _store(issuer), TODAY)
    assert result.tampered_groups == (13,)


def test_broken_sod_signature_is_tampered(issuer: TestIssuer) -> None:
    sod = bytearray(sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der))
    sod[-5] ^= 0x01  # inside the signature value, the last field of the SignerInfo
    result = verify_passive_auth(bytes(sod), GROUPS, _store(issuer), TODAY)
    assert result.status is PassiveAuthStatus.TAMPERED
    assert result.tampered_groups == ()


def test_signed_by_another_csca_is_untrusted(issuer: TestIssuer) -> None:
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    other = TestIssuer.generate()  # same country and names, different keys
    result = verify_passive_auth(sod, GROUPS, _store(other), TODAY)
    assert result.status is PassiveAuthStatus.UNTRUSTED
    empty = verify_passive_auth(sod, GROUPS, TrustStore(certificates=()), TODAY)
    assert empty.status is PassiveAuthStatus.UNTRUSTED


def test_without_trust_store_the_result_is_unchecked(issuer: TestIssuer) -> None:
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    assert verify_passive_auth(sod, GROUPS, None, TODAY).status is PassiveAuthStatus.UNCHECKED


def test_expired_dsc_is_untrusted(issuer: TestIssuer) -> None:
    now = datetime.now(UTC)
    old = TestIssuer.generate(
        csca=(issuer.csca_key, issuer.csca_cert), dsc_not_before=now - timedelta(days=400),
        dsc_not_after=now - timedelta(days=30),
    )
    sod = sign_sod(GROUPS, old.dsc_key, old.dsc_der)
    result = verify_passive_auth(sod, GROUPS, _store(issuer), TODAY)
    assert result.status is PassiveAuthStatus.UNTRUSTED
    assert "expired" in result.detail
    # The same card checked on a day the DSC was valid is fine.
    assert verify_passive_auth(sod, GROUPS, _store(issuer), TODAY - timedelta(days=100)).status is (
        PassiveAuthStatus.GENUINE
    )


def test_garbage_sod_is_tampered_not_a_crash() -> None:
    for data in (b"", b"\x77\x03\x30\x01\x00", b"\x77\x00", bytes(50)):
        assert verify_passive_auth(data, GROUPS, None, date(2026, 1, 1)).status is PassiveAuthStatus.TAMPERED


def test_dsc_without_signing_key_usage_is_untrusted(issuer: TestIssuer) -> None:
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    usage = cx509.KeyUsage(False, False, True, False, False, False, False, False, False)  # key encipherment only
    cert = (
        cx509.CertificateBuilder().subject_name(issuer.dsc_cert.subject).issuer_name(issuer.csca_cert.subject)
        .public_key(key.public_key()).serial_number(7).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30)).add_extension(usage, critical=True)
        .sign(issuer.csca_key, hashes.SHA256())
    )
    sod = sign_sod(GROUPS, key, cert.public_bytes(serialization.Encoding.DER))
    result = verify_passive_auth(sod, GROUPS, _store(issuer), TODAY)
    assert result.status is PassiveAuthStatus.UNTRUSTED
    assert "key usage" in result.detail


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(st.integers(min_value=1, max_value=16), st.binary(max_size=300), min_size=1, max_size=16),
    st.sampled_from(["sha1", "sha224", "sha256", "sha384", "sha512"]),
)
def test_any_set_of_groups_signs_and_verifies(issuer: TestIssuer, groups: dict[int, bytes], algorithm: str) -> None:
    sod = sign_sod(groups, issuer.dsc_key, issuer.dsc_der, hash_algorithm=algorithm)
    assert parse_sod(sod).hashes == {n: hashlib.new(algorithm, data).digest() for n, data in groups.items()}
    assert verify_passive_auth(sod, groups, _store(issuer), TODAY).status is PassiveAuthStatus.GENUINE


def test_sod_naming_the_key_type_as_signature_algorithm_still_verifies(issuer: TestIssuer) -> None:
    from asn1crypto import cms

    from devices.card.tlv import encode_tlv, parse_single

    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    info = cms.ContentInfo.load(parse_single(sod).value)
    signer = info["content"]["signer_infos"][0]
    signer["signature_algorithm"] = {"algorithm": "1.2.840.10045.2.1"}  # id-ecPublicKey instead of ecdsa-with-SHA256
    relabelled = encode_tlv(0x77, info.dump(force=True))
    assert relabelled != sod
    result = verify_passive_auth(relabelled, GROUPS, _store(issuer), TODAY)
    assert result.status is PassiveAuthStatus.GENUINE, result.detail

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from devices.card.emulator.issuer import TestIssuer
from devices.card.identity import PassiveAuthStatus
from devices.card.lds.dg1 import build_dg1
from devices.card.lds.sod import sign_sod
from devices.card.trust.master_list import MasterListError, build_master_list, parse_master_list
from devices.card.trust.passive_auth import verify_passive_auth
from devices.card.trust.trust_store import TrustStore, TrustStoreMissingError

TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
GROUPS = {1: build_dg1(TD1)}


def _genuine_with(store: TrustStore, issuer: TestIssuer) -> bool:
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    return verify_passive_auth(sod, GROUPS, store, datetime.now(UTC).date()).status is PassiveAuthStatus.GENUINE


def test_pem_der_and_master_list_files_are_all_loaded(tmp_path: Path) -> None:
    pem_issuer, der_issuer, listed = TestIssuer.generate("VN"), TestIssuer.generate("VN", key_type="rsa"), (
        TestIssuer.generate("LA")
    )
    pem_issuer.write_trust_store(tmp_path)
    (tmp_path / "other.cer").write_bytes(der_issuer.csca_der)
    signer = TestIssuer.generate("LA", csca=(listed.csca_key, listed.csca_cert))  # ML signer, certified by a CSCA
    (tmp_path / "LA.ml").write_bytes(build_master_list([listed.csca_der], signer.dsc_key, signer.dsc_der))
    (tmp_path / "notes.txt").write_text("not a certificate")
    store = TrustStore.from_folder(tmp_path)
    assert len(store) == 3
    assert store.skipped == ("notes.txt",)
    assert all(_genuine_with(store, issuer) for issuer in (pem_issuer, der_issuer, listed))
    assert not _genuine_with(store, TestIssuer.generate("VN"))


def test_pem_bundle_with_several_certificates(tmp_path: Path) -> None:
    issuers = [TestIssuer.generate(), TestIssuer.generate()]
    pem = b"".join(i.csca_cert.public_bytes(serialization.Encoding.PEM) for i in issuers)
    (tmp_path / "bundle.pem").write_bytes(pem)
    store = TrustStore.from_folder(tmp_path)
    assert len(store) == 2
    assert all(_genuine_with(store, issuer) for issuer in issuers)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TrustStoreMissingError) as caught:
        TrustStore.from_folder(tmp_path / "nope")
    assert caught.value.message_key == "card_data.trust_store_missing"


def test_master_list_with_a_broken_signature_is_refused_and_skipped(tmp_path: Path) -> None:
    issuer = TestIssuer.generate()
    data = bytearray(build_master_list([issuer.csca_der], issuer.dsc_key, issuer.dsc_der))
    data[-3] ^= 0x01
    with pytest.raises(MasterListError):
        parse_master_list(bytes(data))
    (tmp_path / "bad.ml").write_bytes(bytes(data))
    store = TrustStore.from_folder(tmp_path)
    assert len(store) == 0
    assert store.skipped == ("bad.ml",)


def test_master_list_with_edited_content_is_refused() -> None:
    issuer, other = TestIssuer.generate(), TestIssuer.generate()
    data = build_master_list([issuer.csca_der, other.csca_der], issuer.dsc_key, issuer.dsc_der)
    at = data.index(issuer.csca_der) + len(issuer.csca_der) // 2  # a byte inside the listed CSCA certificate
    edited = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
    assert issuer.csca_der in [bytes(c.dump()) for c in parse_master_list(data)]
    with pytest.raises(MasterListError, match="digest"):
        parse_master_list(edited)
    with pytest.raises(MasterListError):
        parse_master_list(b"\x30\x03\x02\x01\x00")


def test_master_list_signed_by_an_outsider_is_refused() -> None:
    listed, outsider = TestIssuer.generate(), TestIssuer.generate()
    data = build_master_list([listed.csca_der], outsider.dsc_key, outsider.dsc_der)
    with pytest.raises(MasterListError, match="not certified"):
        parse_master_list(data)


def _crl(issuer: TestIssuer, serials: list[int], signer: TestIssuer | None = None) -> bytes:
    from datetime import timedelta

    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes

    now = datetime.now(UTC)
    builder = (
        cx509.CertificateRevocationListBuilder().issuer_name(issuer.csca_cert.subject)
        .last_update(now - timedelta(days=1)).next_update(now + timedelta(days=30))
    )
    for serial in serials:
        builder = builder.add_revoked_certificate(
            cx509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - timedelta(hours=1)).build()
        )
    key = (signer or issuer).csca_key
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def test_dsc_revoked_by_a_trusted_crl_is_untrusted(tmp_path: Path) -> None:
    issuer = TestIssuer.generate()
    issuer.write_trust_store(tmp_path)
    (tmp_path / "csca.crl").write_bytes(_crl(issuer, [issuer.dsc_cert.serial_number]))
    store = TrustStore.from_folder(tmp_path)
    assert store.skipped == ()
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    result = verify_passive_auth(sod, GROUPS, store, datetime.now(UTC).date())
    assert result.status is PassiveAuthStatus.UNTRUSTED
    assert "revoked" in result.detail


def test_crl_not_listing_the_dsc_or_forged_is_ignored(tmp_path: Path) -> None:
    issuer, forger = TestIssuer.generate(), TestIssuer.generate()
    issuer.write_trust_store(tmp_path)
    (tmp_path / "a.crl").write_bytes(_crl(issuer, [12345]))
    # Same issuer name, but signed with another key: must not revoke anything.
    (tmp_path / "b.crl").write_bytes(_crl(issuer, [issuer.dsc_cert.serial_number], signer=forger))
    store = TrustStore.from_folder(tmp_path)
    assert len(store.crls) == 2
    assert _genuine_with(store, issuer)

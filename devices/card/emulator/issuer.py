"""A throw-away issuing authority for tests and demos: a self-signed CSCA and a Document Signer it certifies
(ICAO 9303-12 §7.1.1 certificate profiles, kept to what Passive Authentication checks), and the CSCA's CRLs
(§7.1.4, RFC 5280 §5).

Keys are written unencrypted by `save`: they exist only to personalise virtual cards and must never sign anything real.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from devices.card.lds.sod import SigningKey

KeyType = Literal["ec", "rsa"]

_CSCA_CERT = "csca.pem"
_CSCA_KEY = "csca.key.pem"
_DSC_CERT = "dsc.pem"
_DSC_KEY = "dsc.key.pem"


def _new_key(key_type: KeyType, strong: bool) -> SigningKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP384R1() if strong else ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=3072 if strong else 2048)


def _name(country: str, common_name: str, unit: str | None = None) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Issuer (not valid for travel)"),
    ]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _sign(builder: x509.CertificateBuilder, key: SigningKey, rsa_pss: bool) -> x509.Certificate:
    if isinstance(key, rsa.RSAPrivateKey) and rsa_pss:
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
        return builder.sign(key, hashes.SHA256(), rsa_padding=pss)
    return builder.sign(key, hashes.SHA256())


@dataclass(frozen=True)
class TestIssuer:
    csca_key: SigningKey
    csca_cert: x509.Certificate
    dsc_key: SigningKey
    dsc_cert: x509.Certificate
    rsa_pss: bool = False

    __test__ = False  # not a pytest test class, despite the name

    @classmethod
    def generate(
        cls, country: str = "VN", *, key_type: KeyType = "ec", rsa_pss: bool = False,
        dsc_not_before: datetime | None = None, dsc_not_after: datetime | None = None,
        csca: tuple[SigningKey, x509.Certificate] | None = None,
    ) -> TestIssuer:
        """A CSCA (or the given one) and a fresh DSC. Validity: CSCA from 2 years ago to 15 years ahead, DSC 10 years
        from yesterday unless given (an already expired DSC is how tests exercise validity checks)."""
        now = datetime.now(UTC)
        if csca is None:
            csca_key = _new_key(key_type, strong=True)
            subject = _name(country, f"CSCA {country} TEST")
            ski = x509.SubjectKeyIdentifier.from_public_key(csca_key.public_key())
            csca_cert = _sign(
                x509.CertificateBuilder()
                .subject_name(subject).issuer_name(subject)
                .public_key(csca_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=365 * 2))
                .not_valid_after(now + timedelta(days=365 * 15))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(_key_usage(cert_sign=True), critical=True)
                .add_extension(ski, critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False),
                csca_key, rsa_pss,
            )
        else:
            csca_key, csca_cert = csca
        dsc_key = _new_key(key_type, strong=False)
        csca_ski = csca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        dsc_cert = _sign(
            x509.CertificateBuilder()
            .subject_name(_name(country, f"DS {country} TEST 01", unit="Document Signer"))
            .issuer_name(csca_cert.subject)
            .public_key(dsc_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(dsc_not_before or now - timedelta(days=1))
            .not_valid_after(dsc_not_after or now + timedelta(days=365 * 10))
            .add_extension(_key_usage(cert_sign=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(dsc_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(csca_ski), critical=False),
            csca_key, rsa_pss,
        )
        return cls(csca_key=csca_key, csca_cert=csca_cert, dsc_key=dsc_key, dsc_cert=dsc_cert, rsa_pss=rsa_pss)

    @property
    def dsc_der(self) -> bytes:
        return self.dsc_cert.public_bytes(serialization.Encoding.DER)

    @property
    def csca_der(self) -> bytes:
        return self.csca_cert.public_bytes(serialization.Encoding.DER)

    def save(self, folder: str | Path) -> None:
        root = Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        pem = serialization.Encoding.PEM
        for name, cert in ((_CSCA_CERT, self.csca_cert), (_DSC_CERT, self.dsc_cert)):
            (root / name).write_bytes(cert.public_bytes(pem))
        for name, key in ((_CSCA_KEY, self.csca_key), (_DSC_KEY, self.dsc_key)):
            path = root / name
            path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            path.chmod(0o600)
        (root / "rsa_pss").write_text("1" if self.rsa_pss else "0")

    @classmethod
    def load(cls, folder: str | Path) -> TestIssuer:
        root = Path(folder)
        keys = []
        for name in (_CSCA_KEY, _DSC_KEY):
            key = serialization.load_pem_private_key((root / name).read_bytes(), password=None)
            if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
                raise ValueError(f"{name} is not an RSA or EC key")
            keys.append(key)
        pss_flag = root / "rsa_pss"
        return cls(
            csca_key=keys[0], csca_cert=x509.load_pem_x509_certificate((root / _CSCA_CERT).read_bytes()),
            dsc_key=keys[1], dsc_cert=x509.load_pem_x509_certificate((root / _DSC_CERT).read_bytes()),
            rsa_pss=pss_flag.exists() and pss_flag.read_text().strip() == "1",
        )

    def crl(self, revoked: Iterable[int] = (), *, this_update: datetime | None = None,
            next_update: datetime | None = None, issuer_name: x509.Name | None = None) -> bytes:
        """A CRL signed by this CSCA (PEM) listing the `revoked` serial numbers. Issued yesterday and due again in
        30 days unless given (a past `next_update` is an expired CRL). `issuer_name` lets a test forge another
        CSCA's list with this CSCA's key."""
        now = datetime.now(UTC)
        issued = this_update or now - timedelta(days=1)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer_name or self.csca_cert.subject)
            .last_update(issued)
            .next_update(next_update or issued + timedelta(days=30))
        )
        for serial in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(issued).build())
        if isinstance(self.csca_key, rsa.RSAPrivateKey) and self.rsa_pss:
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
            signed = builder.sign(self.csca_key, hashes.SHA256(), rsa_padding=pss)
        else:
            signed = builder.sign(self.csca_key, hashes.SHA256())
        return signed.public_bytes(serialization.Encoding.PEM)

    def write_trust_store(self, folder: str | Path) -> Path:
        """Put the CSCA certificate (only) where a kiosk's trust folder expects it; returns the file written."""
        root = Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        country = self.csca_cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
        path = root / f"csca-{country!s}-test.pem"
        path.write_bytes(self.csca_cert.public_bytes(serialization.Encoding.PEM))
        return path


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )

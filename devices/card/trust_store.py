"""The kiosk's trust anchors: CSCA certificates and their CRLs (ICAO 9303-12 §5, §7.1.4), loaded from a folder.

The folder may hold CSCA certificates in DER or PEM (one or many per file), ICAO CSCA master lists (see
master_list.py) and CSCA-issued CRLs in DER or PEM. Files that are none of these are skipped and named in `skipped`,
so a technician can see why a file did not count. A CRL counts only when a trusted CSCA's signature on it verifies.
Nothing is read at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import crl, pem, x509

from devices.card.master_list import MasterListError, parse_master_list
from devices.card.signatures import ASN1_ERRORS, CHECK_ERRORS, load_public_key, verify_signature


class TrustStoreMissingError(OSError):
    """The configured trust folder does not exist or cannot be read: fix the kiosk configuration."""

    message_key = "card_data.trust_store_missing"


@dataclass(frozen=True)
class TrustStore:
    certificates: tuple[x509.Certificate, ...]
    skipped: tuple[str, ...] = ()
    crls: tuple[crl.CertificateList, ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.certificates)

    @classmethod
    def from_certificates(
        cls, certificates: Iterable[bytes | x509.Certificate], crls: Iterable[bytes] = (),
    ) -> TrustStore:
        loaded = tuple(c if isinstance(c, x509.Certificate) else x509.Certificate.load(c) for c in certificates)
        return cls(certificates=loaded, crls=tuple(crl.CertificateList.load(c) for c in crls))

    @classmethod
    def from_folder(cls, folder: str | Path) -> TrustStore:
        root = Path(folder)
        if not root.is_dir():
            raise TrustStoreMissingError(f"trust folder {root} does not exist")
        certs: list[x509.Certificate] = []
        lists: list[crl.CertificateList] = []
        skipped: list[str] = []
        try:
            paths = sorted(p for p in root.iterdir() if p.is_file())
        except OSError as exc:
            raise TrustStoreMissingError(f"trust folder {root} cannot be read: {exc}") from exc
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError:
                skipped.append(path.name)
                continue
            found_certs, found_crls = load_trust_file(data)
            if not found_certs and not found_crls:
                skipped.append(path.name)
            certs.extend(found_certs)
            lists.extend(found_crls)
        unique = {bytes(c.dump()): c for c in certs}
        return cls(certificates=tuple(unique.values()), skipped=tuple(skipped), crls=tuple(lists))

    def issuers_for(self, cert: x509.Certificate | crl.CertificateList) -> list[x509.Certificate]:
        """Trusted certificates that may have signed `cert` (or a CRL): same name, and same key identifier when
        both say one."""
        aki = cert.authority_key_identifier
        out = []
        for candidate in self.certificates:
            if candidate.subject != cert.issuer:
                continue
            ski = candidate.key_identifier
            if aki is not None and ski is not None and aki != ski:
                continue
            out.append(candidate)
        return out

    def is_revoked(self, cert: x509.Certificate) -> bool:
        """True when a CRL signed by a trusted CSCA lists `cert`'s serial number."""
        for revocation_list in self.crls:
            try:
                if revocation_list.issuer != cert.issuer or not self._trusted_crl(revocation_list):
                    continue
                entries = revocation_list["tbs_cert_list"]["revoked_certificates"]
                if any(entry["user_certificate"].native == cert.serial_number for entry in entries or []):
                    return True
            except CHECK_ERRORS:
                continue
        return False

    def _trusted_crl(self, revocation_list: crl.CertificateList) -> bool:
        tbs = bytes(revocation_list["tbs_cert_list"].dump())
        signature = bytes(revocation_list["signature"].native)
        algorithm = revocation_list["signature_algorithm"]
        return any(
            verify_signature(load_public_key(csca.public_key), signature, tbs, algorithm)
            for csca in self.issuers_for(revocation_list)
        )


def load_trust_file(data: bytes) -> tuple[list[x509.Certificate], list[crl.CertificateList]]:
    if not pem.detect(data):
        return _load_der(data)
    certs: list[x509.Certificate] = []
    lists: list[crl.CertificateList] = []
    for _, _, der in _pem_blocks(data):
        found_certs, found_crls = _load_der(der)
        certs.extend(found_certs)
        lists.extend(found_crls)
    return certs, lists


def _load_der(data: bytes) -> tuple[list[x509.Certificate], list[crl.CertificateList]]:
    cert = _certificate(data)
    if cert is not None:
        return [cert], []
    revocation_list = _crl(data)
    if revocation_list is not None:
        return [], [revocation_list]
    try:
        return parse_master_list(data), []
    except MasterListError:
        return [], []


def _pem_blocks(data: bytes) -> list[tuple[str, dict[str, str], bytes]]:
    try:
        return list(pem.unarmor(data, multiple=True))
    except ASN1_ERRORS:
        return []


def _certificate(der: bytes) -> x509.Certificate | None:
    try:
        cert = x509.Certificate.load(der, strict=True)
        _ = cert.subject.native, cert.public_key.dump(), cert.not_valid_after
        return cert
    except ASN1_ERRORS:
        return None


def _crl(der: bytes) -> crl.CertificateList | None:
    try:
        revocation_list = crl.CertificateList.load(der, strict=True)
        _ = revocation_list.issuer.native, revocation_list["tbs_cert_list"]["revoked_certificates"].native
        return revocation_list
    except ASN1_ERRORS:
        return None

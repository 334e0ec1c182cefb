"""The kiosk's trust anchors: CSCA certificates and their CRLs (ICAO 9303-12 §5, §7.1.4), loaded from a folder.

The folder may hold CSCA certificates in DER or PEM (one or many per file), ICAO CSCA master lists (see
master_list.py) and CSCA-issued CRLs in DER or PEM. Files that are none of these are skipped and named in `skipped`,
so a technician can see why a file did not count. A CRL counts only when a trusted CSCA's signature on it verifies.
Of a CSCA's CRLs the newest (thisUpdate) says whether its list is current: past its nextUpdate (RFC 5280 §5.1.2.5)
it can no longer vouch that a Document Signer is not revoked, and `expired_crl` says what Passive Authentication
makes of that. A serial number on any trusted CRL stays revoked. Nothing is read at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from asn1crypto import crl, pem, x509

from devices.card.trust.master_list import MasterListError, parse_master_list
from devices.card.trust.signatures import ASN1_ERRORS, CHECK_ERRORS, load_public_key, verify_signature


class TrustStoreMissingError(OSError):
    """The configured trust folder does not exist or cannot be read: fix the kiosk configuration."""

    message_key = "card_data.trust_store_missing"


ExpiredCrlPolicy = Literal["unchecked", "refuse"]


class Revocation(StrEnum):
    GOOD = "good"                # the issuer's newest trusted CRL is current and does not list the certificate
    REVOKED = "revoked"          # a trusted CRL of the issuer lists it
    CRL_EXPIRED = "crl_expired"  # not listed, but the issuer's newest trusted CRL is past its nextUpdate
    NO_CRL = "no_crl"            # no trusted CRL of this issuer in the folder


@dataclass(frozen=True)
class RevocationCheck:
    status: Revocation
    next_update: date | None = None  # of the newest CRL consulted


@dataclass(frozen=True)
class TrustStore:
    certificates: tuple[x509.Certificate, ...]
    skipped: tuple[str, ...] = ()
    crls: tuple[crl.CertificateList, ...] = field(default=(), repr=False)
    # What an expired CRL makes of Passive Authentication: "unchecked" (served, with the reason) or "refuse".
    expired_crl: ExpiredCrlPolicy = "unchecked"

    def __len__(self) -> int:
        return len(self.certificates)

    @classmethod
    def from_certificates(
        cls, certificates: Iterable[bytes | x509.Certificate], crls: Iterable[bytes] = (), *,
        expired_crl: ExpiredCrlPolicy = "unchecked",
    ) -> TrustStore:
        loaded = tuple(c if isinstance(c, x509.Certificate) else x509.Certificate.load(c) for c in certificates)
        lists = [found for data in crls for found in load_trust_file(data)[1]]
        return cls(certificates=loaded, crls=tuple(lists), expired_crl=expired_crl)

    @classmethod
    def from_folder(cls, folder: str | Path, *, expired_crl: ExpiredCrlPolicy = "unchecked") -> TrustStore:
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
        return cls(certificates=tuple(unique.values()), skipped=tuple(skipped), crls=tuple(lists),
                   expired_crl=expired_crl)

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
        return self.revocation(cert, None).status is Revocation.REVOKED

    def revocation(self, cert: x509.Certificate, at: date | None) -> RevocationCheck:
        """What the trusted CRLs of `cert`'s issuer say about it on day `at` (None: do not judge currency)."""
        trusted: list[crl.CertificateList] = []
        for revocation_list in self.crls:
            try:
                if revocation_list.issuer != cert.issuer or not self._trusted_crl(revocation_list):
                    continue
                entries = revocation_list["tbs_cert_list"]["revoked_certificates"]
                if any(entry["user_certificate"].native == cert.serial_number for entry in entries or []):
                    return RevocationCheck(Revocation.REVOKED)
            except CHECK_ERRORS:
                continue
            trusted.append(revocation_list)
        if not trusted:
            return RevocationCheck(Revocation.NO_CRL)
        newest = max(trusted, key=_this_update)
        due = _next_update(newest)
        if at is not None and due is not None and due < at:
            return RevocationCheck(Revocation.CRL_EXPIRED, due)
        return RevocationCheck(Revocation.GOOD, due)

    def _trusted_crl(self, revocation_list: crl.CertificateList) -> bool:
        tbs = bytes(revocation_list["tbs_cert_list"].dump())
        signature = bytes(revocation_list["signature"].native)
        algorithm = revocation_list["signature_algorithm"]
        return any(
            verify_signature(load_public_key(csca.public_key), signature, tbs, algorithm)
            for csca in self.issuers_for(revocation_list)
        )


def _this_update(revocation_list: crl.CertificateList) -> datetime:
    value = revocation_list["tbs_cert_list"]["this_update"].native
    return value if isinstance(value, datetime) else datetime.min.replace(tzinfo=UTC)


def _next_update(revocation_list: crl.CertificateList) -> date | None:
    """The day the CRL is due to be replaced; None when it does not say (then it cannot expire)."""
    value = revocation_list["tbs_cert_list"]["next_update"].native
    return value.date() if isinstance(value, datetime) else None


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

"""The kiosk's trust anchors: CSCA certificates (ICAO 9303-12 §5) loaded from a folder.

The folder may hold CSCA certificates in DER or PEM (one or many per file) and ICAO CSCA master lists
(see master_list.py). Files that are none of these are skipped and named in `skipped`, so a technician can see why
a certificate did not count. Nothing is read at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem, x509

from devices.card.master_list import MasterListError, parse_master_list
from devices.card.signatures import ASN1_ERRORS


class TrustStoreMissingError(OSError):
    """The configured trust folder does not exist or cannot be read: fix the kiosk configuration."""

    message_key = "card_data.trust_store_missing"


@dataclass(frozen=True)
class TrustStore:
    certificates: tuple[x509.Certificate, ...]
    skipped: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.certificates)

    @classmethod
    def from_certificates(cls, certificates: Iterable[bytes | x509.Certificate]) -> TrustStore:
        loaded = tuple(c if isinstance(c, x509.Certificate) else x509.Certificate.load(c) for c in certificates)
        return cls(certificates=loaded)

    @classmethod
    def from_folder(cls, folder: str | Path) -> TrustStore:
        root = Path(folder)
        if not root.is_dir():
            raise TrustStoreMissingError(f"trust folder {root} does not exist")
        certs: list[x509.Certificate] = []
        skipped: list[str] = []
        try:
            paths = sorted(p for p in root.iterdir() if p.is_file())
        except OSError as exc:
            raise TrustStoreMissingError(f"trust folder {root} cannot be read: {exc}") from exc
        for path in paths:
            found = _load_file(path.read_bytes())
            if found:
                certs.extend(found)
            else:
                skipped.append(path.name)
        unique = {bytes(c.dump()): c for c in certs}
        return cls(certificates=tuple(unique.values()), skipped=tuple(skipped))

    def issuers_for(self, cert: x509.Certificate) -> list[x509.Certificate]:
        """Trusted certificates that may have signed `cert`: same name, and same key identifier when both say one."""
        out = []
        for candidate in self.certificates:
            if candidate.subject != cert.issuer:
                continue
            aki, ski = cert.authority_key_identifier, candidate.key_identifier
            if aki is not None and ski is not None and aki != ski:
                continue
            out.append(candidate)
        return out


def _load_file(data: bytes) -> list[x509.Certificate]:
    if pem.detect(data):
        out: list[x509.Certificate] = []
        for kind, _, der in _pem_blocks(data):
            if kind == "CERTIFICATE":
                cert = _certificate(der)
                out.extend([cert] if cert is not None else [])
            else:
                out.extend(_master_list(der))
        return out
    cert = _certificate(data)
    if cert is not None:
        return [cert]
    return _master_list(data)


def _master_list(data: bytes) -> list[x509.Certificate]:
    try:
        return parse_master_list(data)
    except MasterListError:
        return []


def _pem_blocks(data: bytes) -> list[tuple[str, dict[str, str], bytes]]:
    try:
        return [block for block in pem.unarmor(data, multiple=True) if block[0] in ("CERTIFICATE", "CMS", "PKCS7")]
    except ASN1_ERRORS:
        return []


def _certificate(der: bytes) -> x509.Certificate | None:
    try:
        cert = x509.Certificate.load(der, strict=True)
        _ = cert.subject.native, cert.public_key.dump(), cert.not_valid_after
        return cert
    except ASN1_ERRORS:
        return None

"""ICAO CSCA master lists: CMS SignedData holding a CscaMasterList (ICAO 9303-12 §9).

CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }, eContentType id-icao-cscaMasterList.
The CMS signature is checked with the master-list signer certificate it carries, and that signer must be certified by
a CSCA in the list (9303-12 §9); trusting the list as a whole is the operator's decision to put it in the trust
folder (a list signed by the issuing state's own CSCA proves integrity, not trustworthiness).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from asn1crypto import cms, core, x509

from devices.card.lds.sod import SigningKey, digest, sign_bytes
from devices.card.trust.signatures import CHECK_ERRORS, load_public_key, verify_signature

OID_CSCA_MASTER_LIST = "2.23.136.1.1.2"


class MasterListError(ValueError):
    """A file that claims to be a master list but is not a valid, correctly signed one."""


class CertificateSet(core.SetOf):  # type: ignore[misc]
    _child_spec = x509.Certificate


class CscaMasterList(core.Sequence):  # type: ignore[misc]
    _fields = [("version", core.Integer), ("cert_list", CertificateSet)]  # noqa: RUF012


def parse_master_list(der: bytes) -> list[x509.Certificate]:
    """The CSCA certificates of a master list whose CMS signature verifies."""
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise MasterListError("not a SignedData")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != OID_CSCA_MASTER_LIST:
            raise MasterListError("not a CSCA master list")
        content = bytes(encap["content"].contents)
        signer = _verify(signed, content)
        master = CscaMasterList.load(content, strict=True)
        certs = list(master["cert_list"])
        for cert in certs:
            _ = cert.subject.dump(), cert.public_key.dump()  # force lazy parsing so bad entries fail here
        _check_signer_certified(signer, certs)
        return certs
    except MasterListError:
        raise
    except CHECK_ERRORS as exc:
        raise MasterListError(f"malformed master list ({type(exc).__name__})") from exc


def _check_signer_certified(signer: x509.Certificate, certs: list[x509.Certificate]) -> None:
    """9303-12 §9: the master-list signer is certified by a CSCA of the issuing state, which the list holds."""
    tbs = bytes(signer["tbs_certificate"].dump())
    for cert in certs:
        if cert.subject != signer.issuer:
            continue
        key = load_public_key(cert.public_key)
        if verify_signature(key, bytes(signer["signature_value"].native), tbs, signer["signature_algorithm"]):
            return
    raise MasterListError("master list signer is not certified by a CSCA in the list")


def _verify(signed: cms.SignedData, content: bytes) -> x509.Certificate:
    infos = signed["signer_infos"]
    if len(infos) == 0:
        raise MasterListError("master list is not signed")
    info = infos[0]
    signer = next(
        (c.chosen for c in signed["certificates"] or [] if c.name == "certificate"
         and info["sid"].name == "issuer_and_serial_number"
         and c.chosen.serial_number == info["sid"].chosen["serial_number"].native
         and c.chosen.issuer == info["sid"].chosen["issuer"]),
        None,
    )
    if signer is None:
        raise MasterListError("master list signer certificate is missing")
    digest_name = info["digest_algorithm"]["algorithm"].native
    attrs = info["signed_attrs"]
    if isinstance(attrs, core.Void):
        to_verify = content
    else:
        wanted = next((a["values"][0].native for a in attrs if a["type"].native == "message_digest"), None)
        if wanted != digest(digest_name, content):
            raise MasterListError("master list content does not match its signed digest")
        to_verify = b"\x31" + bytes(attrs.dump())[1:]
    key = load_public_key(signer.public_key)
    if not verify_signature(key, bytes(info["signature"].native), to_verify, info["signature_algorithm"], digest_name):
        raise MasterListError("master list signature is wrong")
    return signer


def build_master_list(
    csca_certs_der: Sequence[bytes], signer_key: SigningKey, signer_cert_der: bytes, hash_algorithm: str = "sha256",
) -> bytes:
    """A signed master list (for tests and the emulator's test issuer)."""
    content = bytes(CscaMasterList({
        "version": 0, "cert_list": [x509.Certificate.load(c) for c in csca_certs_der],
    }).dump())
    signer = x509.Certificate.load(signer_cert_der)
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [OID_CSCA_MASTER_LIST]},
        {"type": "signing_time", "values": [cms.Time({"utc_time": datetime.now(UTC)})]},
        {"type": "message_digest", "values": [digest(hash_algorithm, content)]},
    ])
    signature, algorithm = sign_bytes(signer_key, bytes(attrs.dump()), hash_algorithm, rsa_pss=False)
    signed = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": hash_algorithm}],
        "encap_content_info": {"content_type": OID_CSCA_MASTER_LIST, "content": core.ParsableOctetString(content)},
        "certificates": [signer],
        "signer_infos": [{
            "version": "v1",
            "sid": {"issuer_and_serial_number": {"issuer": signer.issuer, "serial_number": signer.serial_number}},
            "digest_algorithm": {"algorithm": hash_algorithm},
            "signed_attrs": attrs,
            "signature_algorithm": algorithm,
            "signature": signature,
        }],
    })
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())

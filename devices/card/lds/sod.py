"""EF.SOD: tag 77 wrapping a CMS SignedData (RFC 5652) whose content is the LDSSecurityObject (ICAO 9303-10 §4.6.2,
9303-12 §4.6 and Appendix). Parse it into plain values, and build/sign one for the emulator's test issuer.

LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm AlgorithmIdentifier, dataGroupHashValues SEQUENCE OF
DataGroupHash { dataGroupNumber, dataGroupHashValue }, ldsVersionInfo OPTIONAL }.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import algos, cms, core, x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from devices.card.lds.errors import LdsError
from devices.card.lds.files import TAG_SOD
from devices.card.tlv import TlvError, encode_tlv, parse_single
from devices.card.trust.signatures import ASN1_ERRORS

OID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"



class DataGroupHash(core.Sequence):  # type: ignore[misc]
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]  # noqa: RUF012


class DataGroupHashValues(core.SequenceOf):  # type: ignore[misc]
    _child_spec = DataGroupHash


class LdsVersionInfo(core.Sequence):  # type: ignore[misc]
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]  # noqa: RUF012


class LdsSecurityObject(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LdsVersionInfo, {"optional": True}),
    ]


@dataclass(frozen=True)
class Sod:
    """What EF.SOD says: the hash algorithm and signed hash per data group, plus the CMS pieces to verify."""

    hash_algorithm: str                       # hashlib name: "sha256", "sha1", …
    hashes: Mapping[int, bytes]
    lds_version: str
    signed_data: cms.SignedData
    signer_certificate: x509.Certificate | None

    def __repr__(self) -> str:
        return f"Sod({self.hash_algorithm}, groups={sorted(self.hashes)})"


def parse_sod(data: bytes) -> Sod:
    try:
        outer = parse_single(data)
    except TlvError as exc:
        raise LdsError(str(exc), file="EF.SOD") from exc
    if outer.tag != TAG_SOD:
        raise LdsError(f"outer tag {outer.tag:X} is not 77", file="EF.SOD")
    try:
        return _parse_content(outer.value)
    except LdsError:
        raise
    except ASN1_ERRORS as exc:
        raise LdsError(f"CMS structure is malformed ({type(exc).__name__})", file="EF.SOD") from exc


def _parse_content(der: bytes) -> Sod:
    info = cms.ContentInfo.load(der, strict=True)
    if info["content_type"].native != "signed_data":
        raise LdsError("content is not SignedData", file="EF.SOD")
    signed = info["content"]
    encap = signed["encap_content_info"]
    if encap["content_type"].dotted != OID_LDS_SECURITY_OBJECT:
        raise LdsError("signed content is not an LDSSecurityObject", file="EF.SOD")
    content = encap["content"]
    if content is None or isinstance(content, core.Void):
        raise LdsError("signed content is missing", file="EF.SOD")
    lso = LdsSecurityObject.load(content.contents, strict=True)
    algorithm = hash_name(lso["hash_algorithm"]["algorithm"].native)
    hashes: dict[int, bytes] = {}
    for item in lso["data_group_hash_values"]:
        number = item["data_group_number"].native
        if not isinstance(number, int) or not 1 <= number <= 16:
            raise LdsError("data group number out of range", file="EF.SOD")
        hashes[number] = item["data_group_hash_value"].native
    version_info = lso["lds_version_info"]
    lds_version = "" if isinstance(version_info, core.Void) else str(version_info["lds_version"].native)
    return Sod(
        hash_algorithm=algorithm, hashes=hashes, lds_version=lds_version, signed_data=signed,
        signer_certificate=_signer_certificate(signed),
    )


def hash_name(name: str) -> str:
    """asn1crypto's digest name as a hashlib name, refusing the ones ICAO does not allow."""
    allowed = {"sha1", "sha224", "sha256", "sha384", "sha512"}
    if name not in allowed:
        raise LdsError(f"hash algorithm {name!r} is not allowed", file="EF.SOD")
    return name


def _signer_certificate(signed: cms.SignedData) -> x509.Certificate | None:
    infos = signed["signer_infos"]
    if len(infos) != 1:
        raise LdsError(f"{len(infos)} signer infos, expected 1", file="EF.SOD")
    sid = infos[0]["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.issuer == wanted["issuer"] and cert.serial_number == wanted["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def digest(name: str, data: bytes) -> bytes:
    return hashlib.new(name, data).digest()


# ---- building (test issuer / emulator) ----

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def build_lds_security_object(groups: Mapping[int, bytes], hash_algorithm: str = "sha256") -> bytes:
    values = [
        {"data_group_number": number, "data_group_hash_value": digest(hash_algorithm, groups[number])}
        for number in sorted(groups)
    ]
    lso = LdsSecurityObject({
        "version": 0,
        "hash_algorithm": {"algorithm": hash_algorithm},
        "data_group_hash_values": values,
    })
    return bytes(lso.dump())


def sign_sod(
    groups: Mapping[int, bytes], signer_key: SigningKey, signer_cert_der: bytes, *, hash_algorithm: str = "sha256",
    rsa_pss: bool = False, signing_time: datetime | None = None,
) -> bytes:
    """EF.SOD over `groups` (DG number → whole file bytes), signed by the Document Signer."""
    content = build_lds_security_object(groups, hash_algorithm)
    cert = x509.Certificate.load(signer_cert_der)
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [OID_LDS_SECURITY_OBJECT]},
        {"type": "signing_time", "values": [cms.Time({"utc_time": signing_time or datetime.now(UTC)})]},
        {"type": "message_digest", "values": [digest(hash_algorithm, content)]},
    ])
    to_sign = bytes(attrs.dump())
    signature, algorithm = sign_bytes(signer_key, to_sign, hash_algorithm, rsa_pss)
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({
            "issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}
        }),
        "digest_algorithm": {"algorithm": hash_algorithm},
        "signed_attrs": attrs,
        "signature_algorithm": algorithm,
        "signature": signature,
    })
    signed = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": hash_algorithm}],
        "encap_content_info": {
            "content_type": OID_LDS_SECURITY_OBJECT,
            "content": core.ParsableOctetString(content),
        },
        "certificates": [cert],
        "signer_infos": [signer_info],
    })
    info = cms.ContentInfo({"content_type": "signed_data", "content": signed})
    return encode_tlv(TAG_SOD, bytes(info.dump()))


def sign_bytes(key: SigningKey, data: bytes, hash_algorithm: str, rsa_pss: bool) -> tuple[bytes, dict[str, Any]]:
    chosen = _HASHES[hash_algorithm]()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(chosen)), {"algorithm": f"{hash_algorithm}_ecdsa"}
    if rsa_pss:
        salt = chosen.digest_size
        pss = padding.PSS(mgf=padding.MGF1(_HASHES[hash_algorithm]()), salt_length=salt)
        params = {
            "hash_algorithm": {"algorithm": hash_algorithm},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": hash_algorithm}},
            "salt_length": salt,
            "trailer_field": "trailer_field_bc",
        }
        return key.sign(data, pss, chosen), {"algorithm": "rsassa_pss", "parameters": params}
    return key.sign(data, padding.PKCS1v15(), chosen), {"algorithm": f"{hash_algorithm}_rsa"}

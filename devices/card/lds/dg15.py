"""DG15: the Active Authentication public key, a SubjectPublicKeyInfo (RSA or EC) behind tag 6F
(ICAO 9303-10 §4.7.15, 9303-11 §6.1)."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from devices.card.lds.errors import LdsError
from devices.card.tlv import TlvError, encode_tlv, parse_single
from devices.card.trust.public_keys import UnsupportedAlgorithmError, load_spki

TAG_DG15 = 0x6F

AaPublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


def parse_dg15(data: bytes) -> AaPublicKey:
    try:
        outer = parse_single(data)
    except TlvError as exc:
        raise LdsError(str(exc), file="DG15") from exc
    if outer.tag != TAG_DG15:
        raise LdsError(f"outer tag {outer.tag:X} is not 6F", file="DG15")
    try:
        return load_spki(outer.value)
    except UnsupportedAlgorithmError as exc:
        raise LdsError(f"public key cannot be used: {exc}", file="DG15") from exc


def build_dg15(key: AaPublicKey) -> bytes:
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return encode_tlv(TAG_DG15, spki)

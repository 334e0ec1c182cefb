"""Encode an EC public key with explicit domain parameters (RFC 3279 §2.3.5 `specifiedCurve`, X9.62 ECParameters),
the way many issuers write DG14 / DG15 keys (ICAO 9303-11 §9.4, BSI TR-03111 §4.1), so the emulator can personalise
chips like that and the reader's handling of them is exercised.

The prime, coefficients and order are the published values of RFC 5639 §3.4-§3.7 (Brainpool) and SEC 2 §2.4.2
(secp256r1); the generator is taken from the library as the public key of private scalar 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


@dataclass(frozen=True)
class _Params:
    p: int
    a: int
    b: int
    n: int


_PARAMS: dict[str, _Params] = {
    "brainpoolP256r1": _Params(
        p=0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
        a=0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
        b=0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
        n=0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
    ),
    "brainpoolP384r1": _Params(
        p=int("8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53", 16),
        a=int("7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826", 16),
        b=int("04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11", 16),
        n=int("8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565", 16),
    ),
    "brainpoolP512r1": _Params(
        p=int("AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E6"
              "2881FF2F2D82C68528AA6056583A48F3", 16),
        a=int("7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B5"
              "7F1117A72BF2C7B9E7C1AC4D77FC94CA", 16),
        b=int("3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67"
              "984050B75EBAE5DD2809BD638016F723", 16),
        n=int("AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC1047"
              "1DB1D381085DDADDB58796829CA90069", 16),
    ),
    "secp256r1": _Params(
        p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        a=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
        b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    ),
}

EXPLICIT_CURVES = frozenset(_PARAMS)


def _uncompressed(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def explicit_spki(key: ec.EllipticCurvePublicKey) -> bytes:
    """SubjectPublicKeyInfo DER of `key` with its curve spelt out; ValueError for a curve not listed here."""
    params = _PARAMS.get(key.curve.name)
    if params is None:
        raise ValueError(f"no explicit domain parameters for {key.curve.name}")
    size = (params.p.bit_length() + 7) // 8
    generator = _uncompressed(ec.derive_private_key(1, key.curve).public_key())
    domain = keys.SpecifiedECDomain({
        "version": "ecdpVer1",
        "field_id": {"field_type": "prime_field", "parameters": params.p},
        "curve": {"a": params.a.to_bytes(size, "big"), "b": params.b.to_bytes(size, "big")},
        "base": generator,
        "order": params.n,
        "cofactor": 1,
    })
    algorithm = keys.PublicKeyAlgorithm({
        "algorithm": "ec", "parameters": keys.ECDomainParameters(name="specified", value=domain),
    })
    return bytes(keys.PublicKeyInfo({"algorithm": algorithm, "public_key": _uncompressed(key)}).dump())

"""SecurityInfos as in EF.CardAccess and DG14 (ICAO 9303-11 §9.2, BSI TR-03110-3 §A.1).

SecurityInfos ::= SET OF SecurityInfo; SecurityInfo ::= SEQUENCE { protocol OBJECT IDENTIFIER, requiredData ANY,
optionalData ANY OPTIONAL }. PACEInfo, ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo and
ActiveAuthenticationInfo are decoded; anything else is kept raw (`UnknownSecurityInfo`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import core, keys

from devices.card.lds.errors import LdsError
from devices.card.trust.signatures import ASN1_ERRORS

BSI_DE = "0.4.0.127.0.7.2.2"
ID_PK = f"{BSI_DE}.1"            # ChipAuthenticationPublicKeyInfo: .1 DH, .2 ECDH
ID_CA = f"{BSI_DE}.3"            # ChipAuthenticationInfo: .1 DH / .2 ECDH, then cipher
ID_PACE = f"{BSI_DE}.4"          # PACEInfo: mapping, then cipher
ID_PK_DH = f"{ID_PK}.1"
ID_PK_ECDH = f"{ID_PK}.2"
ID_AA = "2.23.136.1.1.5"         # id-icao-mrtd-security-aaProtocolObject

# Cipher suffix shared by PACE and CA object identifiers.
CIPHERS = {1: "3DES-CBC-CBC", 2: "AES-CBC-CMAC-128", 3: "AES-CBC-CMAC-192", 4: "AES-CBC-CMAC-256"}
PACE_MAPPINGS = {1: "DH-GM", 2: "ECDH-GM", 3: "DH-IM", 4: "ECDH-IM", 6: "ECDH-CAM"}

# Standardized domain parameters (9303-11 §9.5.1, Table 6): parameterId → curve/group name.
STANDARD_PARAMETERS: dict[int, str] = {
    0: "modp1024_160", 1: "modp2048_224", 2: "modp2048_256",
    8: "secp192r1", 9: "brainpoolP192r1", 10: "secp224r1", 11: "brainpoolP224r1", 12: "secp256r1",
    13: "brainpoolP256r1", 14: "brainpoolP320r1", 15: "secp384r1", 16: "brainpoolP384r1", 17: "brainpoolP512r1",
    18: "secp521r1",
}
PARAMETER_IDS: dict[str, int] = {name: pid for pid, name in STANDARD_PARAMETERS.items()}


@dataclass(frozen=True)
class PaceInfo:
    protocol_oid: str
    version: int
    parameter_id: int | None

    @property
    def mapping(self) -> str:
        """"ECDH-GM", "DH-GM", "ECDH-IM", …"""
        return PACE_MAPPINGS.get(int(self.protocol_oid.split(".")[-2]), "unknown")

    @property
    def cipher(self) -> str:
        return CIPHERS.get(int(self.protocol_oid.split(".")[-1]), "unknown")

    @property
    def curve(self) -> str | None:
        return STANDARD_PARAMETERS.get(self.parameter_id) if self.parameter_id is not None else None


@dataclass(frozen=True)
class ChipAuthenticationInfo:
    protocol_oid: str
    version: int
    key_id: int | None

    @property
    def cipher(self) -> str:
        return CIPHERS.get(int(self.protocol_oid.split(".")[-1]), "unknown")


@dataclass(frozen=True)
class ChipAuthenticationPublicKeyInfo:
    protocol_oid: str
    public_key_der: bytes  # SubjectPublicKeyInfo DER
    key_id: int | None


@dataclass(frozen=True)
class ActiveAuthenticationInfo:
    protocol_oid: str
    version: int
    signature_algorithm_oid: str  # e.g. 1.2.840.10045.4.3.2 ecdsa-with-SHA256


@dataclass(frozen=True)
class UnknownSecurityInfo:
    protocol_oid: str
    der: bytes


SecurityInfo = PaceInfo | ChipAuthenticationInfo | ChipAuthenticationPublicKeyInfo | ActiveAuthenticationInfo | (
    UnknownSecurityInfo
)


class _Info(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012
        ("protocol", core.ObjectIdentifier),
        ("required_data", core.Any),
        ("optional_data", core.Any, {"optional": True}),
    ]


class _Infos(core.SetOf):  # type: ignore[misc]
    _child_spec = _Info


def _int(value: core.Any) -> int:
    parsed = value.parse(core.Integer)
    number = parsed.native
    if not isinstance(number, int):
        raise LdsError("expected an INTEGER", file="SecurityInfos")
    return number


def _optional_int(info: _Info) -> int | None:
    optional = info["optional_data"]
    return None if isinstance(optional, core.Void) else _int(optional)


def _decode(info: _Info) -> SecurityInfo:
    oid = info["protocol"].dotted
    raw = bytes(info.dump())
    if oid.startswith(ID_PACE + ".") and oid.count(".") == ID_PACE.count(".") + 2:
        return PaceInfo(oid, _int(info["required_data"]), _optional_int(info))
    if oid.startswith(ID_CA + ".") and oid.count(".") == ID_CA.count(".") + 2:
        return ChipAuthenticationInfo(oid, _int(info["required_data"]), _optional_int(info))
    if oid in (ID_PK_DH, ID_PK_ECDH):
        spki = info["required_data"].parse(keys.PublicKeyInfo)
        der = bytes(spki.dump(force=False))
        _ = spki["algorithm"]["algorithm"].dotted
        return ChipAuthenticationPublicKeyInfo(oid, der, _optional_int(info))
    if oid == ID_AA:
        algorithm = info["optional_data"]
        if isinstance(algorithm, core.Void):
            raise LdsError("ActiveAuthenticationInfo names no signature algorithm", file="SecurityInfos")
        return ActiveAuthenticationInfo(
            oid, _int(info["required_data"]), algorithm.parse(core.ObjectIdentifier).dotted
        )
    return UnknownSecurityInfo(oid, raw)


def parse_security_infos(der: bytes) -> list[SecurityInfo]:
    """Decode a DER SET OF SecurityInfo (the whole of EF.CardAccess, or the content of DG14)."""
    try:
        infos = _Infos.load(der, strict=True)
        return [_decode(info) for info in infos]
    except LdsError:
        raise
    except ASN1_ERRORS as exc:
        raise LdsError(f"malformed SecurityInfos ({type(exc).__name__})", file="SecurityInfos") from exc


def pace_oid(mapping: str = "ECDH-GM", cipher: str = "AES-CBC-CMAC-128") -> str:
    m = {v: k for k, v in PACE_MAPPINGS.items()}[mapping]
    c = {v: k for k, v in CIPHERS.items()}[cipher]
    return f"{ID_PACE}.{m}.{c}"


def ca_oid(agreement: str = "ECDH", cipher: str = "AES-CBC-CMAC-128") -> str:
    a = {"DH": 1, "ECDH": 2}[agreement]
    c = {v: k for k, v in CIPHERS.items()}[cipher]
    return f"{ID_CA}.{a}.{c}"


def _encode(info: SecurityInfo) -> _Info:
    if isinstance(info, UnknownSecurityInfo):
        loaded: _Info = _Info.load(info.der)
        return loaded
    if isinstance(info, PaceInfo | ChipAuthenticationInfo):
        optional = info.parameter_id if isinstance(info, PaceInfo) else info.key_id
        fields = {"protocol": info.protocol_oid, "required_data": core.Integer(info.version)}
        if optional is not None:
            fields["optional_data"] = core.Integer(optional)
        return _Info(fields)
    if isinstance(info, ChipAuthenticationPublicKeyInfo):
        fields = {"protocol": info.protocol_oid, "required_data": core.Any.load(info.public_key_der)}
        if info.key_id is not None:
            fields["optional_data"] = core.Integer(info.key_id)
        return _Info(fields)
    return _Info({
        "protocol": info.protocol_oid,
        "required_data": core.Integer(info.version),
        "optional_data": core.ObjectIdentifier(info.signature_algorithm_oid),
    })


def build_security_infos(infos: Iterable[SecurityInfo]) -> bytes:
    """DER SET OF SecurityInfo."""
    return bytes(_Infos([_encode(i) for i in infos]).dump())


def build_card_access(curve: str, *, mapping: str = "ECDH-GM", cipher: str = "AES-CBC-CMAC-128") -> bytes:
    """EF.CardAccess offering PACE with one standardized curve, e.g. "brainpoolP256r1" or "secp256r1"."""
    if curve not in PARAMETER_IDS:
        raise ValueError(f"curve {curve!r} is not a standardized PACE domain parameter")
    return build_security_infos([PaceInfo(pace_oid(mapping, cipher), 2, PARAMETER_IDS[curve])])

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devices.card.lds.dg14 import build_dg14, parse_dg14
from devices.card.lds.errors import LdsError
from devices.card.lds.security_infos import (
    ID_AA,
    ID_PK_ECDH,
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    PaceInfo,
    SecurityInfo,
    UnknownSecurityInfo,
    build_card_access,
    build_security_infos,
    ca_oid,
    parse_security_infos,
)


def test_card_access_for_brainpool_p256_matches_the_icao_encoding() -> None:
    data = build_card_access("brainpoolP256r1")
    # 9303-11 Appendix: PACEInfo id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, parameterId 13.
    assert data == bytes.fromhex("31143012060A04007F0007020204020202010202010D")
    (info,) = parse_security_infos(data)
    assert isinstance(info, PaceInfo)
    assert (info.mapping, info.cipher, info.version) == ("ECDH-GM", "AES-CBC-CMAC-128", 2)
    assert info.curve == "brainpoolP256r1"


def test_dg14_round_trip_keeps_every_kind_and_unknowns() -> None:
    spki = ec.generate_private_key(ec.BrainpoolP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    terminal_auth = bytes.fromhex("300D060804007F0007020202020101")
    unknown = UnknownSecurityInfo("0.4.0.127.0.7.2.2.2", terminal_auth)
    infos: list[SecurityInfo] = [
        ChipAuthenticationInfo(ca_oid("ECDH", "AES-CBC-CMAC-256"), 1, 7),
        ChipAuthenticationPublicKeyInfo(ID_PK_ECDH, spki, 7),
        ActiveAuthenticationInfo(ID_AA, 1, "1.2.840.10045.4.3.2"),
        unknown,
    ]
    parsed = parse_dg14(build_dg14(infos))
    assert sorted(map(repr, parsed)) == sorted(map(repr, infos))
    ca = next(i for i in parsed if isinstance(i, ChipAuthenticationInfo))
    assert ca.cipher == "AES-CBC-CMAC-256"


def test_pace_info_without_parameter_id() -> None:
    (info,) = parse_security_infos(build_security_infos([PaceInfo("0.4.0.127.0.7.2.2.4.2.4", 2, None)]))
    assert info == PaceInfo("0.4.0.127.0.7.2.2.4.2.4", 2, None)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x31", b"\x31\x02\x30\x00", bytes.fromhex("3108300606010002020101")[:-1],
     bytes.fromhex("310E300C060A04007F000702020402020C00")],
)
def test_malformed_security_infos_raise_lds_error(data: bytes) -> None:
    with pytest.raises(LdsError):
        parse_security_infos(data)


def test_unknown_curve_is_refused_when_building() -> None:
    with pytest.raises(ValueError, match="standardized"):
        build_card_access("curve25519")

"""ICAO 9303-11 Appendix G.1: the worked PACE example (ECDH Generic Mapping, brainpoolP256r1, AES-128)."""

from __future__ import annotations

from devices.card.lds.check_digit import check_digit
from devices.card.protocol import cipher
from devices.card.protocol.cipher import AES128
from devices.card.protocol.ec_point import BRAINPOOLP256R1 as CURVE
from devices.card.protocol.pace import auth_token, map_generator, password_key, session_keys

OID = "0.4.0.127.0.7.2.2.4.2.2"


def _mrz_info() -> str:
    fields = ("T22000129", "640812", "101031")
    return "".join(f + check_digit(f) for f in fields)


def _h(text: str) -> int:
    return int(text.replace(" ", ""), 16)


def test_password_key_and_nonce_match_the_standard() -> None:
    k_pi = password_key(_mrz_info(), AES128)
    assert k_pi.hex().upper() == "89DED1B26624EC1E634C1989302849DD"
    nonce = cipher.decrypt(AES128, k_pi, bytes.fromhex("95A3A016522EE98D01E76CB6B98B42C3"))
    assert nonce.hex().upper() == "3F00C4D39D153F2B2A214A078D899B22"


def test_mapping_ephemeral_agreement_and_tokens_match_the_standard() -> None:
    terminal_map = _h("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99")
    chip_map = _h("498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560")
    assert CURVE.multiply(terminal_map, CURVE.generator) == (
        _h("7ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"),
        _h("544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"))
    chip_map_public = CURVE.multiply(chip_map, CURVE.generator)
    shared = CURVE.multiply(terminal_map, chip_map_public)
    assert shared == (_h("60332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"),
                      _h("0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"))
    assert shared is not None
    generator = map_generator(CURVE, bytes.fromhex("3F00C4D39D153F2B2A214A078D899B22"), shared)
    assert generator == (_h("8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"),
                         _h("8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"))

    terminal_eph = _h("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595")
    chip_eph = _h("107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A")
    terminal_public = CURVE.multiply(terminal_eph, generator)
    chip_public = CURVE.multiply(chip_eph, generator)
    assert terminal_public == (_h("2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"),
                               _h("3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"))
    assert chip_public == (_h("9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"),
                           _h("7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"))
    assert terminal_public is not None and chip_public is not None
    secret = CURVE.multiply(terminal_eph, chip_public)
    assert secret is not None
    assert secret[0] == _h("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
    session = session_keys(AES128, secret[0], CURVE)
    assert session.k_enc.hex().upper() == "F5F0E35C0D7161EE6724EE513A0D9A7F"
    assert session.k_mac.hex().upper() == "FE251C7858B356B24514B3BD5F4297D1"
    assert auth_token(AES128, session.k_mac, OID, CURVE, chip_public).hex().upper() == "C2B0BD78D94BA866"
    assert auth_token(AES128, session.k_mac, OID, CURVE, terminal_public).hex().upper() == "3ABB9674BCE93C08"

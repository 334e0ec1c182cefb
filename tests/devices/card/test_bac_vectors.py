"""ICAO 9303-11 Appendix D: the complete worked BAC example, checked value by value."""

from __future__ import annotations

from devices.card.protocol.apdu import CommandApdu, ResponseApdu
from devices.card.protocol.bac import derive_bac_keys, external_authenticate_data, session_from_response
from devices.card.protocol.secure_messaging import SmSession, unwrap_response, wrap_command

MRZ_INFO = "L898902C<369080619406236"
RND_IC = bytes.fromhex("4608F91988702212")
RND_IFD = bytes.fromhex("781723860C06C226")
K_IFD = bytes.fromhex("0B795240CB7049B01C19B33E32804F0B")
CHIP_ANSWER = bytes.fromhex(
    "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")


def test_key_derivation_matches_the_standard() -> None:
    keys = derive_bac_keys(MRZ_INFO)
    assert keys.k_seed.hex().upper() == "239AB9CB282DAF66231DC5A4DF6BFBAE"
    assert keys.k_enc.hex().upper() == "AB94FDECF2674FDFB9B391F85D7F76F2"
    assert keys.k_mac.hex().upper() == "7962D9ECE03D1ACD4C76089DCE131543"


def test_external_authenticate_cryptogram_matches_the_standard() -> None:
    data = external_authenticate_data(derive_bac_keys(MRZ_INFO), RND_IC, RND_IFD, K_IFD)
    assert data.hex().upper() == (
        "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")


def _session() -> SmSession:
    return session_from_response(derive_bac_keys(MRZ_INFO), CHIP_ANSWER, RND_IC, RND_IFD, K_IFD)


def test_session_keys_and_ssc_match_the_standard() -> None:
    session = _session()
    assert session.k_enc.hex().upper() == "979EC13B1CBFE9DCD01AB0FED307EAE5"
    assert session.k_mac.hex().upper() == "F1CB1F1FB5ADF208806B89DC579DC1F8"
    assert session.ssc == 0x887022120C06C226


def test_protected_select_and_reads_match_the_standard() -> None:
    session = _session()
    select = wrap_command(session, CommandApdu(0x00, 0xA4, 0x02, 0x0C, bytes.fromhex("011E")))
    assert select.to_bytes().hex().upper() == "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"
    answer = unwrap_response(session, ResponseApdu.from_bytes(bytes.fromhex("990290008E08FA855A5D4C50A8ED9000")))
    assert answer == ResponseApdu(b"", 0x9000)

    head = wrap_command(session, CommandApdu(0x00, 0xB0, 0x00, 0x00, b"", 4))
    assert head.to_bytes().hex().upper() == "0CB000000D9701048E08ED6705417E96BA5500"
    first = unwrap_response(session, ResponseApdu.from_bytes(bytes.fromhex(
        "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")))
    assert first.data.hex().upper() == "60145F01"

    rest = wrap_command(session, CommandApdu(0x00, 0xB0, 0x00, 0x04, b"", 0x12))
    assert rest.to_bytes().hex().upper() == "0CB000040D9701128E082EA28A70F3C7B53500"
    second = unwrap_response(session, ResponseApdu.from_bytes(bytes.fromhex(
        "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000")))
    assert second.data.hex().upper() == "04303130365F36063034303030305C026175"
    assert session.ssc == 0x887022120C06C22C

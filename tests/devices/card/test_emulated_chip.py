"""The emulated chip answers like an eMRTD chip: right status words, sessions dropped on SM errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.card.access_keys import from_details
from devices.card.emulator.chip import EmulatedChip
from devices.card.emulator.inprocess import InProcessChannel
from devices.card.emulator.personalise import CardImage
from devices.card.errors import SecureMessagingError
from devices.card.protocol.apdu import CommandApdu, ResponseApdu
from devices.card.protocol.bac import perform_bac
from devices.card.protocol.file_reader import FileReader
from devices.card.protocol.secure_messaging import SecureMessagingTransport, unwrap_response, wrap_command
from devices.card.protocol.transport import ApduTransport

AID = bytes.fromhex("A0000002471001")


def _sw(chip: EmulatedChip, command: CommandApdu) -> int:
    return ResponseApdu.from_bytes(chip.process(command.to_bytes())).sw


def _bac(image: CardImage) -> tuple[EmulatedChip, SecureMessagingTransport]:
    chip = EmulatedChip(image)
    transport = ApduTransport(InProcessChannel(chip))
    transport.transmit(CommandApdu(0, 0xA4, 4, 0x0C, AID))
    key = from_details(image.mrz_info[:9], image.mrz_info[10:16], image.mrz_info[17:23])
    return chip, SecureMessagingTransport(transport, perform_bac(transport, key.mrz_info))


def test_status_words_before_access_control(bac_image: CardImage) -> None:
    chip = EmulatedChip(bac_image)
    assert _sw(chip, CommandApdu(0, 0xA4, 4, 0x0C, b"\xa0\x00")) == 0x6A82
    assert _sw(chip, CommandApdu(0, 0xA4, 4, 0x0C, AID)) == 0x9000
    assert _sw(chip, CommandApdu(0, 0xA4, 2, 0x0C, b"\x01\x01")) == 0x6982
    assert _sw(chip, CommandApdu(0, 0xB0, 0x81, 0, b"", 4)) == 0x6982
    assert _sw(chip, CommandApdu(0, 0x82, 0, 0, bytes(40), 40)) == 0x6982  # no challenge asked for
    assert _sw(chip, CommandApdu(0, 0x84, 0, 0, b"", 8)) == 0x9000
    assert _sw(chip, CommandApdu(0, 0x82, 0, 0, bytes(40), 40)) == 0x6982  # wrong cryptogram
    assert _sw(chip, CommandApdu(0, 0xCA, 0, 0, b"", 4)) == 0x6D00
    assert _sw(chip, CommandApdu(0x0C, 0xB0, 0, 0, b"\x8e\x08" + bytes(8), 256)) == 0x6988
    assert chip.process(bytes.fromhex("00B081000000")) == bytes.fromhex("6700")  # extended on a short chip


def test_bad_mac_ends_the_session(bac_image: CardImage) -> None:
    chip, secure = _bac(bac_image)
    assert FileReader(secure).read(0x011E) is not None
    forged = wrap_command(secure.session, CommandApdu(0, 0xB0, 0x81, 0, b"", 4))
    tampered = CommandApdu(forged.cla, forged.ins, forged.p1, forged.p2, forged.data[:-1] + b"\x00", forged.ne)
    assert _sw(chip, tampered) == 0x6988
    assert not chip.authenticated
    with pytest.raises(SecureMessagingError):
        secure.transmit(CommandApdu(0, 0xB0, 0x81, 0, b"", 4))


def test_missing_file_and_offsets(bac_image: CardImage) -> None:
    _, secure = _bac(bac_image)
    reader = FileReader(secure)
    assert reader.read(0x0105) is None
    dg1 = reader.read(0x0101)
    assert dg1 is not None and dg1[0] == 0x61
    beyond = secure.transmit(CommandApdu(0, 0xB0, 0x10, 0x00, b"", 4))
    assert beyond.sw == 0x6B00


def test_odd_ins_read_binary_returns_the_same_bytes(bac_image: CardImage) -> None:
    _, secure = _bac(bac_image)
    reader = FileReader(secure)
    dg2 = reader.read(0x0102)
    assert dg2 is not None
    tail = reader._read_odd(100, 50, 0x0102)
    assert tail == dg2[100:150]


def test_short_reads_use_the_largest_le_the_envelope_allows(bac_image: CardImage) -> None:
    chip, secure = _bac(bac_image)
    before = secure.apdu_count
    dg2 = FileReader(secure).read(0x0102)
    assert dg2 is not None
    assert secure.apdu_count - before == -(-len(dg2) // 0xE7)
    assert chip.authenticated


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands=st.lists(st.binary(min_size=4, max_size=80), max_size=6))
def test_chip_answers_any_bytes_with_a_status_word(bac_image: CardImage, commands: list[bytes]) -> None:
    """Fuzz target for the chip side: garbage from a terminal never crashes it, before or after access control."""
    chip, _ = _bac(bac_image)
    for raw in commands:
        for prefix in (b"", bytes([raw[0] | 0x0C])):
            answer = chip.process(prefix + raw[len(prefix):])
            assert len(answer) >= 2


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=120), sw=st.integers(0, 0xFFFF))
def test_terminal_refuses_any_forged_protected_response(bac_image: CardImage, data: bytes, sw: int) -> None:
    _, secure = _bac(bac_image)
    try:
        answer = unwrap_response(secure.session, ResponseApdu(data, sw))
    except SecureMessagingError:
        return
    assert answer.data == b"" and not answer.ok  # only a bare error status passes without a MAC


def test_a_chip_checking_access_before_length_refuses_an_extended_read_in_that_order(bac_image: CardImage) -> None:
    import dataclasses

    from devices.card.emulator.chip import ChipBehaviour

    chip = EmulatedChip(dataclasses.replace(bac_image, behaviour=ChipBehaviour(length_check="after_access")))

    def extended(command: CommandApdu) -> int:
        return ResponseApdu.from_bytes(chip.process(command.to_bytes(extended=True))).sw

    assert extended(CommandApdu(0, 0xB0, 0x00, 0, b"", 65536)) == 0x6985      # no current file
    assert extended(CommandApdu(0, 0xB0, 0x9C, 0, b"", 65536)) == 0x6A82      # no EF.CardAccess on this chip
    assert _sw(chip, CommandApdu(0, 0xA4, 4, 0x0C, AID)) == 0x9000
    assert extended(CommandApdu(0, 0xB0, 0x81, 0, b"", 65536)) == 0x6982      # DG1 before access control
    plain = EmulatedChip(bac_image)
    assert ResponseApdu.from_bytes(plain.process(CommandApdu(0, 0xB0, 0x9C, 0, b"", 65536).to_bytes(
        extended=True))).sw == 0x6700                                           # the other order: length first


def test_profile_options_for_awkward_chips_are_checked(tmp_path: Path) -> None:
    from devices.card.emulator.profile import ProfileError, load_profile, shipped_profiles_folder

    shipped = shipped_profiles_folder()
    base = (shipped / "demo.toml").read_text(encoding="utf-8").replace(
        'photo = "portrait.jpg"', f'photo = "{shipped / "portrait.jpg"}"')
    good = tmp_path / "good.toml"
    good.write_text(base + 'length_info = "ef_atr_info"\nlength_check = "after_access"\npace_fault = "wrong_token"\n'
                    "length_claim = false\nbad_mac_after = 3\n", encoding="utf-8")
    options = load_profile(good).options
    assert (options.length_info, options.length_check, options.pace_fault) == ("ef_atr_info", "after_access",
                                                                              "wrong_token")
    assert options.length_claim is False and options.bad_mac_after == 3
    for bad in ('length_info = "header"', 'pace_fault = "sometimes"', "bad_mac_after = -1", 'length_claim = "yes"'):
        path = tmp_path / "bad.toml"
        path.write_text(base + bad + "\n", encoding="utf-8")
        with pytest.raises(ProfileError):
            load_profile(path)

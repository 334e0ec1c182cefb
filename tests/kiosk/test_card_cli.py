"""`kiosk card read` refuses bad access details before touching any reader, with a translated message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.card import identity_json


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--qr", "not a cccd qr"], "QR"),
        (["--mrz", "IDVNM123"], "MRZ"),
        (["--id-number", "001190012345", "--birth", "900314"], "--id-number"),
        (["--id-number", "12", "--birth", "900314", "--expiry", "300314"], "12"),
        ([], "--mrz"),
    ],
)
def test_bad_access_details_exit_2_with_a_message(args: list[str], needle: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "read", *args, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "not in the right form" in err
    assert needle in err


def test_vietnamese_is_the_default_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "read", "--qr", "x"]) == 2
    assert "chưa đúng dạng" in capsys.readouterr().err


def test_missing_trust_store_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["card", "read", "--id-number", "001190012345", "--birth", "900314", "--expiry", "300314",
                 "--trust-store", str(tmp_path / "absent"), "--lang", "en"])
    assert code == 2
    assert "trusted certificate folder" in capsys.readouterr().err


def test_emulate_with_a_missing_profile_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["card", "emulate", "--profile", str(tmp_path / "none.toml"), "--issuer-dir", str(tmp_path / "i"),
                 "--lang", "en"])
    assert code == 2
    assert "profile cannot be used" in capsys.readouterr().err


def test_identity_json_has_the_contract_fields(tmp_path: Path) -> None:
    from devices.card.access_keys import from_details
    from devices.card.emulator.inprocess import inprocess_transport
    from devices.card.emulator.personalise import TestIssuer, load_profile, personalise
    from devices.card.emulator.profile import shipped_profiles_folder
    from devices.card.reader import read_card

    image = personalise(load_profile(shipped_profiles_folder() / "no_expiry.toml"), TestIssuer.generate())
    identity = read_card(inprocess_transport(image), [from_details("036158007890", "580520", "991231")], None)
    payload = identity_json(identity)
    assert set(payload) == {
        "id_number", "document_number", "full_name", "date_of_birth", "sex", "nationality", "ethnicity", "religion",
        "place_of_origin", "place_of_residence", "identifying_marks", "date_of_issue", "date_of_expiry",
        "father_name", "mother_name", "spouse_name", "old_id_number", "mrz", "photo", "security"}
    assert payload["date_of_expiry"] is None
    assert payload["date_of_birth"] == "1958-05-20"
    assert payload["security"]["passive_auth"] == "unchecked"

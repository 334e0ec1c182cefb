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


# ---- what `kiosk card read` says for each chip failure, with the emulated chip standing in for the PC/SC reader --
DEMO = ["--id-number", "001190012345", "--birth", "900314", "--expiry", "300314"]


@pytest.fixture(scope="module")
def demo_card() -> tuple[object, object]:
    from devices.card.emulator.personalise import TestIssuer, load_profile, personalise
    from devices.card.emulator.profile import shipped_profiles_folder

    issuer = TestIssuer.generate()
    return issuer, personalise(load_profile(shipped_profiles_folder() / "demo.toml"), issuer)


def _on_the_reader(monkeypatch: pytest.MonkeyPatch, image: object) -> None:
    """Put `image` on the only reader `kiosk card read` can find (the in-process emulator instead of pcscd)."""
    import devices.card.pcsc as pcsc
    from devices.card.emulator.chip import EmulatedChip
    from devices.card.emulator.inprocess import InProcessChannel

    class Channel(InProcessChannel):
        def __init__(self, reader_name: str) -> None:
            super().__init__(EmulatedChip(image))  # type: ignore[arg-type]

        def close(self) -> None:
            self.removed = True

    monkeypatch.setattr(pcsc, "choose_reader", lambda *_a, **_k: "Emulated reader")
    monkeypatch.setattr(pcsc, "PcscChannel", Channel)


def _behaving(image: object, **behaviour: object) -> object:
    import dataclasses

    from devices.card.emulator.chip import ChipBehaviour

    return dataclasses.replace(image, behaviour=ChipBehaviour(**behaviour))  # type: ignore[type-var,arg-type]


@pytest.mark.parametrize("fault", ["wrong_token", "off_curve_point"])
def test_a_chip_failing_its_side_of_pace_exits_5_not_genuine(fault: str, demo_card: tuple[object, object],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    _on_the_reader(monkeypatch, _behaving(demo_card[1], pace_fault=fault))
    assert main(["card", "read", *DEMO, "--lang", "en"]) == 5
    err = capsys.readouterr().err
    assert "could not prove it is genuine" in err
    assert "MRZ" not in err


def test_a_broken_secure_messaging_link_is_not_called_a_removal(demo_card: tuple[object, object],
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import dataclasses

    short = dataclasses.replace(demo_card[1], extended_length=False)  # type: ignore[type-var]
    _on_the_reader(monkeypatch, _behaving(short, bad_mac_after=2))
    assert main(["card", "read", *DEMO, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "secure link to the chip broke" in err
    assert "left the reader" not in err


def _trust_with_expired_crl(issuer: object, folder: Path) -> Path:
    from datetime import UTC, datetime, timedelta

    from devices.card.emulator.issuer import TestIssuer

    assert isinstance(issuer, TestIssuer)
    issuer.write_trust_store(folder)
    now = datetime.now(UTC)
    (folder / "csca.crl").write_bytes(issuer.crl(this_update=now - timedelta(days=40),
                                                 next_update=now - timedelta(days=5)))
    return folder


def test_an_expired_crl_reads_the_card_unchecked_and_tells_the_technician(
        demo_card: tuple[object, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    _on_the_reader(monkeypatch, demo_card[1])
    trust = _trust_with_expired_crl(demo_card[0], tmp_path / "trust")
    assert main(["card", "read", *DEMO, "--trust-store", str(trust), "--json", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    security = json.loads(out)["security"]
    assert security["passive_auth"] == "unchecked"
    assert security["passive_auth_reason"] == "crl_expired"
    assert "revocation list (CRL)" in err


def test_an_expired_crl_refuses_the_card_when_configured(demo_card: tuple[object, object], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    _on_the_reader(monkeypatch, demo_card[1])
    trust = _trust_with_expired_crl(demo_card[0], tmp_path / "trust")
    config = tmp_path / "kiosk.toml"
    config.write_text('[card]\nexpired_crl = "refuse"\n', encoding="utf-8")
    assert main(["--config", str(config), "card", "read", *DEMO, "--trust-store", str(trust), "--lang", "en"]) == 5
    assert "past its update date" in capsys.readouterr().err


def test_a_revoked_document_signer_exits_5_and_says_revoked(demo_card: tuple[object, object], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from devices.card.emulator.issuer import TestIssuer

    issuer = demo_card[0]
    assert isinstance(issuer, TestIssuer)
    _on_the_reader(monkeypatch, demo_card[1])
    issuer.write_trust_store(tmp_path)
    (tmp_path / "csca.crl").write_bytes(issuer.crl(revoked=[issuer.dsc_cert.serial_number]))
    assert main(["card", "read", *DEMO, "--trust-store", str(tmp_path), "--lang", "en"]) == 5
    assert "has been revoked" in capsys.readouterr().err


def test_the_kiosk_trust_store_carries_the_expired_crl_setting(tmp_path: Path) -> None:
    from kiosk.bootstrap import _trust_store
    from kiosk.config import load_config

    config = load_config(None, {"card": {"trust_store": str(tmp_path), "expired_crl": "refuse"}})
    store = _trust_store(config)
    assert store is not None and store.expired_crl == "refuse"

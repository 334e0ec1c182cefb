from devices.card.emulator.profile import ProfileError
from devices.card.errors import StaffCheckNeededError
from devices.card.lds.errors import LdsError
from devices.card.trust.trust_store import TrustStoreMissingError
from kiosk.i18n import load_catalogue


def test_card_data_errors_have_translated_messages() -> None:
    catalogue = load_catalogue()
    for error in (LdsError, TrustStoreMissingError, ProfileError, StaffCheckNeededError):
        texts = catalogue[error.message_key]
        assert texts["vi"] and texts["en"] and texts["vi"] != texts["en"]



def test_json_security_lists_consistency_problem_codes() -> None:
    from devices.card.identity import AccessProtocol, Identity, PassiveAuthStatus, SecurityReport
    from kiosk.cli.card import identity_json

    report = SecurityReport(AccessProtocol.PACE, PassiveAuthStatus.GENUINE,
                            consistency=("id_number_century_digit", "sex_mismatch"))
    identity = Identity("001390012345", "390012345", "X", None, "F", "VNM", security=report)
    assert identity_json(identity)["security"]["consistency"] == ["id_number_century_digit", "sex_mismatch"]

from devices.card.emulator.profile import ProfileError
from devices.card.lds.errors import LdsError
from devices.card.trust_store import TrustStoreMissingError
from kiosk.i18n import load_catalogue


def test_card_data_errors_have_translated_messages() -> None:
    catalogue = load_catalogue()
    for error in (LdsError, TrustStoreMissingError, ProfileError):
        texts = catalogue[error.message_key]
        assert texts["vi"] and texts["en"] and texts["vi"] != texts["en"]

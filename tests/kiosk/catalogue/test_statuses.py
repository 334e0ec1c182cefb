import pytest

from kiosk.catalogue.loader import load_catalogue
from kiosk.catalogue.statuses import status_view
from kiosk.i18n import Translator


def test_only_a_file_not_yet_accepted_can_be_withdrawn_at_the_kiosk() -> None:
    service = load_catalogue().get("file_status")
    assert status_view(service, 1).can_withdraw
    accepted = status_view(service, 2)
    assert not accepted.can_withdraw and accepted.withdraw_key == "services.withdraw_not_allowed"
    assert status_view(service, 10).withdraw_key == ""


def test_every_status_has_a_label_for_people() -> None:
    service = load_catalogue().get("file_status")
    tr = Translator(language="en")
    for code in range(1, 11):
        view = status_view(service, code)
        assert tr.text(view.label_key)
        if view.withdraw_key:
            assert tr.text(view.withdraw_key)
    with pytest.raises(ValueError):
        status_view(service, 11)

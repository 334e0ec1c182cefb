import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.hospital.checkin import HospitalCheckIn, load_specialties
from kiosk.hospital.insurance import RESULT_CODES, InsuranceAction, InsuranceCheckResult, InsuranceQuery
from kiosk.hospital.queue_numbers import SqliteQueueNumbers
from kiosk.hospital.simulated import DEMO_CARDS, UNREACHABLE_ID, SimulatedInsuranceGateway, demo_id_for
from kiosk.i18n import Translator
from tests.kiosk.forms.samples import IDENTITY

NOW = datetime(2026, 11, 24, 7, 15)
ALL_CODES = ["000", "001", "002", "003", "004", "010", "050", "051", "052", "053", "060", "061", "110", "120",
             "121", "122", "123", "124", "130", "205", "401"]
EXPECTED = {
    "000": InsuranceAction.PROCEED, "003": InsuranceAction.NEW_CARD, "004": InsuranceAction.NEW_CARD,
    "401": InsuranceAction.RETRY,
}


@pytest.fixture
def checkin(tmp_path: Path) -> HospitalCheckIn:
    gateway = SimulatedInsuranceGateway(today=NOW.date)
    return HospitalCheckIn(gateway, SqliteQueueNumbers(tmp_path / "q.sqlite3", lambda: NOW), load_specialties(),
                           6.0, lambda: NOW)


def test_every_result_code_has_a_path_and_a_message() -> None:
    assert sorted(RESULT_CODES) == ALL_CODES
    tr = Translator()
    for code in ALL_CODES:
        meaning = RESULT_CODES[code]
        assert meaning.action is EXPECTED.get(code, InsuranceAction.COUNTER), code
        for lang in ("vi", "en"):
            tr.language = lang
            assert tr.text(meaning.message_key)


def test_an_unknown_code_goes_to_the_counter() -> None:
    assert InsuranceCheckResult(code="999").action is InsuranceAction.COUNTER


@pytest.mark.parametrize("code", ALL_CODES)
def test_simulated_gateway_yields_each_code_and_the_kiosk_follows_its_path(checkin: HospitalCheckIn,
                                                                           code: str) -> None:
    who = IDENTITY if code == "000" else dataclasses.replace(IDENTITY, id_number=demo_id_for(code))
    if code == "060":
        who = dataclasses.replace(IDENTITY, full_name=" ")
    decision = checkin.check_insurance(who)
    assert decision.result is not None
    if code in ("003", "004"):  # the new card is checked again and is valid
        assert decision.action is InsuranceAction.PROCEED
        assert decision.result.card_number.startswith("GD4")
        return
    assert decision.result.code == code
    assert decision.action is RESULT_CODES[code].action
    assert decision.technician_alert == (code == "401")
    ticket = checkin.issue_ticket(who, "NOI", decision)
    if code == "000":
        assert ticket.specialty.code == "NOI" and ticket.patient_type == "insurance"
    else:
        assert ticket.specialty.code == "QUAY" and ticket.patient_type == "self_pay"
        assert ticket.reason_key == RESULT_CODES[code].message_key


def test_unreachable_gateway_means_retry_and_technician_alert(checkin: HospitalCheckIn) -> None:
    decision = checkin.check_insurance(dataclasses.replace(IDENTITY, id_number=UNREACHABLE_ID))
    assert decision.action is InsuranceAction.RETRY and decision.technician_alert and decision.result is None
    assert decision.message_key == "hospital.result_unavailable"
    assert checkin.issue_ticket(IDENTITY, "NOI", decision).specialty.code == "QUAY"


def test_benefit_level_comes_from_the_cards_third_character() -> None:
    assert InsuranceCheckResult("000", card_number="DN4790123456789").benefit_percent == 80
    assert InsuranceCheckResult("000", card_number="TE1790123456789").benefit_percent == 100
    assert InsuranceCheckResult("000", card_number="HN3790123456789").benefit_percent == 95
    assert InsuranceCheckResult("000").benefit_percent is None


def test_expired_card_result_shows_last_years_validity() -> None:
    result = SimulatedInsuranceGateway(today=lambda: date(2026, 11, 24)).check(
        InsuranceQuery(demo_id_for("010"), "Nguyễn Văn An", "05/03/1990"))
    assert result.code == "010" and result.valid_to == date(2025, 12, 31)


def test_personal_data_stays_out_of_reprs() -> None:
    query = InsuranceQuery("001090012345", "Nguyễn Văn An", "05/03/1990")
    result = SimulatedInsuranceGateway().check(query)
    assert "Nguyễn" not in repr(query) + repr(result) and "012345" not in repr(query) + repr(result)
    assert len(DEMO_CARDS) == len(ALL_CODES) - 2  # 000 is the default, 060 comes from the name


def test_gateway_back_end_is_built_from_config_with_the_password_in_a_file(tmp_path: Path) -> None:
    from kiosk.config import load_config
    from kiosk.hospital.gateway import HttpInsuranceGateway, InsuranceConfigError

    secret = tmp_path / "bhxh.pw"
    secret.write_text("s3cret\n", encoding="utf-8")
    config = load_config(overrides={"hospital": {
        "insurance_backend": "gateway", "insurance_url": "https://relay.example", "insurance_username": "bv01",
        "insurance_password_file": str(secret)}})
    gateway = HttpInsuranceGateway.from_config(config)
    assert gateway.password == "s3cret" and gateway.operator_id_number == config.hospital.operator_id_number
    assert "s3cret" not in repr(gateway)
    missing = load_config(overrides={"hospital": {"insurance_backend": "gateway"}})
    with pytest.raises(InsuranceConfigError):
        HttpInsuranceGateway.from_config(missing)

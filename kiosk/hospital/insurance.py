"""Health-insurance (BHYT) card check: the gateway port, its result, and what the kiosk does for each code.

Shaped like the social-insurance (BHXH) gateway's card check `KQNhanLichSuKCB2024` as hospital software calls it:
the query carries the card number or personal ID number (maThe), name, date of birth, and the operator of record
(hoTenCb, cccdCb, mandatory since letter 1923/BHXH-CNTT of 20 Jun 2024). Every result code has a path: proceed,
go to the counter (self-pay or staff check), use the new card, or retry and alert the technician.
Benefit levels by the card's third character follow Decree 146/2018/NĐ-CP Art. 14.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol


class InsuranceAction(StrEnum):
    PROCEED = "proceed"        # valid: choose a specialty and take a number
    COUNTER = "counter"        # staff must look, or the patient pays as self-pay: a counter ticket
    NEW_CARD = "new_card"      # the card was replaced: the check is redone with the new card
    RETRY = "retry"            # the gateway refused the kiosk (401) or is unreachable: retry, alert technician


@dataclass(frozen=True)
class CodeMeaning:
    action: InsuranceAction
    message_key: str           # hospital.toml: what the patient is told
    self_pay: bool = False     # the counter can offer self-pay for this case


# Result codes shared by the hospital-software integrations of the BHXH gateway.
RESULT_CODES: dict[str, CodeMeaning] = {
    "000": CodeMeaning(InsuranceAction.PROCEED, "hospital.result_valid"),
    "001": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_other_fund"),
    "002": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_other_fund"),
    "003": CodeMeaning(InsuranceAction.NEW_CARD, "hospital.result_new_card"),
    "004": CodeMeaning(InsuranceAction.NEW_CARD, "hospital.result_new_card"),
    "010": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_expired", self_pay=True),
    "050": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_no_card", self_pay=True),
    "051": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_card_details_wrong", self_pay=True),
    "052": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_card_details_wrong", self_pay=True),
    "053": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_card_details_wrong", self_pay=True),
    "060": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_name_wrong"),
    "061": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_name_wrong"),
    "110": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_withdrawn", self_pay=True),
    "120": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_withdrawn", self_pay=True),
    "121": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_withdrawn", self_pay=True),
    "122": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_withdrawn", self_pay=True),
    "123": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_withdrawn", self_pay=True),
    "124": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_withdrawn", self_pay=True),
    "130": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_child_no_card"),
    "205": CodeMeaning(InsuranceAction.COUNTER, "hospital.result_bad_request"),
    "401": CodeMeaning(InsuranceAction.RETRY, "hospital.result_gateway_refused"),
}
UNKNOWN_CODE = CodeMeaning(InsuranceAction.COUNTER, "hospital.result_unknown")
UNAVAILABLE = CodeMeaning(InsuranceAction.RETRY, "hospital.result_unavailable")
BENEFIT_PERCENT = {"1": 100, "2": 100, "3": 95, "4": 80, "5": 100}


class InsuranceUnavailableError(ConnectionError):
    """The insurance gateway could not be reached or answered nonsense; the check can be retried."""

    message_key = "hospital.result_unavailable"


@dataclass(frozen=True)
class InsuranceQuery:
    card_or_id: str = field(repr=False)   # maThe: BHYT card code or the 12-digit personal ID number
    full_name: str = field(repr=False)    # hoTen
    birth: str = field(repr=False)        # ngaySinh: dd/mm/yyyy or yyyy


@dataclass(frozen=True)
class InsuranceCheckResult:
    code: str                                        # maKetQua
    note: str = ""                                   # ghiChu, technical; never shown as is
    card_number: str = field(default="", repr=False)
    full_name: str = field(default="", repr=False)
    birth: str = field(default="", repr=False)
    sex: str = ""
    registered_facility: str = ""                    # maDKBD
    registered_facility_name: str = ""
    valid_from: date | None = None                   # gtTheTu
    valid_to: date | None = None                     # gtTheDen
    five_years_from: date | None = None              # ngayDu5Nam
    new_card_number: str = field(default="", repr=False)  # maTheMoi
    new_valid_from: date | None = None
    new_valid_to: date | None = None
    new_registered_facility: str = ""

    @property
    def meaning(self) -> CodeMeaning:
        return RESULT_CODES.get(self.code, UNKNOWN_CODE)

    @property
    def action(self) -> InsuranceAction:
        return self.meaning.action

    @property
    def benefit_percent(self) -> int | None:
        card = self.card_number
        return BENEFIT_PERCENT.get(card[2]) if len(card) >= 3 else None


class InsuranceGateway(Protocol):
    """Checks one BHYT card; raises InsuranceUnavailableError when the gateway cannot be reached."""

    def check(self, query: InsuranceQuery) -> InsuranceCheckResult: ...


def parse_gateway_date(text: object) -> date | None:
    """Gateway dates come as dd/mm/yyyy (sometimes with a time after a space)."""
    if not isinstance(text, str) or not text.strip():
        return None
    day = text.strip().split(" ")[0]
    try:
        d, m, y = (int(p) for p in day.split("/"))
        return date(y, m, d)
    except ValueError:
        return None

"""Cross-checks of a CCCD's MRZ against its DG13 and the ID number's own digits."""

from __future__ import annotations

import pytest

from devices.card.lds.consistency import PROBLEM_TEXT, consistency_problems, describe
from devices.card.lds.dg13 import Dg13, parse_dg13
from devices.card.lds.mrz import Mrz, build_td1, build_td3, parse_mrz

ID = "079092004321"  # a man born in 1992


def _mrz(number: str = "092004321", optional: str = ID, birth: str = "921102", sex: str = "M",
         state: str = "VNM") -> Mrz:
    return parse_mrz("".join(build_td1(
        document_number=number, optional_data_1=optional, date_of_birth=birth, sex=sex, date_of_expiry="321102",
        primary="Tran", secondary="Van Binh", issuing_state=state,
    )))


def _dg13(id_number: str = ID, birth: str = "02/11/1992", sex: str = "Nam") -> Dg13:
    from devices.card.lds.dg13 import build_dg13

    return parse_dg13(build_dg13({1: [id_number], 3: [birth], 4: [sex]}))


def test_consistent_card_has_no_problems() -> None:
    assert consistency_problems(_mrz(), _dg13()) == ()
    assert consistency_problems(_mrz(), None) == ()


@pytest.mark.parametrize(
    ("mrz", "dg13", "expected"),
    [
        (_mrz(number="092004322"), _dg13(), ("document_number_mismatch",)),
        (_mrz(optional="079092004322"), _dg13(), ("mrz_id_number_mismatch",)),
        (_mrz(birth="921103"), _dg13(), ("birth_date_mismatch",)),
        (_mrz(sex="F"), _dg13(), ("sex_mismatch",)),
        # DG13 agrees with the MRZ but not with the number's own digits.
        (_mrz(number="292004321", optional="079292004321"), _dg13(id_number="079292004321"),
         ("id_number_century_digit",)),
        (_mrz(number="192004321", optional="079192004321"), _dg13(id_number="079192004321"),
         ("id_number_sex_digit",)),
        (_mrz(number="093004321", optional="079093004321"), _dg13(id_number="079093004321"),
         ("id_number_birth_year",)),
        (_mrz(optional=""), _dg13(id_number="92004321"), ("document_number_mismatch", "id_number_not_12_digits")),
    ],
    ids=["document-number", "optional-id", "birth", "sex", "century", "sex-digit", "year", "short-id"],
)
def test_each_disagreement_is_named(mrz: Mrz, dg13: Dg13, expected: tuple[str, ...]) -> None:
    assert consistency_problems(mrz, dg13) == expected


def test_unknown_birth_parts_in_the_mrz_are_not_a_mismatch() -> None:
    assert consistency_problems(_mrz(birth="92<<<<"), _dg13()) == ()


def test_mrz_only_read_checks_the_year_digits_but_not_the_century() -> None:
    assert consistency_problems(_mrz(birth="931102"), None) == ("id_number_birth_year",)
    # A holder born in 1925 read today: the MRZ alone cannot tell 1925 from 2025, so no century complaint.
    old = _mrz(number="025000001", optional="001025000001", birth="250101")
    assert consistency_problems(old, None) == ()


def test_other_documents_are_not_checked() -> None:
    assert consistency_problems(_mrz(state="D<<"), _dg13(id_number="1")) == ()
    passport = parse_mrz("".join(build_td3(
        document_number="C1234567", personal_number="", date_of_birth="921102", sex="M", date_of_expiry="321102",
        primary="Tran", secondary="Van Binh",
    )))
    assert consistency_problems(passport, _dg13(id_number="079092004321", birth="01/01/1980")) == ()


def test_descriptions_are_non_personal_phrases() -> None:
    problems = consistency_problems(_mrz(number="092004322", birth="921103"), _dg13())
    text = describe(problems)
    assert text == "MRZ document number is not the end of the DG13 id-number; MRZ date of birth differs from DG13"
    assert set(PROBLEM_TEXT) >= set(problems)
    for personal in (ID, "092004322", "921103", "1992"):
        assert personal not in text

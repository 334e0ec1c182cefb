"""Every validation rule has a failing and a passing case."""

from datetime import date

import pytest

from kiosk.catalogue.model import Choice, FieldSpec, LocalText
from kiosk.forms.fields import (
    FieldProblem,
    ScannedPage,
    id_number_mismatch,
    load_id_province_codes,
    normalise,
    title_case_name,
)

PROVINCES = load_id_province_codes()


def spec(ftype: str, **kw: object) -> FieldSpec:
    return FieldSpec(key="k", type=ftype, label=LocalText("x", "x"), **kw)  # type: ignore[arg-type]


CHOICES = (Choice("a", LocalText("A", "A")), Choice("b", LocalText("B", "B")))
ADDRESS_OK = {"province_code": 1, "ward_code": 70, "street": "1 Hàng Bạc"}

CASES = [
    # type, extra, good input, clean value, bad input, message key
    ("name", {}, "  nguyễn   VĂN an ", "Nguyễn Văn An", "Nguyễn Văn 4n", "forms.name_letters"),
    ("name", {}, "Lê", "Lê", "A", "forms.name_length"),
    ("text", {"maximum": 5}, "abc", "abc", "abcdef", "forms.text_too_long"),
    ("date", {}, "5/3/1990", date(1990, 3, 5), "1990-03-05", "forms.date_format"),
    ("date", {}, "29/02/2024", date(2024, 2, 29), "29/02/2023", "forms.date_invalid"),
    ("date", {}, "05031990", date(1990, 3, 5), "31/12/1899", "forms.date_invalid"),
    ("id_number", {}, "001 090 012 345", "001090012345", "00109001234", "forms.id_format"),
    ("id_number", {}, "079085001234", "079085001234", "003090012345", "forms.id_province"),
    ("old_id_number", {}, "012 345 678", "012345678", "01234567", "forms.old_id_format"),
    ("old_id_number", {}, "123456789", "123456789", "111111111", "forms.old_id_format"),
    ("phone", {}, "+84 912 345 678", "0912345678", "091234567", "forms.phone_format"),
    ("phone", {}, "0387.123.456", "0387123456", "0951234567", "forms.phone_prefix"),
    ("phone", {}, "84387123456", "0387123456", "0212345678", "forms.phone_prefix"),
    ("email", {}, "An@Example.vn", "an@example.vn", "an@example", "forms.email_format"),
    ("choice", {"choices": CHOICES}, "b", "b", "c", "forms.choice_invalid"),
    ("number", {"minimum": 1, "maximum": 5}, "3", 3, "x", "forms.number_format"),
    ("number", {"minimum": 1, "maximum": 5}, 1, 1, 0, "forms.number_min"),
    ("number", {"minimum": 1, "maximum": 5}, 5, 5, 6, "forms.number_max"),
    ("yes_no", {}, "có", True, "maybe", "forms.choice_invalid"),
    ("address", {}, ADDRESS_OK, ADDRESS_OK, {"province_code": 99, "ward_code": 70, "street": "x"},
     "forms.address_province"),
    ("address", {}, ADDRESS_OK, ADDRESS_OK, {"province_code": 79, "ward_code": 70, "street": "x"},
     "forms.address_ward"),
    ("address", {}, ADDRESS_OK, ADDRESS_OK, {"province_code": 1, "ward_code": 70, "street": " "},
     "forms.address_street"),
    ("attachment", {}, [ScannedPage(b"x")], [ScannedPage(b"x")], [b"raw bytes"], "forms.attachment_missing"),
    ("file_code", {}, "000.00.01.h26-260930-0012", "000.00.01.H26-260930-0012", "H26-12", "forms.file_code_format"),
    ("id_last4", {}, "2345", "2345", "234", "forms.id_last4_format"),
    ("plate", {}, "30a-123.45", "30A-123.45", "30-123", "forms.plate_format"),
    ("plate", {}, "29B1 12345", "29B1-123.45", "ABC-123", "forms.plate_format"),
    ("plate", {}, "51F 1234", "51F-1234", "51F-123", "forms.plate_format"),
    ("month", {}, "9/2008", "09/2008", "13/2008", "forms.month_format"),
    ("month", {}, "12-2020", "12/2020", "2020", "forms.month_format"),
    ("insurance_card", {}, "dn4790123456789", "DN4790123456789", "DN9790123456789", "forms.insurance_card_format"),
]


@pytest.mark.parametrize(("ftype", "extra", "good", "clean", "bad", "key"), CASES,
                         ids=[f"{c[0]}-{c[5]}" for c in CASES])
def test_rule_passes_good_input_and_explains_bad_input(ftype: str, extra: dict[str, object], good: object,
                                                       clean: object, bad: object, key: str) -> None:
    s = spec(ftype, **extra)
    assert normalise(s, good, PROVINCES) == clean
    with pytest.raises(FieldProblem) as caught:
        normalise(s, bad, PROVINCES)
    assert caught.value.message_key == key


def test_names_are_nfc_normalised() -> None:
    decomposed = "Nguye\u0302\u0303n"  # ễ as e + circumflex + tilde
    assert title_case_name(decomposed) == "Nguyễn"
    assert len(title_case_name(decomposed)) == 6


@pytest.mark.parametrize(("id_number", "sex", "dob", "expected"), [
    ("001090012345", "M", date(1990, 3, 5), None),
    ("001190012345", "F", date(1990, 3, 5), None),
    ("001203012345", "M", date(2003, 1, 1), None),
    ("001090012345", "F", date(1990, 3, 5), "forms.id_sex_mismatch"),
    ("001091012345", "M", date(1990, 3, 5), "forms.id_year_mismatch"),
    ("001290012345", "M", date(1990, 3, 5), "forms.id_year_mismatch"),
])
def test_id_number_is_checked_against_sex_and_birth_year(id_number: str, sex: str, dob: date,
                                                         expected: str | None) -> None:
    assert id_number_mismatch(id_number, sex, dob) == expected


def test_typed_id_must_match_the_chip() -> None:
    from tests.kiosk.forms.samples import new_form

    form = new_form("id_confirmation")
    form.set_value("applicant.id_number", "001090099999")
    assert [e.message_key for e in form.next()] == ["forms.id_chip_mismatch"]
    form.set_value("applicant.id_number", "001090012345")
    assert form.next() == []


def test_other_parents_id_is_checked_against_their_birth_date() -> None:
    from tests.kiosk.forms.samples import new_form

    form = new_form("birth_combined")
    form.set_value("other_parent.date_of_birth", "10/10/1993")
    form.set_value("other_parent.id_number", "001192012345")
    steps = {s.id: fields for s, fields in form.shown_fields()}
    errors = form._check(steps["other_parent"])
    assert "forms.id_year_mismatch" in [e.message_key for e in errors]


def test_date_ordering_and_past_future_rules() -> None:
    from tests.kiosk.forms.samples import new_form

    form = new_form("temporary_absence")
    form.set_value("applicant.phone", "0912345678")
    assert form.next() == []
    form.set_value("reason", "work")
    form.set_value("absence.destination", {"province_code": 1, "ward_code": 70, "street": "1 Hàng Bạc"})
    form.set_value("absence.from", "01/11/2026")  # before today (24/11/2026)
    form.set_value("absence.to", "01/10/2026")
    keys = {e.field: e.message_key for e in form.next()}
    assert keys == {"absence.from": "forms.date_not_past", "absence.to": "forms.date_after"}
    form.set_value("absence.from", "01/12/2026")
    form.set_value("absence.to", "02/12/2026")
    assert form.next() == []


def test_birth_date_cannot_be_in_the_future() -> None:
    from tests.kiosk.forms.samples import new_form

    form = new_form("id_confirmation")
    form.set_value("applicant.date_of_birth", "01/01/2030")
    assert "forms.date_not_future" in [e.message_key for e in form.next()]


@pytest.mark.parametrize("raw", ["٠٠١٠٩٠٠٠١٢٣٤", "00109000123²", "001090001２34"])
def test_id_numbers_in_other_scripts_digits_are_refused_not_stored(raw: str) -> None:
    from kiosk.forms.fields import check_id_number

    with pytest.raises(FieldProblem):
        check_id_number(raw, frozenset({"001", "٠٠١"}))


@pytest.mark.parametrize("raw", ["٠١/٠٢/١٩٩٠", "01/02/１990", "0102199０"])
def test_dates_in_other_scripts_digits_are_refused(raw: str) -> None:
    from kiosk.forms.fields import parse_date

    with pytest.raises(FieldProblem):
        parse_date(raw)

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kiosk.catalogue.loader import load_catalogue
from kiosk.forms.engine import FormIncompleteError
from tests.kiosk.forms.samples import ANSWERS, IDENTITY, NOW, PAGE, fill, new_form

SHIPPED = load_catalogue().codes()


def test_answers_exist_for_every_shipped_service() -> None:
    assert sorted(ANSWERS) == sorted(SHIPPED)
    assert len(SHIPPED) == 12


@pytest.mark.parametrize("code", SHIPPED)
def test_full_fill_from_the_chip_gives_a_portal_payload(code: str) -> None:
    form = new_form(code)
    fill(form, ANSWERS[code])
    form.confirm()
    body = form.payload()
    json.dumps(body)  # must be plain JSON
    spec = form.service
    assert body["procedure_code"] == spec.main.procedure_code
    assert body["agency_code"] == (spec.main.agency_code or "000.00.01.H26")
    assert body["channel"] == "kiosk"
    assert body["auth"] == {"method": "chip_face", "level": 2, "evidence_ref": ""}
    applicant = body["applicant"]
    assert isinstance(applicant, dict)
    if any(f.key == "applicant.id_number" for f in spec.all_fields()):
        assert applicant["id_number"] == IDENTITY.id_number
        assert applicant["full_name"] == "Nguyễn Văn An"
    form_part = body["form"]
    assert isinstance(form_part, dict)
    assert form_part["schema_id"] == spec.main.schema_id
    data = form_part["data"]
    assert isinstance(data, dict) and data
    # every mapped key holds an answer given or read from the chip, never a Python object
    answered = set(ANSWERS[code]) | {"applicant.full_name", "applicant.id_number", "applicant.date_of_birth"}
    assert any(spec.main.data[k] in answered for k in data)
    assert body["consent"]["accepted_at"].endswith("+07:00")  # type: ignore[index]
    assert body["fees"] == {"expected_amount": form.fee()}


def test_chip_fields_are_prefilled_and_marked_so_the_citizen_only_confirms() -> None:
    view = new_form("id_confirmation").current_step()
    fields = {f.key: f for f in view.fields}
    assert fields["applicant.full_name"].value == "Nguyễn Văn An"  # chip capitals turned into title case
    assert fields["applicant.full_name"].prefilled
    assert fields["applicant.date_of_birth"].display == "05/03/1990"
    assert fields["applicant.sex"].display == "Nam"
    assert fields["applicant.old_id_number"].value == "012345678"


def test_changing_a_prefilled_value_clears_the_prefilled_mark() -> None:
    form = new_form("id_confirmation")
    assert form.set_value("applicant.full_name", "Nguyễn Văn Ân") is None
    assert not form.is_prefilled("applicant.full_name")
    assert form.is_prefilled("applicant.sex")


def test_without_a_card_nothing_is_prefilled_and_all_is_asked() -> None:
    form = new_form("id_confirmation", identity=None)
    errors = form.next()
    assert {e.field for e in errors} >= {"applicant.full_name", "applicant.id_number"}
    assert all(e.text == "Xin điền mục này." for e in errors)


def test_next_refuses_to_move_on_with_errors_and_back_returns() -> None:
    form = new_form("id_confirmation")
    assert form.next() == []
    assert form.step_index == 1
    errors = form.next()
    assert [e.field for e in errors] == ["purpose", "applicant.phone"]
    assert form.step_index == 1
    assert form.back() and form.step_index == 0
    assert not form.back()


def test_step_counter_follows_conditions() -> None:
    form = new_form("id_confirmation")
    assert form.step_count == 3  # old number known: no scan step
    form.set_value("applicant.old_id_number", "")
    assert form.step_count == 4
    view = form.current_step()
    assert (view.index, view.count) == (1, 4)


def test_conditional_field_appears_only_when_its_condition_holds() -> None:
    form = new_form("id_confirmation")
    form.next()
    keys = [f.key for f in form.current_step().fields]
    assert "purpose_other" not in keys
    form.set_value("purpose", "other")
    assert "purpose_other" in [f.key for f in form.current_step().fields]


def test_conditional_attachment_step_for_bail() -> None:
    form = new_form("temporary_absence")
    answers = dict(ANSWERS["temporary_absence"], reason="bail")
    with pytest.raises(AssertionError):
        fill(form, answers)  # the consent scan is required
    form.set_value("consent.scan", [PAGE])
    assert form.next() == [] and form.at_review
    form.confirm()
    assert form.payload()["attachments"][0]["component_code"] == "VB_DONG_Y_CQ_QUAN_LY"  # type: ignore[index]


def test_error_text_follows_the_language() -> None:
    form = new_form("id_confirmation")
    error = form.set_value("applicant.phone", "12345")
    assert error is not None and "10 chữ số" in error.text
    form.set_language("en")
    form.next()
    form.next()
    phone = next(f for f in form.current_step().fields if f.key == "applicant.phone")
    assert phone.error is not None and "10 digits" in phone.error.text


def test_payload_needs_confirmation_and_review() -> None:
    form = new_form("id_confirmation")
    with pytest.raises(FormIncompleteError):
        form.confirm()
    fill(form, ANSWERS["id_confirmation"])
    with pytest.raises(FormIncompleteError):
        form.payload()
    form.confirm()
    assert form.payload()["consent"]["accepted_at"] == NOW.isoformat() + "+07:00"  # type: ignore[index]
    form.set_value("copies", 2)  # any change after confirming asks for a new review
    with pytest.raises(FormIncompleteError):
        form.payload()


def test_review_sentences_read_aloud_in_both_languages() -> None:
    form = new_form("id_confirmation")
    fill(form, ANSWERS["id_confirmation"])
    vi = form.review_sentences("vi")
    en = form.review_sentences("en")
    assert "Ngày sinh: ngày 5 tháng 3 năm 1990." in vi
    assert "Date of birth: 5 March 1990." in en
    assert "Thủ tục này không mất lệ phí." in vi
    assert vi[-1] == "Ngày nhận kết quả dự kiến: ngày 30 tháng 11 năm 2026."  # 24/11 is Culture Day
    assert all(s.endswith(".") for s in vi + en)


def test_group_answers_are_reviewed_one_entry_per_sentence() -> None:
    form = new_form("temporary_residence")
    fill(form, ANSWERS["temporary_residence"])
    vi = form.review_sentences("vi")
    assert "Thành viên cùng thay đổi: có 1 người." in vi
    assert any(s.startswith("Người thứ 1: Họ và tên: Nguyễn Thị Bé; Ngày sinh: ngày 1 tháng 2 năm 2015") for s in vi)


def test_fee_and_appointment_are_computed_from_data() -> None:
    form = new_form("temporary_residence")
    fill(form, ANSWERS["temporary_residence"])
    assert form.fee() == 7000 + 5000
    assert form.appointment_date() == date(2026, 11, 30)  # 3 working days from Culture Day 24/11
    form.set_value("members", [])
    assert form.fee() == 7000


def test_judicial_record_fee_rules() -> None:
    form = new_form("judicial_record")
    fill(form, ANSWERS["judicial_record"])
    assert form.fee() == 200_000
    form.set_value("copies", 4)
    assert form.fee() == 210_000
    form.set_value("fee_group", "student")
    assert form.fee() == 110_000
    form.set_value("fee_group", "exempt")
    assert form.fee() == 10_000


def test_household_insurance_discount_falls_with_each_person() -> None:
    form = new_form("household_insurance")
    fill(form, ANSWERS["household_insurance"])
    unit = 1_263_600
    assert form.fee() == unit + round(unit * 0.7) + round(unit * 0.6)
    form.set_value("months", "6")
    assert form.fee() == round(unit / 2) + round(unit * 0.7 / 2) + round(unit * 0.6 / 2)


def test_template_field_generates_the_ct01_request_line() -> None:
    form = new_form("temporary_residence")
    fill(form, ANSWERS["temporary_residence"])
    request = str(form.value("request"))
    assert request.startswith("Đăng ký tạm trú tại 12 Lê Lợi, ") and request.endswith("Thành phố Hồ Chí Minh")


def test_group_item_problem_names_the_row() -> None:
    form = new_form("temporary_residence")
    error = form.set_value("members", [{"full_name": "An", "date_of_birth": "31/02/2015", "sex": "F",
                                        "relation": "child"}])
    assert error is not None
    assert error.field == "members[0].date_of_birth"
    assert error.text.startswith("Dòng thứ 1, mục \"Ngày sinh\"")


def test_group_limits() -> None:
    form = new_form("judicial_record")
    answers = dict(ANSWERS["judicial_record"], residence_history=[])
    with pytest.raises(AssertionError):
        fill(form, answers)
    too_many = [{"full_name": "Lê Văn A", "date_of_birth": "01/01/2000", "id_number": "001200012345"}] * 16
    form = new_form("household_insurance")
    form.set_value("applicant.phone", "0912345678")
    form.next()
    form.set_value("members", too_many)
    assert [e.message_key for e in form.next()] == ["forms.group_max"]


def test_wipe_forgets_everything() -> None:
    form = new_form("id_confirmation")
    form.wipe()
    assert form.identity() is None
    assert form.values().get("applicant.full_name") is None


def test_attachments_are_kept_in_memory_and_hashed_in_the_payload() -> None:
    form = new_form("temporary_residence")
    fill(form, ANSWERS["temporary_residence"])
    form.confirm()
    pages = form.attachment_pages()
    assert pages == {"GT_CHO_O_HOP_PHAP": [PAGE]}
    attachments = form.payload()["attachments"]
    assert isinstance(attachments, list)
    (attachment,) = attachments
    assert attachment["pages"] == 1 and len(attachment["sha256"]) == 64
    assert "scanned page" not in repr(PAGE)


def test_each_field_key_is_asked_once_in_every_service() -> None:
    for code in SHIPPED:
        form = new_form(code)
        asked = fill(form, ANSWERS[code])
        assert [k for k, n in Counter(asked).items() if n > 1] == [], code


def test_a_chip_value_that_fails_its_check_is_asked_to_be_corrected() -> None:
    from dataclasses import replace

    from tests.kiosk.forms.samples import hcmc_address

    old_card = replace(IDENTITY, place_of_residence="Thôn 3, Xã Cũ, Huyện Vị Xuyên, Tỉnh Hà Giang", sex="X")
    form = new_form("temporary_absence", identity=old_card)
    errors = {e.field: e.message_key for e in form.next()}
    assert errors == {"applicant.sex": "forms.choice_invalid", "applicant.address": "forms.address_province",
                      "applicant.phone": "forms.required"}
    address = next(f for f in form.current_step().fields if f.key == "applicant.address")
    assert address.value["street"].startswith("Thôn 3")  # type: ignore[index]
    assert len(address.choices) == 34 and address.wards == ()
    assert form.set_value("applicant.address", {"province_code": 79}) is None  # ward still to come
    ward_choices = next(f for f in form.current_step().fields if f.key == "applicant.address").wards
    assert ward_choices and all(c.value.isdigit() for c in ward_choices)
    form.set_value("applicant.address", hcmc_address())
    form.set_value("applicant.sex", "M")
    form.set_value("applicant.phone", "0912345678")
    assert form.next() == []


def test_form_settings_come_from_the_config_including_a_local_holidays_file(tmp_path: Path) -> None:
    from kiosk.config import load_config
    from kiosk.forms.engine import form_settings

    local = tmp_path / "holidays.yaml"
    local.write_text("holidays:\n  - {date: 2026-11-25, name: {vi: Nghỉ, en: Day off}}\n", encoding="utf-8")
    settings = form_settings(load_config(overrides={"catalogue": {"holidays_file": str(local)},
                                                    "kiosk": {"agency_code": "000.00.07.H29"}}))
    assert settings.agency_code == "000.00.07.H29"
    assert settings.holidays is not None
    assert settings.holidays.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 26)

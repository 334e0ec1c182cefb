from collections import Counter

from tests.kiosk.forms.samples import ANSWERS, fill, new_form


def test_combined_birth_service_asks_each_shared_fact_once() -> None:
    form = new_form("birth_combined")
    spec_keys = [f.key for step in form.service.steps for f in step.fields]
    shared = {k for k, n in Counter(spec_keys).items() if n > 1}
    assert {"child.full_name", "child.date_of_birth", "child.sex", "applicant.address"} <= shared
    asked = fill(form, ANSWERS["birth_combined"])
    counts = Counter(asked)
    assert all(counts[k] == 1 for k in shared), {k: counts[k] for k in shared}


def test_later_procedures_only_ask_what_is_new() -> None:
    form = new_form("birth_combined")
    seen: dict[str, list[str]] = {}
    answers = ANSWERS["birth_combined"]
    for _ in range(10):
        if form.at_review:
            break
        view = form.current_step()
        seen[view.id] = [f.key for f in view.fields]
        for f in view.fields:
            if f.key in answers:
                form.set_value(f.key, answers[f.key])
        assert form.next() == []
    assert seen["residence"] == ["residence.same_as_applicant", "head.full_name", "head.relation"]
    assert seen["insurance"] == ["insurance.facility", "insurance.delivery"]


def test_shared_facts_reach_every_linked_procedure() -> None:
    form = new_form("birth_combined")
    fill(form, ANSWERS["birth_combined"])
    form.confirm()
    body = form.payload()
    linked = body["linked_procedures"]
    assert isinstance(linked, list) and [p["procedure_code"] for p in linked] == ["1.004222", "1.011454"]
    birth = body["form"]["data"]  # type: ignore[index]
    residence = linked[0]["form"]["data"]
    insurance = linked[1]["form"]["data"]
    assert birth["tre_ho_ten"] == residence["ho_ten"] == insurance["ho_ten"] == "Nguyễn Minh Khôi"
    assert birth["tre_ngay_sinh"] == residence["ngay_sinh"] == insurance["ngay_sinh"] == "2026-11-20"
    assert residence["noi_thuong_tru_cha_me"]["text"].endswith("Thành phố Hà Nội")
    assert residence["noi_thuong_tru_cha_me"] == insurance["dia_chi"]
    assert all(p["agency_code"] == "000.00.01.H26" for p in linked)


def test_a_fact_hidden_by_a_condition_is_asked_where_it_next_appears() -> None:
    form = new_form("birth_combined")
    form.set_value("residence.same_as_applicant", False)
    keys = [f.key for _, fields in form.shown_fields() for f in fields]
    assert "residence.address" in keys and "residence.papers" in keys
    assert Counter(keys)["child.full_name"] == 1


def test_step_shows_which_procedure_it_belongs_to() -> None:
    form = new_form("birth_combined")
    assert form.current_step().part_name == "Đăng ký khai sinh"

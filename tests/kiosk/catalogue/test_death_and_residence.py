"""The combined death procedure's scope, the floor-area rule and the catalogue keys they need (`when` on a linked
procedure, `assisted`, `per_person`), checked on the shipped files and on broken copies."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml

from kiosk.catalogue.loader import SHIPPED_FOLDER
from kiosk.catalogue.schema import parse_service
from tests.kiosk.forms.samples import ANSWERS, PAGE, fill, new_form


def raw(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((SHIPPED_FOLDER / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def problems(doc: dict[str, Any]) -> list[str]:
    return [str(p) for p in parse_service(doc, "x.yaml")[1]]


def linked_codes(scope: str) -> list[str]:
    form = new_form("death_combined")
    fill(form, {**ANSWERS["death_combined"], "scope": scope})
    form.confirm()
    body = form.payload()
    return [str(body["procedure_code"])] + [p["procedure_code"] for p in body.get("linked_procedures", [])]  # type: ignore[union-attr]


@pytest.mark.parametrize(("scope", "codes"), [
    ("2", ["1.000656", "1.004206"]),
    ("3", ["1.000656", "1.004206", "1.001753"]),
    ("4", ["1.000656", "1.004206", "1.001753", "1.001766"]),
])
def test_the_declarant_chooses_two_three_or_four_procedures(scope: str, codes: list[str]) -> None:
    assert linked_codes(scope) == codes


def test_questions_and_papers_adapt_to_the_scope() -> None:
    narrow = new_form("death_combined")
    asked_two = fill(narrow, {**ANSWERS["death_combined"], "scope": "2"})
    wide = new_form("death_combined")
    asked_four = fill(wide, ANSWERS["death_combined"])
    assert "deceased.insurance_number" not in asked_two and "survivor.kind" not in asked_two
    assert {"deceased.insurance_number", "allowance.payout", "survivor.kind", "survivor.papers"} <= set(asked_four)
    narrow.confirm()
    wide.confirm()
    assert set(narrow.attachment_pages()) == {"GIAY_BAO_TU"}
    assert set(wide.attachment_pages()) == {"GIAY_BAO_TU", "GT_THAN_NHAN_HUONG_TUAT"}


def test_the_deceased_is_declared_once_and_reaches_every_part() -> None:
    form = new_form("death_combined")
    asked = fill(form, ANSWERS["death_combined"])
    counts = Counter(asked)
    assert all(counts[k] == 1 for k in ("deceased.full_name", "deceased.id_number", "deceased.date_of_death",
                                        "allowance.payout", "deceased.insurance_number"))
    form.confirm()
    body = form.payload()
    death = body["form"]["data"]  # type: ignore[index]
    removal, funeral, survivor = (p["form"]["data"] for p in body["linked_procedures"])  # type: ignore[union-attr]
    assert death["nguoi_mat_ho_ten"] == removal["ho_ten"] == funeral["nguoi_mat_ho_ten"] == \
        survivor["nguoi_mat_ho_ten"] == "Nguyễn Văn Bình"
    assert death["nguoi_mat_so_dinh_danh"] == removal["so_dinh_danh"] == "001050012345"
    assert funeral["so_tai_khoan"] == survivor["so_tai_khoan"] == "0011001234567"


def test_the_death_notice_is_required_whatever_the_scope() -> None:
    form = new_form("death_combined")
    answers = {k: v for k, v in ANSWERS["death_combined"].items() if k != "death_notice.scan"}
    for key, value in {**answers, "scope": "2"}.items():
        form.set_value(key, value)
    assert [e.field for e in form.check_all()] == ["death_notice.scan"]
    form.set_value("death_notice.scan", [PAGE])
    assert form.check_all() == []


def test_the_death_procedure_is_offered_with_a_volunteer() -> None:
    form = new_form("death_combined")
    assert form.service.assisted == "recommended"
    assert new_form("permanent_residence").service.assisted == ""


@pytest.mark.parametrize(("people", "area", "ok"), [(3, 23, False), (3, 24, True), (1, 8, True), (2, 15, False)])
def test_a_rented_home_needs_eight_square_metres_per_person(people: int, area: int, ok: bool) -> None:
    form = new_form("permanent_residence")
    form.set_value("case", "rented")
    assert form.set_value("rental.people", people) is None
    assert form.set_value("rental.floor_area", area) is None
    error = form.field_error("rental.floor_area")
    if ok:
        assert error is None
    else:
        assert error is not None and error.message_key == "forms.per_person_min"
        assert error.params == {"each": 8, "needed": 8 * people}
        assert str(8 * people) in error.text


def test_a_province_sets_its_own_floor_area_in_the_data() -> None:
    doc = raw("12_permanent_residence.yaml")
    rented = next(s for s in doc["steps"] if s["id"] == "rented_papers")
    area = next(f for f in rented["fields"] if f["key"] == "rental.floor_area")
    area["per_person"]["each"] = 15
    service, found = parse_service(doc, "x.yaml")
    assert found == [] and service is not None
    spec = next(f for f in service.all_fields() if f.key == "rental.floor_area")
    assert spec.per_person is not None and spec.per_person.needed({"rental.people": 2}) == 30


@pytest.mark.parametrize(("case", "papers"), [
    ("own", {"proof.ownership_scan"}),
    ("relative", {"proof.relation_scan", "proof.consent_scan"}),
    ("rented", {"proof.rental_scan", "proof.consent_scan"}),
    ("child", set()),
])
def test_each_residence_case_asks_its_own_papers(case: str, papers: set[str]) -> None:
    form = new_form("permanent_residence")
    form.set_value("case", case)
    form.set_value("consent.method", "paper")
    shown = {f.key for _, fields in form.shown_fields() for f in fields if f.type == "attachment"}
    assert shown == papers


def test_the_owner_can_consent_with_their_card_instead_of_a_paper() -> None:
    form = new_form("permanent_residence")
    form.set_value("case", "relative")
    form.set_value("consent.method", "card")
    keys = {f.key: f.type for _, fields in form.shown_fields() for f in fields}
    assert keys["owner.consent"] == "owner_card" and "proof.consent_scan" not in keys
    assert form.set_value("owner.consent", {"id_number": "001060054321", "full_name": "trần văn chủ"}) is not None
    assert form.set_value("owner.consent", {"id_number": "001060054321", "full_name": "trần văn chủ",
                                            "consent": True}) is None
    assert form.value("owner.consent") == {"id_number": "001060054321", "full_name": "Trần Văn Chủ",
                                           "consent": True, "method": "chip"}


def test_the_main_procedure_cannot_be_left_out() -> None:
    doc = raw("11_death_combined.yaml")
    doc["procedures"][0]["when"] = {"field": "scope", "equals": "4"}
    assert any("procedures[0].when: bad_value" in p for p in problems(doc))


def test_a_scope_condition_must_name_a_field() -> None:
    doc = raw("11_death_combined.yaml")
    doc["procedures"][2]["when"] = {"field": "scoop", "one_of": ["3"]}
    assert any("procedures[2].when: bad_value unknown field scoop" in p for p in problems(doc))


def test_assisted_takes_only_known_levels() -> None:
    doc = raw("11_death_combined.yaml")
    doc["assisted"] = "always"
    assert any(p.startswith("x.yaml: assisted: bad_value") for p in problems(doc))


def test_per_person_only_on_a_number_and_on_a_known_field() -> None:
    doc = raw("12_permanent_residence.yaml")
    rented = next(s for s in doc["steps"] if s["id"] == "rented_papers")
    area = next(f for f in rented["fields"] if f["key"] == "rental.floor_area")
    area["per_person"]["count_field"] = "rental.persons"
    assert any("unknown field rental.persons" in p for p in problems(doc))
    area["per_person"]["count_field"] = "rental.people"
    area["type"] = "text"
    assert any("per_person: bad_value" in p for p in problems(doc))

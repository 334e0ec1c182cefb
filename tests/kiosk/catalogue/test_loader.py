import shutil
from pathlib import Path

import pytest
import yaml

from kiosk.catalogue.loader import (
    LAST_GOOD,
    SHIPPED_FOLDER,
    CatalogueInvalidError,
    load_active_catalogue,
    load_catalogue,
)
from kiosk.i18n import Translator

TEN = ["id_confirmation", "temporary_residence", "temporary_absence", "birth_combined", "birth_registration",
       "judicial_record", "traffic_fine", "household_insurance", "file_status", "hospital_checkin",
       "death_combined", "permanent_residence"]


def test_the_shipped_catalogue_has_the_release_one_services_and_both_combined_groups() -> None:
    catalogue = load_catalogue()
    assert catalogue.codes() == TEN
    for service in catalogue.services:
        assert service.name.vi and service.name.en and service.icon and service.bring
        assert service.main.procedure_code and service.main.schema_id


def test_file_status_allows_withdrawal_only_before_acceptance() -> None:
    service = load_catalogue().get("file_status")
    assert service.can_withdraw(1)
    assert not any(service.can_withdraw(s) for s in range(2, 11))


def copy_catalogue(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(SHIPPED_FOLDER, folder)
    return folder


def edit(path: Path, change: object) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def problems_of(folder: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(CatalogueInvalidError) as caught:
        load_catalogue(folder)
    return [(p.file, p.field, p.code) for p in caught.value.problems]


def test_fees_and_times_are_data(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path)

    def cheaper(raw: dict) -> None:  # type: ignore[type-arg]
        raw["fees"]["base"] = 5000
        raw["processing"]["working_days"] = 2
    edit(folder / "02_temporary_residence.yaml", cheaper)
    service = load_catalogue(folder).get("temporary_residence")
    assert service.fees.base == 5000 and service.processing_working_days == 2


@pytest.mark.parametrize(("change", "field", "code"), [
    (lambda r: r.pop("code"), "code", "missing"),
    (lambda r: r.update(kind="form"), "kind", "bad_value"),
    (lambda r: r.update(colour="red"), "colour", "unknown_key"),
    (lambda r: r["processing"].update(working_days="three"), "processing.working_days", "wrong_type"),
    (lambda r: r["fees"].update(base=-1), "fees.base", "bad_value"),
    (lambda r: r["steps"][0]["fields"][0].update(type="colour"), "steps[0](person).fields[0](applicant.full_name).type",
     "bad_value"),
    (lambda r: r["steps"][0]["fields"][0].update(prefill="shoe_size"),
     "steps[0](person).fields[0](applicant.full_name).prefill", "bad_value"),
    (lambda r: r["steps"][1]["fields"][1]["when"].update(field="nothing"),
     "steps[1](request).fields(purpose_other).when", "bad_value"),
    (lambda r: r["procedures"][0]["data"].update(x="no.such.field"), "procedures[0].data.x", "bad_value"),
    (lambda r: r["name"].pop("vi"), "name.vi", "missing"),
    (lambda r: r.update(withdraw_statuses=[11]), "withdraw_statuses[0]", "bad_value"),
    (lambda r: r["steps"][1].update(id="person"), "steps[1].id", "duplicate"),
    (lambda r: r["steps"][1]["fields"][0].update(default="zzz"), "steps[1](request).fields(purpose).default",
     "bad_value"),
    (lambda r: r["steps"][3]["fields"].append({"key": "applicant.phone", "type": "text", "label": "x"}),
     "steps[3](summary).fields(applicant.phone)", "bad_value"),
    (lambda r: r["steps"][3]["fields"].append({"key": "t", "type": "computed", "compute": "template",
                                               "template": "{nowhere}", "label": "x"}),
     "steps[3](summary).fields(t).template", "bad_value"),
    (lambda r: r["steps"][1]["fields"].append(dict(r["steps"][1]["fields"][0])), "steps[1](request).fields(purpose)",
     "duplicate"),
])
def test_a_malformed_file_is_refused_naming_file_and_field(tmp_path: Path, change: object, field: str,
                                                           code: str) -> None:
    folder = copy_catalogue(tmp_path)
    edit(folder / "01_id_confirmation.yaml", change)
    assert ("01_id_confirmation.yaml", field, code) in problems_of(folder)


def test_unreadable_yaml_and_duplicate_codes_are_reported(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path)
    (folder / "99_broken.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    shutil.copy(folder / "01_id_confirmation.yaml", folder / "98_copy.yaml")
    found = problems_of(folder)
    assert ("99_broken.yaml", "", "unreadable") in found
    assert any(f == "code" and c == "duplicate" for _, f, c in found)


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path)[0][2] == "empty"


def test_every_problem_has_a_message_for_people(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path)
    edit(folder / "01_id_confirmation.yaml", lambda r: r.update(kind="x", colour=1))
    with pytest.raises(CatalogueInvalidError) as caught:
        load_catalogue(folder)
    tr = Translator(language="vi")
    for problem in caught.value.problems:
        assert tr.text(f"services.problem_{problem.code}", detail=problem.detail)


def test_a_bad_catalogue_at_start_up_keeps_the_last_good_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = copy_catalogue(tmp_path)
    edit(folder / "02_temporary_residence.yaml", lambda r: r["fees"].update(base=9000))
    first = load_active_catalogue(folder, data)
    assert first.fallback == "" and (data / LAST_GOOD / "02_temporary_residence.yaml").exists()
    edit(folder / "01_id_confirmation.yaml", lambda r: r.pop("steps"))
    second = load_active_catalogue(folder, data)
    assert second.fallback == "last_good"
    assert second.refused and second.refused[0].file == "01_id_confirmation.yaml"
    assert second.catalogue.get("temporary_residence").fees.base == 9000  # the technician's last good data


def test_a_bad_catalogue_on_a_fresh_kiosk_falls_back_to_the_shipped_one(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path)
    (folder / "01_id_confirmation.yaml").write_text("- not a table\n", encoding="utf-8")
    result = load_active_catalogue(folder, tmp_path / "data")
    assert result.fallback == "shipped" and result.catalogue.codes() == TEN
    assert not (tmp_path / "data" / LAST_GOOD).exists()


# ---- duplicate keys and number ranges ---------------------------------------------------------------------------
def test_a_key_given_twice_is_refused_naming_file_key_and_line(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path)
    path = folder / "01_id_confirmation.yaml"
    text = path.read_text(encoding="utf-8")
    # YAML would silently keep the second value; a technician's copy-and-paste must not change a fee unnoticed.
    path.write_text(text + "\nkind: application\n", encoding="utf-8")
    with pytest.raises(CatalogueInvalidError) as caught:
        load_catalogue(folder)
    [problem] = [p for p in caught.value.problems if p.code == "duplicate"]
    assert (problem.file, problem.field) == ("01_id_confirmation.yaml", "kind")
    assert f"line {len(text.splitlines()) + 2}" in problem.detail


def test_a_nested_key_given_twice_is_refused(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path)
    path = folder / "02_temporary_residence.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    days = raw["processing"]["working_days"]
    path.write_text(path.read_text(encoding="utf-8").replace(
        f"working_days: {days}", f"working_days: {days}\n  working_days: 1", 1), encoding="utf-8")
    found = problems_of(folder)
    assert ("02_temporary_residence.yaml", "processing.working_days", "duplicate") in found


def test_yaml_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    from kiosk.catalogue.loader import load_yaml

    doc = load_yaml("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
    assert doc == {"base": {"x": 1, "y": 2}, "other": {"x": 1, "y": 3}}


@pytest.mark.parametrize(("change", "field"), [
    (lambda r: r["processing"].update(working_days=1_000_000_000_000), "processing.working_days"),
    (lambda r: r["processing"].update(working_days=366), "processing.working_days"),
    (lambda r: r["fees"].update(base=10**15), "fees.base"),
    (lambda r: r["procedures"][0].update(schema_version=10**12), "procedures[0].schema_version"),
    (lambda r: r["procedures"][0].update(schema_version=0), "procedures[0].schema_version"),
    (lambda r: r["steps"][0]["fields"][0].update(max=10**20), "steps[0](person).fields[0](applicant.full_name).max"),
])
def test_catalogue_numbers_have_finite_ranges(tmp_path: Path, change: object, field: str) -> None:
    folder = copy_catalogue(tmp_path)
    edit(folder / "01_id_confirmation.yaml", change)
    assert ("01_id_confirmation.yaml", field, "bad_value") in problems_of(folder)


def test_the_longest_allowed_processing_time_gives_a_real_appointment_date(tmp_path: Path) -> None:
    from datetime import date

    from kiosk.catalogue.holidays import load_holidays
    from kiosk.catalogue.model import MAX_WORKING_DAYS

    folder = copy_catalogue(tmp_path)
    edit(folder / "02_temporary_residence.yaml", lambda r: r["processing"].update(working_days=MAX_WORKING_DAYS))
    service = load_catalogue(folder).get("temporary_residence")
    due = load_holidays().add_working_days(date(2026, 3, 2), service.processing_working_days)
    assert date(2027, 1, 1) < due < date(2028, 1, 1)


@pytest.mark.parametrize("line", ["working_days: 1" + "0" * 5000, "note: 2026-13-45"])
def test_values_yaml_cannot_build_are_reported_not_raised(tmp_path: Path, line: str) -> None:
    # A 5,000-digit number or an impossible date makes PyYAML's constructors raise ValueError, not YAMLError.
    folder = copy_catalogue(tmp_path)
    (folder / "99_odd.yaml").write_text(f"code: odd\n{line}\n", encoding="utf-8")
    assert ("99_odd.yaml", "", "unreadable") in problems_of(folder)

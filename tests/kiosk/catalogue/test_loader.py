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
       "judicial_record", "traffic_fine", "household_insurance", "file_status", "hospital_checkin"]


def test_the_shipped_catalogue_has_the_ten_release_one_services() -> None:
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

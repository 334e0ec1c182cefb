import json
import shutil
from pathlib import Path

import pytest

from kiosk.catalogue.loader import SHIPPED_FOLDER
from kiosk.cli import main


def test_services_list_shows_every_service_with_its_fee(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 12
    fees = {s["code"]: s["fee"] for s in listed}
    assert fees["judicial_record"] == 200_000 and fees["household_insurance"] == 1_263_600
    assert fees["death_combined"] == 0 and fees["permanent_residence"] == 10_000
    procedures = {s["code"]: s["procedures"] for s in listed}
    assert procedures["death_combined"] == ["1.000656", "1.004206", "1.001753", "1.001766"]


def test_services_check_accepts_a_good_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    shutil.copytree(SHIPPED_FOLDER, folder)
    assert main(["services", "check", str(folder), "--lang", "en"]) == 0
    assert "12 services" in capsys.readouterr().out


def test_services_check_names_file_and_field_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    shutil.copytree(SHIPPED_FOLDER, folder)
    path = folder / "03_temporary_absence.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: application", "kind: appliance"),
                    encoding="utf-8")
    assert main(["services", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "03_temporary_absence.yaml, mục kind: giá trị không hợp lệ" in out


def test_services_schema_prints_one_schema_per_procedure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services", "schema", "birth_combined"]) == 0
    schemas = json.loads(capsys.readouterr().out)
    assert [s["$id"] for s in schemas] == ["vn.justice.birth-registration/v1",
                                           "vn.police.permanent-residence-newborn/v1",
                                           "vn.vss.child-health-insurance/v1"]
    assert main(["services", "schema", "no_such_service"]) == 1


def test_services_check_warns_when_the_calendar_does_not_cover_the_next_year(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    shutil.copytree(SHIPPED_FOLDER, folder)
    assert main(["services", "check", str(folder), "--as-of", "2026-12-02", "--lang", "en"]) == 0
    assert "does not cover" not in capsys.readouterr().err
    assert main(["services", "check", str(folder), "--as-of", "2027-01-05", "--lang", "en"]) == 0  # a warning only
    err = capsys.readouterr().err
    assert "The holiday calendar does not cover 2028" in err


def test_services_check_counts_the_years_of_the_configured_holidays_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    shutil.copytree(SHIPPED_FOLDER, folder)
    local = tmp_path / "holidays.yaml"
    local.write_text("years: {2028: provisional}\nholidays:\n  - {date: 2028-01-24, name: {vi: Nghỉ, en: Off}}\n",
                     encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[catalogue]\nholidays_file = "{local}"\n', encoding="utf-8")
    assert main(["--config", str(config), "services", "check", str(folder), "--as-of", "2027-01-05"]) == 0
    assert "Lịch ngày nghỉ" not in capsys.readouterr().err
    local.write_text("holidays: []\n", encoding="utf-8")
    assert main(["--config", str(config), "services", "check", str(folder), "--as-of", "2027-01-05"]) == 0
    err = capsys.readouterr().err
    assert "Tệp ngày nghỉ lễ chưa đúng" in err and "Lịch ngày nghỉ chưa có năm 2028" in err


def test_services_check_refuses_a_malformed_as_of_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services", "check", str(tmp_path), "--as-of", "05/01/2027", "--lang", "en"]) == 2
    assert "05/01/2027" in capsys.readouterr().err

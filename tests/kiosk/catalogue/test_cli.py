import json
import shutil
from pathlib import Path

import pytest

from kiosk.catalogue.loader import SHIPPED_FOLDER
from kiosk.cli import main


def test_services_list_shows_every_service_with_its_fee(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 10
    fees = {s["code"]: s["fee"] for s in listed}
    assert fees["judicial_record"] == 200_000 and fees["household_insurance"] == 1_263_600


def test_services_check_accepts_a_good_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    shutil.copytree(SHIPPED_FOLDER, folder)
    assert main(["services", "check", str(folder), "--lang", "en"]) == 0
    assert "10 services" in capsys.readouterr().out


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

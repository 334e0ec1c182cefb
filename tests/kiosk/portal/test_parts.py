"""Combined files: the simulator gives one file code per procedure (`parts`), and the kiosk believes them only when
they name exactly the procedures it sent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalogue.loader import load_catalogue
from kiosk.portal.contract import ContractViolation, PartResult, check_parts, parse_application_answer
from kiosk.portal.simulator.store import SimulatorStore, processing_times
from kiosk.vietnam import VIETNAM_TIME

AGENCY = "000.00.01.H26"
BODY: dict[str, Any] = {
    "procedure_code": "1.000656", "agency_code": AGENCY, "channel": "kiosk",
    "applicant": {"id_number": "001090012345"}, "form": {"data": {}},
    "linked_procedures": [{"procedure_code": "1.004206", "agency_code": AGENCY, "form": {"data": {}}},
                          {"procedure_code": "1.001753", "agency_code": "000.00.02.H26", "form": {"data": {}}}],
}
CODE = "000.00.01.H26-261124-0001"


@pytest.fixture
def store(tmp_path: Path) -> SimulatorStore:
    now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=VIETNAM_TIME).timestamp()
    return SimulatorStore(tmp_path / "sim.sqlite3", lambda: now, step_s=60)


def test_each_part_gets_its_own_agency_file_code_and_status(store: SimulatorStore) -> None:
    answer = store.create("k1", BODY).answer
    assert answer["parts"] == [
        {"procedure_code": "1.000656", "dossier_code": CODE, "status": 1},
        {"procedure_code": "1.004206", "dossier_code": "000.00.01.H26-261124-0002", "status": 1},
        {"procedure_code": "1.001753", "dossier_code": "000.00.02.H26-261124-0001", "status": 1},
    ]
    assert store.create("k1", BODY).answer == answer          # a replay answers the same codes
    assert store.status(CODE, "2345")["parts"][2]["dossier_code"] == "000.00.02.H26-261124-0001"  # type: ignore[index]


def test_a_file_of_one_procedure_has_no_parts(store: SimulatorStore) -> None:
    single = {k: v for k, v in BODY.items() if k != "linked_procedures"}
    assert "parts" not in store.create("k2", single).answer


def test_the_kiosk_reads_parts_and_checks_them_against_what_it_sent(store: SimulatorStore) -> None:
    result = parse_application_answer(store.create("k1", BODY).answer, 201)
    assert result.parts[0].dossier_code == result.dossier_code
    assert check_parts(result.parts, BODY) == result.parts
    narrower = {**BODY, "linked_procedures": BODY["linked_procedures"][:1]}
    with pytest.raises(ContractViolation):
        check_parts(result.parts, narrower)


@pytest.mark.parametrize("parts", [
    [{"procedure_code": "1.000656", "dossier_code": CODE, "status": 1}],                        # one part only
    [{"procedure_code": "1.000656", "dossier_code": "OTHER-1", "status": 1},
     {"procedure_code": "1.004206", "dossier_code": "OTHER-2", "status": 1}],                  # not the file's code
    [{"procedure_code": "1.000656", "dossier_code": CODE, "status": 1},
     {"procedure_code": "1.004206", "dossier_code": CODE, "status": 1}],                       # a code repeated
    [{"procedure_code": "1.000656", "dossier_code": CODE, "status": 1},
     {"procedure_code": "1.004206", "dossier_code": "X-2", "status": 11}],                     # no such status
    "parts",
])
def test_answers_with_broken_parts_are_not_believed(parts: object) -> None:
    with pytest.raises(ContractViolation):
        parse_application_answer({"dossier_code": CODE, "status": 1, "parts": parts}, 201)


def test_a_narrower_scope_is_timed_as_its_service() -> None:
    times = processing_times(load_catalogue())
    assert times[("1.000656", "1.004206")] == times[("1.000656", "1.004206", "1.001753", "1.001766")] == 2
    assert times[("1.004222",)] == 7            # permanent residence on its own
    assert PartResult("1.004222", CODE, 1).status == 1

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.portal.simulator.store import IdempotencyConflict, SimulatorStore, body_hash, due_date
from kiosk.vietnam import VIETNAM_TIME

BODY = {"procedure_code": "1.004194", "agency_code": "000.00.01.H26", "channel": "kiosk",
        "applicant": {"id_number": "001090001234", "full_name": "Trần Văn Bình"}, "form": {"data": {"a": 1}}}


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=VIETNAM_TIME).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> SimulatorStore:
    return SimulatorStore(tmp_path / "sim.sqlite3", Clock(), step_s=60)


def test_same_key_same_body_replays_the_first_answer(store: SimulatorStore) -> None:
    first = store.create("k1", BODY)
    again = store.create("k1", dict(reversed(list(BODY.items()))))  # key order does not matter
    assert not first.replay and again.replay and again.answer == first.answer
    assert len(store.all_applications()) == 1


def test_same_key_different_body_is_a_conflict(store: SimulatorStore) -> None:
    store.create("k1", BODY)
    with pytest.raises(IdempotencyConflict):
        store.create("k1", {**BODY, "form": {"data": {"a": 2}}})


def test_file_codes_count_per_agency_and_day(store: SimulatorStore) -> None:
    codes = [store.create(f"k{i}", BODY).answer["dossier_code"] for i in range(3)]
    assert codes == ["000.00.01.H26-261124-0001", "000.00.01.H26-261124-0002", "000.00.01.H26-261124-0003"]


def test_due_date_skips_weekends() -> None:
    friday = dt.datetime(2026, 11, 27, 10, 0, tzinfo=VIETNAM_TIME).timestamp()
    due = dt.datetime.fromtimestamp(due_date(friday, 2), VIETNAM_TIME)
    assert due.date() == dt.date(2026, 12, 1) and due.hour == 17


def test_status_advances_along_the_lifecycle(tmp_path: Path) -> None:
    clock = Clock()
    store = SimulatorStore(tmp_path / "s.sqlite3", clock, step_s=60)
    code = store.create("k", BODY).answer["dossier_code"]
    seen = []
    for _ in range(6):
        status = store.status(code, "1234")
        assert status is not None
        seen.append(status["status"])
        clock.now += 60
    assert seen == [1, 2, 4, 9, 10, 10]
    assert store.status(code, "0000") is None  # wrong last four digits look exactly like a missing file


def test_configured_fates_end_in_3_5_or_8(tmp_path: Path) -> None:
    clock = Clock()
    store = SimulatorStore(tmp_path / "s.sqlite3", clock, step_s=1, fates={"3": 1.0})
    code = store.create("k", BODY).answer["dossier_code"]
    clock.now += 100
    status = store.status(code, "1234")
    assert status is not None and status["status"] == 3


def test_withdrawal_is_immediate_at_1_a_request_at_2_4_5_refused_later(tmp_path: Path) -> None:
    clock = Clock()
    store = SimulatorStore(tmp_path / "s.sqlite3", clock, step_s=60)
    a = store.create("a", BODY).answer["dossier_code"]
    assert store.withdraw(a, "1234") == ("withdrawn", 8)
    b = store.create("b", BODY).answer["dossier_code"]
    clock.now += 61
    assert store.withdraw(b, "1234") == ("requested", 7)
    clock.now += 600
    status = store.status(b, "1234")
    assert status is not None and status["status"] == 7  # frozen: an officer decides
    c = store.create("c", BODY).answer["dossier_code"]
    clock.now += 240
    assert store.withdraw(c, "1234") == ("refused", 10)
    assert store.withdraw(c, "9999") is None


def test_body_hash_ignores_formatting_only() -> None:
    assert body_hash({"a": 1, "b": [1, 2]}) == body_hash({"b": [1, 2], "a": 1})
    assert body_hash({"a": 1}) != body_hash({"a": 2})


def test_statistics_count_by_status_and_on_time(tmp_path: Path) -> None:
    clock = Clock()
    store = SimulatorStore(tmp_path / "s.sqlite3", clock, step_s=3600)
    for i in range(3):
        store.create(f"k{i}", BODY)
    clock.now += 4 * 3600
    stats = store.statistics(0, float("inf"), None, None)
    assert stats["total"] == 3 and stats["counts_by_status"] == {"10": 3}
    assert stats["on_time_pct"] == 100.0 and stats["median_days"] == pytest.approx(3 / 24)


def test_look_up_by_idempotency_key_finds_only_what_was_created_under_it(store: SimulatorStore) -> None:
    created = store.create("k1", BODY)
    found = store.find_by_key("k1")
    assert found is not None and found["dossier_code"] == created.answer["dossier_code"] and found["status"] == 1
    assert "applicant" not in found and "body" not in found  # no personal data in the answer
    assert store.find_by_key("k2") is None

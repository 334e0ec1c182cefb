import multiprocessing
from datetime import datetime
from pathlib import Path

from kiosk.hospital.queue_numbers import SqliteQueueNumbers

MORNING = datetime(2026, 11, 24, 7, 0)


def test_numbers_count_up_per_specialty(tmp_path: Path) -> None:
    queue = SqliteQueueNumbers(tmp_path / "q.sqlite3", lambda: MORNING)
    assert [queue.allocate("NOI").number for _ in range(3)] == [1, 2, 3]
    assert queue.allocate("NHI").number == 1


def test_numbers_start_again_each_day(tmp_path: Path) -> None:
    now = [MORNING]
    queue = SqliteQueueNumbers(tmp_path / "q.sqlite3", lambda: now[0])
    queue.allocate("NOI")
    now[0] = datetime(2026, 11, 25, 7, 0)
    assert queue.allocate("NOI").number == 1


def test_numbers_continue_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    first = SqliteQueueNumbers(path, lambda: MORNING)
    first.allocate("NOI")
    first.allocate("NOI")
    del first
    again = SqliteQueueNumbers(path, lambda: MORNING)
    assert again.allocate("NOI").number == 3
    assert again.issued_today("NOI") == [1, 2, 3]


def test_people_ahead_counts_only_those_not_yet_called(tmp_path: Path) -> None:
    queue = SqliteQueueNumbers(tmp_path / "q.sqlite3", lambda: MORNING)
    for _ in range(5):
        queue.allocate("NOI")
    queue.mark_called("NOI", 3)
    allocation = queue.allocate("NOI")
    assert (allocation.number, allocation.people_ahead) == (6, 2)


def _allocate_many(path: str, count: int, out: "multiprocessing.Queue[list[int]]") -> None:
    queue = SqliteQueueNumbers(Path(path), lambda: MORNING)
    out.put([queue.allocate("NOI").number for _ in range(count)])


def test_two_processes_never_get_the_same_number(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    SqliteQueueNumbers(path, lambda: MORNING)
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[list[int]] = ctx.Queue()
    workers = [ctx.Process(target=_allocate_many, args=(str(path), 40, out)) for _ in range(2)]
    for w in workers:
        w.start()
    results = [out.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    numbers = sorted(results[0] + results[1])
    assert numbers == list(range(1, 81))

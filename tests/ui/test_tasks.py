"""The task runner that keeps slow work off the GUI thread (ui.tasks)."""

from __future__ import annotations

from typing import Any

from ui.tasks import TaskRunner


def test_work_handed_in_after_shutdown_is_dropped_without_an_error(qapp: Any) -> None:
    # A window's timers can fire between the runner's shutdown and the window's close: that must not raise.
    runner = TaskRunner()
    runner.shutdown()
    ran: list[int] = []
    future = runner.run(lambda: ran.append(1), lambda _result: ran.append(2))
    assert future.cancelled() and future.done()
    qapp.processEvents()
    assert ran == []

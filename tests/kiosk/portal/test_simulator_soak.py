"""A short soak of the portal simulator process: mixed bad input from a few clients, bounded threads and memory.

The full ten-minute run is `bench/portal_soak.py`; this is the same driver for a quarter of a minute.
"""

from __future__ import annotations

import pytest

from kiosk.portal.simulator.soak import PROBES, SoakLimits, run_soak

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_mixed_bad_input_is_answered_with_bounded_threads_and_memory() -> None:
    limits = SoakLimits(max_connections=8, idle_timeout_s=1.0, request_deadline_s=2.5)
    report = run_soak(15, clients=3, limits=limits, seed=7)
    assert sum(report.unexpected.values()) == 0, report.table()
    assert set(report.sent) == set(PROBES), report.table()  # every kind of bad input was tried
    refusals = report.statuses()
    for status in ("400", "408", "411", "413", "414", "415", "431"):
        assert refusals[status] > 0, report.table()
    # the main thread, the serving loop, the 503 answerer and at most 8 connection threads
    assert report.max_threads <= limits.max_connections + 4, report.table()
    assert report.rss_end_kb - report.rss_start_kb < 64 * 1024, report.table()
    assert report.final_status == "201", report.table()
    assert report.created == report.stored > 1, report.table()

from __future__ import annotations

import pytest

from kiosk.portal.simulator import FaultPlan, FaultSpec, FaultSpecError


def test_spec_syntax_reads_every_documented_item() -> None:
    spec = FaultSpec.parse("503:0.2, reset:0.1, latency:20ms-80ms, outage:10s/30s, retry_after:3, lost:0.05,"
                           "truncate:0.05,garbage:0.05,429:0.1,500:0.1,seed:7")
    assert spec.probabilities == {"503": 0.2, "reset": 0.1, "lost": 0.05, "truncate": 0.05, "garbage": 0.05,
                                  "429": 0.1, "500": 0.1}
    assert spec.latency_s == (0.02, 0.08) and spec.outage_s == 10 and spec.outage_period_s == 30
    assert spec.retry_after_s == 3 and spec.seed == 7
    assert FaultSpec.parse("") == FaultSpec()


@pytest.mark.parametrize("bad", ["503", "503:2", "boom:0.1", "latency:fast", "outage:10s", "503:0.7,500:0.6",
                                 "seed:x", "outage:1s/0s"])
def test_bad_specs_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(FaultSpecError):
        FaultSpec.parse(bad)


def test_outage_window_repeats_with_its_period() -> None:
    now = [100.0]
    plan = FaultPlan(FaultSpec.parse("outage:10s/30s"), clock=lambda: now[0])
    assert plan.outage_remaining() == 10
    now[0] += 9.5
    assert 0 < plan.outage_remaining() <= 0.5
    now[0] += 1
    assert plan.outage_remaining() == 0
    now[0] += 20
    assert plan.outage_remaining() > 9


def test_draw_rates_follow_the_probabilities() -> None:
    plan = FaultPlan(FaultSpec.parse("503:0.3,reset:0.1,seed:1"))
    draws = [plan.draw(("reset", "500", "503", "429")) for _ in range(5000)]
    assert 0.26 < draws.count("503") / 5000 < 0.34
    assert 0.08 < draws.count("reset") / 5000 < 0.12
    assert "500" not in draws

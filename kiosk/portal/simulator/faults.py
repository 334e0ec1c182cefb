"""The portal simulator's fault plan: which trouble to inject into the next request.

SPEC is a comma-separated list of items, each `kind:value`:

| item | meaning |
|---|---|
| `500:0.1` / `503:0.2` / `429:0.05` | answer that status with that probability (503/429 carry `Retry-After`) |
| `retry_after:2` | seconds announced in `Retry-After` (default 1) |
| `reset:0.1` | reset the TCP connection before the request is processed |
| `lost:0.1` | process the request (the file is created) then reset the connection: the answer is lost |
| `truncate:0.1` | process, then send a body cut short of its `Content-Length` and close |
| `garbage:0.1` | process, then answer 200 with a body that is not JSON |
| `latency:50ms` / `latency:20ms-80ms` | delay every answer by that (range drawn uniformly; at most 60 s) |
| `outage:10s/30s` | in every 30 s period, the first 10 s answer 503 (`outage:on` = down until changed) |
| `seed:42` | seed of the fault dice, for repeatable runs |

Other durations are at most a day. An empty SPEC means a healthy portal. Faults apply to `/v1/...` only, never
to the simulator's `/_sim/...`.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

BEFORE_KINDS = ("reset", "500", "503", "429")
AFTER_KINDS = ("lost", "truncate", "garbage")


class FaultSpecError(ValueError):
    """The SPEC text is not in the documented syntax."""


@dataclass(frozen=True)
class FaultSpec:
    probabilities: dict[str, float] = field(default_factory=dict)
    retry_after_s: float = 1.0
    latency_s: tuple[float, float] = (0.0, 0.0)
    outage_s: float = 0.0  # length of the down window; infinite when `outage_always`
    outage_period_s: float = 0.0
    outage_always: bool = False
    seed: int | None = None

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        probs: dict[str, float] = {}
        kwargs: dict[str, object] = {}
        for raw in filter(None, (p.strip() for p in text.split(","))):
            kind, sep, value = raw.partition(":")
            kind = kind.strip().lower()
            if not sep:
                raise FaultSpecError(f"fault item {raw!r} needs kind:value")
            if kind in BEFORE_KINDS or kind in AFTER_KINDS:
                probs[kind] = _probability(value, raw)
            elif kind == "retry_after":
                kwargs["retry_after_s"] = _duration(value, raw, default_unit="s")
            elif kind == "latency":
                low, _, high = value.partition("-")
                lo = _duration(low, raw, default_unit="ms", limit_s=MAX_LATENCY_S)
                kwargs["latency_s"] = (lo, _duration(high, raw, default_unit="ms", limit_s=MAX_LATENCY_S)
                                       if high else lo)
            elif kind == "outage":
                if value.strip().lower() in ("on", "always"):
                    kwargs["outage_always"] = True
                elif value.strip().lower() != "off":
                    down, slash, period = value.partition("/")
                    if not slash:
                        raise FaultSpecError(f"outage needs DOWN/PERIOD, e.g. outage:10s/30s (got {raw!r})")
                    kwargs["outage_s"] = _duration(down, raw, default_unit="s")
                    kwargs["outage_period_s"] = _duration(period, raw, default_unit="s")
                    if kwargs["outage_period_s"] == 0:
                        raise FaultSpecError(f"outage period must be positive: {raw!r}")
            elif kind == "seed":
                try:
                    kwargs["seed"] = int(value)
                except ValueError as exc:
                    raise FaultSpecError(f"seed must be a whole number: {raw!r}") from exc
            else:
                raise FaultSpecError(f"unknown fault kind {kind!r} in {raw!r}")
        if sum(probs.get(k, 0.0) for k in BEFORE_KINDS) > 1 or sum(probs.get(k, 0.0) for k in AFTER_KINDS) > 1:
            raise FaultSpecError("probabilities of one phase add up to more than 1")
        return cls(probabilities=probs, **kwargs)  # type: ignore[arg-type]


def _probability(value: str, raw: str) -> float:
    try:
        p = float(value)
    except ValueError as exc:
        raise FaultSpecError(f"probability must be a number in {raw!r}") from exc
    if not 0.0 <= p <= 1.0:
        raise FaultSpecError(f"probability must be between 0 and 1 in {raw!r}")
    return p


_DURATION = re.compile(r"^\s*(\d{1,9}(?:\.\d{1,6})?)\s*(ms|s|m)?\s*$")
MAX_LATENCY_S = 60.0  # a handler thread sleeps this long: more would pin the bounded connection threads
MAX_DURATION_S = 86400.0


def _duration(value: str, raw: str, default_unit: str, limit_s: float = MAX_DURATION_S) -> float:
    m = _DURATION.match(value)
    if not m:
        raise FaultSpecError(f"duration like 50ms or 10s expected in {raw!r}")
    unit = m.group(2) or default_unit
    seconds = float(m.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[unit]
    if seconds > limit_s:
        raise FaultSpecError(f"duration at most {limit_s:.0f} s in {raw!r}")
    return seconds


class FaultPlan:
    """Draws the faults for each request; the spec can be swapped while the simulator runs."""

    def __init__(self, spec: FaultSpec, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.replace(spec)

    def replace(self, spec: FaultSpec) -> None:
        with self._lock:
            self.spec = spec
            self._rng = random.Random(spec.seed)
            self._epoch = self._clock()

    def outage_remaining(self) -> float:
        """Seconds left in the current outage window, 0 when the portal is up."""
        s = self.spec
        if s.outage_always:
            return s.retry_after_s
        if s.outage_period_s <= 0 or s.outage_s <= 0:
            return 0.0
        into = (self._clock() - self._epoch) % s.outage_period_s
        return max(0.0, s.outage_s - into)

    def latency(self) -> float:
        lo, hi = self.spec.latency_s
        with self._lock:
            return lo if hi <= lo else self._rng.uniform(lo, hi)

    def draw(self, kinds: tuple[str, ...]) -> str | None:
        """One roll for a phase: at most one of `kinds`, by their probabilities."""
        with self._lock:
            roll = self._rng.random()
        edge = 0.0
        for kind in kinds:
            edge += self.spec.probabilities.get(kind, 0.0)
            if roll < edge:
                return kind
        return None

"""Statistics for officials across kiosks, read from Prometheus's HTTP API (`/api/v1/query`).

Files saved come from the recording rule `ward_service_state:kiosk_files:sum` (see `rules/kiosk-statistics.yml`):
the rule sums each kiosk's `kiosk_files`, which the kiosk reads from its own queue, so the count for a period is
the sum at the period's end minus the sum at its start and equals what each kiosk's `kiosk stats` says for the
same days, added up. Without `--from` every file ever saved counts, as in `kiosk stats`. Days are whole days in
Vietnam time, `--to` inclusive, as in `kiosk stats`.

Journeys, their median duration and help requests come from counters and the journey histogram, recorded per
ward as 5-minute increases and summed over the period at 5-minute steps: exact to within Prometheus's
extrapolation and about 5 minutes at each end of the period (a kiosk's events between its start and its first
scrape are not seen); the median is interpolated within histogram buckets. The on-time
rate is the share of files the portal accepted within `fleet.on_time_target_s` of Submit, among those accepted in
the period.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.i18n import Translator
from kiosk.vietnam import VIETNAM_TIME

DEFAULT_RANGE_S = 90 * 86_400  # journeys without --from: this far back (a usual Prometheus retention is shorter)
STEP_S = 300  # the recording rules' increase window (rules/kiosk-statistics.yml)
JOURNEYS = "ward_service_outcome:kiosk_journeys_completed:increase5m"
BUCKETS = "ward_service_le:kiosk_journey_duration_seconds_bucket:increase5m"
HELPS = "ward:kiosk_help_requests:increase5m"


class FleetStatsError(RuntimeError):
    """Prometheus could not be asked or answered something that is not a query result; one line for staff."""


@dataclass(frozen=True)
class Period:
    start: float | None
    end: float
    since: str | None
    until: str | None


def parse_when(text: str, *, end: bool) -> float:
    """A day `YYYY-MM-DD` (Vietnam time; as an end, the day is inclusive) or an ISO date and time."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None and len(text) == 10:
        if end:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(), VIETNAM_TIME).timestamp()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a day (YYYY-MM-DD) or an ISO time: {text!r}") from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM_TIME)).timestamp()


def period(since: str | None, until: str | None, now: float | None = None) -> Period:
    now = time.time() if now is None else now
    start = parse_when(since, end=False) if since else None
    end = min(parse_when(until, end=True), now) if until else now
    if start is not None and start >= end:
        raise ValueError("--from must be before --to (and before now)")
    return Period(start, end, since, until)


@dataclass(frozen=True)
class FleetStatistics:
    ward: str | None
    province: str | None
    since: str | None
    until: str | None
    total: int
    by_service: dict[str, int] = field(default_factory=dict)
    by_ward: dict[str, int] = field(default_factory=dict)
    by_state_now: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    accepted_on_time: int = 0
    journeys: dict[str, dict[str, int]] = field(default_factory=dict)
    median_journey_seconds: float | None = None
    median_journey_by_service: dict[str, float] = field(default_factory=dict)
    help_requests: int = 0
    kiosks: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.accepted_on_time / self.accepted if self.accepted else None

    def as_json(self) -> dict[str, Any]:
        return {"ward": self.ward, "province": self.province, "since": self.since, "until": self.until,
                "kiosks": self.kiosks, "total": self.total, "by_service": self.by_service, "by_ward": self.by_ward,
                "by_state_now": self.by_state_now, "accepted": self.accepted,
                "accepted_on_time": self.accepted_on_time, "on_time_rate": self.on_time_rate,
                "journeys": self.journeys, "median_journey_seconds": self.median_journey_seconds,
                "median_journey_by_service": self.median_journey_by_service, "help_requests": self.help_requests}


Query = Callable[[str, float], list[dict[str, Any]]]


def prometheus_query(url: str, timeout_s: float = 10.0) -> Query:
    """An instant query against Prometheus at `url`; returns the result vector."""
    import requests

    base = url.rstrip("/")
    http = requests.Session()

    def query(expr: str, at: float) -> list[dict[str, Any]]:
        try:
            answer = http.get(f"{base}/api/v1/query", params={"query": expr, "time": f"{at:.3f}"},
                              timeout=timeout_s)
            body = answer.json()
        except requests.RequestException as exc:
            raise FleetStatsError(f"Prometheus at {base} cannot be reached ({type(exc).__name__})") from None
        except ValueError:
            raise FleetStatsError(f"Prometheus at {base} answered HTTP {answer.status_code}, not JSON") from None
        if not isinstance(body, dict) or body.get("status") != "success":
            error = body.get("error", "?") if isinstance(body, dict) else "?"
            raise FleetStatsError(f"Prometheus at {base} refused the query: {error}")
        data = body.get("data") or {}
        result = data.get("result") if isinstance(data, dict) else None
        return result if isinstance(result, list) else []

    return query


def _selector(ward: str | None, province: str | None) -> str:
    parts = []
    if ward:
        parts.append(f'ward="{_quote(ward)}"')
    if province:
        parts.append(f'province="{_quote(province)}"')
    return "{" + ",".join(parts) + "}"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _value(sample: dict[str, Any]) -> float:
    try:
        number = float(sample["value"][1])
    except (KeyError, IndexError, TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _by(result: list[dict[str, Any]], *labels: str) -> dict[tuple[str, ...], float]:
    out: dict[tuple[str, ...], float] = {}
    for sample in result:
        metric = sample.get("metric") or {}
        key = tuple(str(metric.get(label, "")) for label in labels)
        out[key] = out.get(key, 0.0) + _value(sample)
    return out


def fleet_statistics(query: Query, when: Period, ward: str | None = None,
                     province: str | None = None) -> FleetStatistics:
    sel = _selector(ward, province)
    files = f"sum by (ward, service, state) (ward_service_state:kiosk_files:sum{sel})"
    end_files = _by(query(files, when.end), "ward", "service", "state")
    start_files = _by(query(files, when.start), "ward", "service", "state") if when.start is not None else {}
    by_service: dict[str, int] = {}
    by_ward: dict[str, int] = {}
    by_state: dict[str, int] = {}
    for (w, service, state), n in end_files.items():
        by_state[state] = by_state.get(state, 0) + round(n)
        by_service[service] = by_service.get(service, 0) + round(n)
        by_ward[w] = by_ward.get(w, 0) + round(n)
    for (w, service, _state), n in start_files.items():
        by_service[service] = by_service.get(service, 0) - round(n)
        by_ward[w] = by_ward.get(w, 0) - round(n)

    def delta(expr: str) -> int:
        end = sum(_by(query(expr, when.end)).values())
        start = sum(_by(query(expr, when.start)).values()) if when.start is not None else 0.0
        return round(end - start)

    accepted = delta(f"sum(ward_service:kiosk_files_accepted:sum{sel})")
    on_time = delta(f"sum(ward_service:kiosk_files_accepted_on_time:sum{sel})")
    start = when.start if when.start is not None else when.end - DEFAULT_RANGE_S

    def over_period(recorded: str, raw: str, by: str) -> dict[tuple[str, ...], float]:
        """Recorded 5-minute increases at each 5-minute step up to the last step boundary, then the kiosks' own
        counters from that boundary to the period's end (the recorded increase covering it is not there yet)."""
        boundary = math.floor(when.end / STEP_S) * STEP_S
        labels = tuple(label for label in by.split(", ") if label)
        total: dict[tuple[str, ...], float] = {}
        parts: list[tuple[str, float]] = []
        if boundary - start >= STEP_S:
            span = f"[{int(boundary - start)}s:{STEP_S}s]"
            parts.append((f"sum by ({by}) (sum_over_time({recorded}{sel}{span}))", boundary))
        for expr, at in parts:
            for key, n in _by(query(expr, at), *labels).items():
                total[key] = total.get(key, 0.0) + n
        tail_from = max(boundary, start)
        if when.end - tail_from >= 1:
            # The counters' own values at both ends, not increase(): over a tail of a few samples increase()
            # extrapolates, and one journey could round away. (A kiosk restarted inside the tail counts from 0.)
            now = f"sum by ({by}) ({raw}{sel})"
            before = _by(query(now, tail_from), *labels)
            for key, n in _by(query(now, when.end), *labels).items():
                total[key] = total.get(key, 0.0) + max(0.0, n - before.get(key, 0.0))
        return total

    journeys: dict[str, dict[str, int]] = {}
    counted = over_period(JOURNEYS, "kiosk_journeys_completed_total", "service, outcome")
    for (service, outcome), n in sorted(counted.items()):
        if round(n):
            journeys.setdefault(service, {})[outcome] = round(n)
    buckets = over_period(BUCKETS, "kiosk_journey_duration_seconds_bucket", "service, le")
    median_by = {service: m for service in {s for s, _le in buckets}
                 if (m := _quantile(0.5, {le: n for (s, le), n in buckets.items() if s == service})) is not None}
    everything: dict[str, float] = {}
    for (_s, le), n in buckets.items():
        everything[le] = everything.get(le, 0.0) + n
    median = _quantile(0.5, everything)
    helps = over_period(HELPS, "kiosk_help_requests_total", "")
    kiosks = _by(query(f"count(kiosk_up{sel})", when.end))
    return FleetStatistics(
        ward=ward, province=province, since=when.since, until=when.until,
        total=sum(by_service.values()),
        by_service={k: v for k, v in sorted(by_service.items()) if v},
        by_ward={k: v for k, v in sorted(by_ward.items()) if v},
        by_state_now=dict(sorted(by_state.items())), accepted=accepted, accepted_on_time=on_time,
        journeys=journeys, median_journey_seconds=median,
        median_journey_by_service=dict(sorted(median_by.items())),
        help_requests=round(sum(helps.values())), kiosks=round(sum(kiosks.values())))


def _quantile(q: float, buckets: dict[str, float]) -> float | None:
    """A quantile from cumulative histogram bucket counts by upper bound (`le`), interpolated linearly within
    the bucket as Prometheus's histogram_quantile does; None without observations."""
    bounds = sorted((float(le), n) for le, n in buckets.items())
    if not bounds or bounds[-1][0] != math.inf or bounds[-1][1] <= 0:
        return None
    rank = q * bounds[-1][1]
    lower, below = 0.0, 0.0
    for upper, count in bounds:
        if count >= rank:
            if upper == math.inf:
                return lower  # beyond the last finite bucket: its bound is all that is known
            return lower + (upper - lower) * ((rank - below) / (count - below) if count > below else 0.0)
        lower, below = upper, count
    return None


def render_table(stats: FleetStatistics, translator: Translator) -> str:
    t = translator.text
    lines: list[str] = []

    def row(label: str, value: object) -> None:
        lines.append(f"{label:<40} {value!s:>9}")

    def section(title: str, items: dict[str, Any]) -> None:
        lines.append(title)
        lines.extend(f"  {k!s:<38} {v!s:>9}" for k, v in items.items())

    row(t("fleet.stats_kiosks"), stats.kiosks)
    row(t("fleet.stats_total"), stats.total)
    section(t("fleet.stats_by_service"), stats.by_service)
    if not stats.ward:
        section(t("fleet.stats_by_ward"), stats.by_ward)
    section(t("fleet.stats_state_now"), stats.by_state_now)
    rate = stats.on_time_rate
    row(t("fleet.stats_on_time"), "-" if rate is None else f"{rate * 100:.1f} %")
    section(t("fleet.stats_journeys"), {f"{s} / {o}": n for s, outcomes in stats.journeys.items()
                                        for o, n in outcomes.items()})
    median = stats.median_journey_seconds
    row(t("fleet.stats_median_journey"), "-" if median is None else f"{median:.0f}")
    row(t("fleet.stats_help"), stats.help_requests)
    return "\n".join(lines)


def render_csv(stats: FleetStatistics) -> str:
    """One figure per line: section, key, subkey, value (UTF-8, comma-separated, header first)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["section", "key", "subkey", "value"])
    w.writerow(["kiosks", "", "", stats.kiosks])
    w.writerow(["total", "", "", stats.total])
    for service, n in stats.by_service.items():
        w.writerow(["by_service", service, "", n])
    for ward, n in stats.by_ward.items():
        w.writerow(["by_ward", ward, "", n])
    for state, n in stats.by_state_now.items():
        w.writerow(["by_state_now", state, "", n])
    w.writerow(["accepted", "", "", stats.accepted])
    w.writerow(["accepted_on_time", "", "", stats.accepted_on_time])
    for service, outcomes in stats.journeys.items():
        for outcome, n in outcomes.items():
            w.writerow(["journeys", service, outcome, n])
    if stats.median_journey_seconds is not None:
        w.writerow(["median_journey_seconds", "", "", f"{stats.median_journey_seconds:.1f}"])
    for service, seconds in stats.median_journey_by_service.items():
        w.writerow(["median_journey_seconds", service, "", f"{seconds:.1f}"])
    w.writerow(["help_requests", "", "", stats.help_requests])
    return out.getvalue()


def manager_lines(prometheus_url: str, ward: str, translator: Translator, days: int = 30
                  ) -> list[tuple[str, str]]:
    """The ward's figures for the manager screen (label, value), over the last `days` days."""
    now = time.time()
    stats = fleet_statistics(prometheus_query(prometheus_url, timeout_s=5.0),
                             Period(now - days * 86_400, now, None, None), ward=ward)
    t = translator.text
    rate = stats.on_time_rate
    lines = [(t("fleet.stats_kiosks"), str(stats.kiosks)), (t("fleet.stats_total"), str(stats.total))]
    lines += [(service, str(n)) for service, n in stats.by_service.items()]
    lines.append((t("fleet.stats_on_time"), "-" if rate is None else f"{rate * 100:.0f} %"))
    median = stats.median_journey_seconds
    lines.append((t("fleet.stats_median_journey"), "-" if median is None else f"{median / 60:.1f} min"))
    return lines

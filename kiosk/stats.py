"""Statistics for ward managers from this kiosk's queue: what was submitted, how it went, what is waiting.

Counts per service, per kiosk state, per last known portal status (DVCQG codes 1–10) and per day (Vietnam
time), the median time from the citizen's tap on Submit to the portal's acceptance, and the waiting backlog.
Only the queue's clear columns are read, so statistics survive retention and never touch personal data.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from kiosk.i18n import Translator
from offline_cache import SqliteSubmissionQueue

VN = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class KioskStatisticsResult:
    since: str | None
    until: str | None
    total: int
    by_service: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    by_portal_status: dict[int, int] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)
    median_seconds_to_acceptance: float | None = None
    waiting: int = 0
    oldest_waiting_since: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "total": self.total, "by_service": self.by_service,
                "by_state": self.by_state, "by_portal_status": {str(k): v for k, v in self.by_portal_status.items()},
                "by_day": self.by_day, "median_seconds_to_acceptance": self.median_seconds_to_acceptance,
                "waiting": self.waiting, "oldest_waiting_since": self.oldest_waiting_since}


def day_bounds(since: dt.date | None, until: dt.date | None) -> tuple[float | None, float | None]:
    """Epoch bounds for whole days in Vietnam time; `until` is inclusive."""
    start = dt.datetime.combine(since, dt.time(), VN).timestamp() if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), VN).timestamp() if until else None
    return start, end


def compute_statistics(queue: SqliteSubmissionQueue, since: dt.date | None = None,
                       until: dt.date | None = None) -> KioskStatisticsResult:
    start, end = day_bounds(since, until)
    rows = queue.stats_rows(start, end)
    by_service: dict[str, int] = {}
    by_state: dict[str, int] = {}
    by_status: dict[int, int] = {}
    by_day: dict[str, int] = {}
    waits: list[float] = []
    waiting_since: list[float] = []
    for service, state, portal_status, created, accepted in rows:
        by_service[service] = by_service.get(service, 0) + 1
        by_state[state] = by_state.get(state, 0) + 1
        if portal_status is not None:
            by_status[portal_status] = by_status.get(portal_status, 0) + 1
        day = dt.datetime.fromtimestamp(created, VN).date().isoformat()
        by_day[day] = by_day.get(day, 0) + 1
        if accepted is not None:
            waits.append(accepted - created)
        if state in ("queued", "sending"):
            waiting_since.append(created)
    oldest = dt.datetime.fromtimestamp(min(waiting_since), VN).isoformat(timespec="seconds") if waiting_since else None
    return KioskStatisticsResult(
        since=since.isoformat() if since else None, until=until.isoformat() if until else None, total=len(rows),
        by_service=dict(sorted(by_service.items())), by_state=dict(sorted(by_state.items())),
        by_portal_status=dict(sorted(by_status.items())), by_day=dict(sorted(by_day.items())),
        median_seconds_to_acceptance=statistics.median(waits) if waits else None,
        waiting=len(waiting_since), oldest_waiting_since=oldest)


def render_table(result: KioskStatisticsResult, translator: Translator) -> str:
    """A plain text table for a terminal; labels come from the message catalogue, keys and counts as stored."""
    t = translator.text
    lines: list[str] = []

    def row(label: str, value: object) -> None:
        lines.append(f"{label:<34} {value!s:>7}")

    def section(title: str, items: dict[Any, int]) -> None:
        lines.append(title)
        lines.extend(f"  {k!s:<32} {v:>7}" for k, v in items.items())

    row(t("queue.stats_total"), result.total)
    section(t("queue.stats_by_service"), result.by_service)
    section(t("queue.stats_by_state"), result.by_state)
    section(t("queue.stats_by_portal_status"), result.by_portal_status)
    section(t("queue.stats_by_day"), result.by_day)
    median = result.median_seconds_to_acceptance
    row(t("queue.stats_median_seconds"), "-" if median is None else f"{median:.1f}")
    row(t("queue.stats_waiting"), result.waiting)
    row(t("queue.stats_oldest_waiting"), result.oldest_waiting_since or "-")
    return "\n".join(lines)

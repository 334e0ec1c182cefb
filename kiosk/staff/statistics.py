"""Statistics for ward managers from this kiosk's queue: what was submitted, how it went, what is waiting.

Counts per service, per kiosk state, per last known portal status (DVCQG codes 1–10) and per day (Vietnam
time), the median time from the citizen's tap on Submit to the portal's acceptance, and the waiting backlog.
Only the queue's clear columns are read, so statistics survive retention and never touch personal data.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.audit import AuditRecord
from kiosk.i18n import Translator, language_of
from kiosk.vietnam import VIETNAM_TIME
from offline_cache import SqliteSubmissionQueue


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
    start = dt.datetime.combine(since, dt.time(), VIETNAM_TIME).timestamp() if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), VIETNAM_TIME).timestamp() if until else None
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
        day = dt.datetime.fromtimestamp(created, VIETNAM_TIME).date().isoformat()
        by_day[day] = by_day.get(day, 0) + 1
        if accepted is not None:
            waits.append(accepted - created)
        if state in ("queued", "sending"):
            waiting_since.append(created)
    oldest = (dt.datetime.fromtimestamp(min(waiting_since), VIETNAM_TIME).isoformat(timespec="seconds")
              if waiting_since else None)
    return KioskStatisticsResult(
        since=since.isoformat() if since else None, until=until.isoformat() if until else None, total=len(rows),
        by_service=dict(sorted(by_service.items())), by_state=dict(sorted(by_state.items())),
        by_portal_status=dict(sorted(by_status.items())), by_day=dict(sorted(by_day.items())),
        median_seconds_to_acceptance=statistics.median(waits) if waits else None,
        waiting=len(waiting_since), oldest_waiting_since=oldest)


def face_path_counts(records: Iterable[AuditRecord]) -> dict[str, int]:
    """How citizens got past the face check, from the audit trail: by the camera, vouched for by staff, and how many
    checks failed on the way (a province compares these to see whether the check turns people away)."""
    verified = vouched = failed = 0
    for record in records:
        if record.event == "face_verified":
            verified += 1
        elif record.event == "face_vouched":
            vouched += 1
        elif record.event == "face_check_failed":
            failed += 1
    return {"camera": verified - vouched, "staff_vouched": vouched, "checks_failed": failed}


@dataclass(frozen=True)
class StatisticsRow:
    """One line of the statistics: a section heading (`value` empty), an entry under it (`indent`), or a figure."""

    label: str
    value: str = ""
    indent: bool = False


def statistics_rows(result: KioskStatisticsResult, translator: Translator, language: str | None = None,
                    service_name: Callable[[str], str] | None = None) -> list[StatisticsRow]:
    """The statistics as labelled rows, the one rendering both `kiosk stats` and the manager's screen use.

    Labels come from the message catalogue; services are named by `service_name` (the catalogue's names on the
    kiosk) or shown by code; kiosk states and portal statuses by their catalogue labels when there are ones."""
    def t(key: str) -> str:
        return translator.text(key) if language is None else Translator(language=language_of(language),
                                                                          catalogue=translator.catalogue).text(key)

    def label(key: str, fallback: str) -> str:
        return t(key) if translator.has(key) else fallback

    def section(title_key: str, items: dict[str, int]) -> list[StatisticsRow]:
        return [StatisticsRow(t(title_key)), *(StatisticsRow(k, str(v), indent=True) for k, v in items.items())]

    name = service_name or (lambda code: code)
    median = result.median_seconds_to_acceptance
    return [
        StatisticsRow(t("queue.stats_total"), str(result.total)),
        *section("queue.stats_by_service", {name(code): n for code, n in result.by_service.items()}),
        *section("queue.stats_by_state", {label(f"queue.state_{s}", s): n for s, n in result.by_state.items()}),
        *section("queue.stats_by_portal_status",
                 {label(f"queue.status_{s}", f"status {s}"): n for s, n in result.by_portal_status.items()}),
        *section("queue.stats_by_day", result.by_day),
        StatisticsRow(t("queue.stats_median_seconds"), "-" if median is None else f"{median:.1f}"),
        StatisticsRow(t("queue.stats_waiting"), str(result.waiting)),
        StatisticsRow(t("queue.stats_oldest_waiting"), result.oldest_waiting_since or "-"),
    ]


def render_table(result: KioskStatisticsResult, translator: Translator) -> str:
    """A plain text table for a terminal: the rows of `statistics_rows`, entries indented under their heading."""
    lines: list[str] = []
    for row in statistics_rows(result, translator):
        if row.indent:
            lines.append(f"  {row.label:<32} {row.value:>7}")
        elif row.value:
            lines.append(f"{row.label:<34} {row.value:>7}")
        else:
            lines.append(row.label)
    return "\n".join(lines)

"""The ward manager's statistics screen: what this kiosk's queue holds, in large text, and nothing else.

services.md §5.6 (staff dashboard: counts by procedure and status). Reached from the hidden PIN pad when the PIN
is the manager's (kiosk.staff); the manager never sees the technician's device tests, settings or log. Figures come
from kiosk.staff.statistics, which reads only the queue's clear columns (service code, state, portal status,
times), so no citizen's name, number or file is ever on this screen. Days are counted in Vietnam time, as
kiosk.staff.statistics does.

When `[fleet] prometheus_url` names the province's Prometheus, a "Phường (toàn phường)" section adds the ward's
figures across all its kiosks (kiosk.journey.staff.ward_figures), fetched off the GUI thread (ui.tasks) so the page
never waits on the network; otherwise, or when Prometheus cannot be reached, that section says so in one line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.journey.shell import SessionState
from kiosk.journey.staff import VN, KioskStatisticsResult, WardFigures, compute_statistics, ward_figures
from ui.screens.base import Screen
from ui.widgets.buttons import BigButton

# The range buttons: key suffix and how many days back from today (today included).
RANGES: tuple[tuple[str, int], ...] = (("today", 1), ("7", 7), ("30", 30))
DAYS_SHOWN = 7


def vietnam_today(epoch_s: float) -> dt.date:
    """The day in Vietnam at `epoch_s`: give it the kiosk's `wall_clock()`, the clock the queue stamps rows with
    (a demo's shifted clock included), so "today" here is the day on the receipts."""
    return dt.datetime.fromtimestamp(epoch_s, VN).date()


def range_dates(days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (both included) of the `days` days that end today."""
    return today - dt.timedelta(days=days - 1), today


def recent_days(since: dt.date, until: dt.date, by_day: dict[str, int]) -> list[tuple[dt.date, int]]:
    """The last `DAYS_SHOWN` days of the range, oldest first, with a zero for days without files."""
    first = max(since, until - dt.timedelta(days=DAYS_SHOWN - 1))
    days = [first + dt.timedelta(days=i) for i in range((until - first).days + 1)]
    return [(day, by_day.get(day.isoformat(), 0)) for day in days]


class ManagerScreen(Screen):
    name = "manager"
    show_back = False

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.days = 7
        self._ward_box: QVBoxLayout | None = None
        self._ward_asked = 0   # bumped on every build and on leaving: a late answer for an old page is dropped

    def enter(self) -> None:
        # Only in the manager's own mode (the PIN pad's session state) may this show; anything else goes home.
        if self.ctx.kiosk.session.state is not SessionState.MANAGER:
            self.ctx.navigate("welcome")
            return
        self.days = 7
        super().enter()

    def build(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("staff.manager_title")))
        row_w = QWidget()
        row = QHBoxLayout(row_w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        for suffix, days in RANGES:
            b = BigButton(self.t(f"staff.manager_range_{suffix}"), "clock",
                          role="primary" if days == self.days else "secondary", min_height=140)
            b.setObjectName(f"manager_range_{suffix}")
            b.clicked.connect(lambda _=False, d=days: self._choose(d))
            row.addWidget(b)
        layout.addWidget(row_w)

        since, until = range_dates(self.days, vietnam_today(self.ctx.kiosk.wall_clock()))
        result = compute_statistics(self.ctx.kiosk.submissions.queue, since, until)
        period = self.text(self.t("staff.manager_period", since=_day(since), until=_day(until)), "hint")
        period.setObjectName("manager_period")
        layout.addWidget(period)

        self.scrolling_body_and_leave(layout, lambda box: self._build_figures(box, result, since, until), spacing=20,
                                      leave_key="staff.manager_leave", leave_name="manager_leave",
                                      on_leave=self.ctx.kiosk.session.leave_manager_mode)

    def leave(self) -> None:
        self._ward_asked += 1
        self._ward_box = None
        super().leave()

    def _choose(self, days: int) -> None:
        self.days = days
        self.rebuild()

    # ---- figures ---------------------------------------------------------------------------------------------
    def _build_figures(self, box: QVBoxLayout, result: KioskStatisticsResult, since: dt.date,
                       until: dt.date) -> None:
        headline = self._section(box, "")
        self._row(headline, "total", self.t("staff.manager_total"), str(result.total), huge=True)
        self._row(headline, "waiting", self.t("staff.manager_waiting"), str(result.waiting), huge=True)
        if result.oldest_waiting_since:
            oldest = dt.datetime.fromisoformat(result.oldest_waiting_since).astimezone(VN)
            headline.addWidget(self.text(self.t("staff.manager_oldest_waiting",
                                                time=oldest.strftime("%H:%M %d/%m/%Y")), "hint"))
        median = result.median_seconds_to_acceptance
        self._row(headline, "median", self.t("staff.manager_median"),
                  self.t("staff.manager_median_none") if median is None else self._duration(median))
        if result.total == 0:
            box.addWidget(self.text(self.t("staff.manager_nothing"), "hint"))

        if result.by_service:
            services = self._section(box, "staff.manager_by_service")
            for code, count in result.by_service.items():
                self._row(services, f"service_{code}", self._service_name(code), str(count))
        if result.by_state:
            states = self._section(box, "staff.manager_by_state")
            for state, count in result.by_state.items():
                self._row(states, f"state_{state}", self._label(f"queue.state_{state}", state), str(count))
        if result.by_portal_status:
            portal = self._section(box, "staff.manager_by_portal_status")
            for status, count in result.by_portal_status.items():
                self._row(portal, f"portal_{status}", self._label(f"queue.status_{status}", str(status)), str(count))
        days = self._section(box, "staff.manager_by_day")
        for day, count in recent_days(since, until, result.by_day):
            self._row(days, f"day_{day.isoformat()}", _day(day), str(count))
        self._ward_section(box)

    # ---- the ward's figures across kiosks (Prometheus) ---------------------------------------------------------
    def _ward_section(self, box: QVBoxLayout) -> None:
        ward = self._section(box, "staff.manager_ward_title")
        ward.addWidget(self.text(self.t("staff.manager_ward_period"), "hint"))
        url = self.ctx.kiosk.config.fleet.prometheus_url
        if not url:
            self._ward_note(ward, "staff.manager_ward_not_configured")
            return
        self._ward_note(ward, "staff.manager_ward_loading")
        self._ward_box = ward
        self._ward_asked += 1
        asked = self._ward_asked
        code = self.ctx.kiosk.config.kiosk.ward_code
        language = "en" if self.ctx.language == "en" else "vi"
        self.ctx.tasks.run(lambda: ward_figures(url, code, language),
                           lambda figures: self._show_ward(asked, figures),
                           lambda _error: self._show_ward(asked, WardFigures(
                               problem_key="staff.manager_ward_unreachable")))

    def _show_ward(self, asked: int, figures: WardFigures) -> None:
        box = self._ward_box
        if asked != self._ward_asked or box is None:
            return   # the page was rebuilt or left meanwhile
        note = self.findChild(QLabel, "manager_ward_note")
        if note is not None:
            note.hide()
            note.setParent(None)
            note.deleteLater()
        if figures.problem_key:
            self._ward_note(box, figures.problem_key)
            return
        for n, (label, value) in enumerate(figures.lines):
            self._row(box, f"ward_{n}", self._service_name(label), value)

    def _ward_note(self, inner: QVBoxLayout, key: str) -> None:
        note = self.text(self.t(key), "hint")
        note.setObjectName("manager_ward_note")
        inner.addWidget(note)

    def _section(self, box: QVBoxLayout, title_key: str) -> QVBoxLayout:
        frame, inner = self.card_frame()
        if title_key:
            inner.addWidget(self.text(self.t(title_key), "title"))
        box.addWidget(frame)
        return inner

    def _row(self, inner: QVBoxLayout, key: str, label: str, value: str, huge: bool = False) -> None:
        # A layout, not a holder widget: the card's surface colour then reaches both labels.
        line = QHBoxLayout()
        line.setSpacing(16)
        name = self.text(label)
        name.setObjectName(f"manager_label_{key}")
        figure = QLabel(value)
        figure.setObjectName(f"manager_value_{key}")
        figure.setProperty("role", "huge" if huge else "title")
        figure.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        line.addWidget(name, 1)
        line.addWidget(figure)
        inner.addLayout(line)

    def _service_name(self, code: str) -> str:
        try:
            return str(self.ctx.kiosk.catalogue.get(code).name.get("en" if self.ctx.language == "en" else "vi"))
        except KeyError:
            return code

    def _label(self, key: str, fallback: str) -> str:
        return self.t(key) if self.ctx.kiosk.translator.has(key) else fallback

    def _duration(self, seconds: float) -> str:
        whole = round(seconds)
        if whole < 60:
            return self.t("staff.manager_duration_seconds", seconds=whole)
        if whole < 3600:
            return self.t("staff.manager_duration_minutes", minutes=whole // 60, seconds=whole % 60)
        return self.t("staff.manager_duration_hours", hours=whole // 3600, minutes=whole % 3600 // 60)


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")

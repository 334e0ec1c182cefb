"""Technician mode (behind the hidden gesture and PIN); the manager's own screen is ui.screens.manager.

services.md §5.6: health of the card reader, camera, printer and portal with a test for each; the queue; the
configuration as loaded; the audit log, which by construction holds no personal data (kiosk.audit refuses it); and
the staff dashboard (counts by procedure and status). Reached only from the welcome screen, so no citizen's data
can be on screen here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.journey.shell import SessionState
from ui.screens.base import Screen
from ui.screens.reprint import ReprintPanel
from ui.widgets.buttons import BigButton

TABS = (
    ("devices", "gear"), ("queue", "clock"), ("reprint", "printer"), ("stats", "chart"), ("config", "document"),
    ("logs", "search"),
)


class TechnicianScreen(Screen):
    name = "technician"
    show_back = False

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.tab = "devices"
        self.results: dict[str, tuple[bool, str]] = {}

    def enter(self) -> None:
        # Only in technician mode: a manager's PIN opens statistics only (no tests, settings or log), and nobody
        # else may see this page at all.
        state = self.ctx.kiosk.session.state
        if state is not SessionState.TECHNICIAN:
            self.ctx.navigate("manager" if state is SessionState.MANAGER else "welcome")
            return
        self.tab = "devices"
        self.results = {}
        super().enter()

    def leave(self) -> None:
        self.results = {}
        super().leave()

    def build(self, layout: QVBoxLayout) -> None:
        if self.ctx.kiosk.session.state is not SessionState.TECHNICIAN:
            return
        layout.addWidget(self.title(self.t("tech_title")))
        row_w = QWidget()
        row = QHBoxLayout(row_w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        for tab, icon in TABS:
            b = BigButton(self.t(f"tech_tab_{tab}"), icon, role="primary" if tab == self.tab else "secondary",
                          tile=True, min_height=200, text_px=24)
            b.setObjectName(f"tech_tab_{tab}")
            b.clicked.connect(lambda _=False, t=tab: self._tab(t))
            row.addWidget(b)
        layout.addWidget(row_w)
        self.scrolling_body_and_leave(layout, getattr(self, f"_build_{self.tab}"), spacing=14,
                                      leave_key="tech_leave", leave_name="tech_leave",
                                      on_leave=self.ctx.kiosk.session.leave_technician_mode)

    def _tab(self, tab: str) -> None:
        self.tab = tab
        self.rebuild()

    # ---- tabs --------------------------------------------------------------------------------------------
    def _build_devices(self, box: QVBoxLayout) -> None:
        for check in ("reader", "camera", "printer", "portal", "speech"):
            frame, inner = self.card_frame()
            state = self.results.get(check)
            inner.addWidget(self.text(self.t(f"tech_check_{check}"), "title"))
            if state is not None:
                line = self.text(("✓ " if state[0] else "✗ ") + state[1], "ok" if state[0] else "error")
                line.setObjectName(f"tech_result_{check}")
                inner.addWidget(line)
            test = self.button("tech_test_page" if check == "printer" else "tech_run_test", "check",
                               role="secondary", min_height=96)
            test.setObjectName(f"tech_test_{check}")
            test.clicked.connect(lambda _=False, c=check: self._run(c))
            inner.addWidget(test)
            box.addWidget(frame)

    def _run(self, check: str) -> None:
        def done(result: tuple[bool, str]) -> None:
            self.results[check] = result
            if self.tab == "devices":
                self.rebuild()

        def failed(exc: BaseException) -> None:
            done((False, f"{type(exc).__name__}: {exc}"))

        self.ctx.tasks.run(lambda: self.ctx.kiosk.device_check(check), done, failed)

    def _build_queue(self, box: QVBoxLayout) -> None:
        for label, value in self.ctx.kiosk.queue_summary():
            if label == "queue_warning":  # a vanished, shrunk or quarantined queue file: shown as an error line
                warning = self.text("✗ " + value, "error")
                warning.setObjectName("tech_queue_warning")
                box.addWidget(warning)
            else:
                box.addWidget(self.text(f"{self.t(label)}: {value}"))

    def _build_reprint(self, box: QVBoxLayout) -> None:
        box.addWidget(ReprintPanel(self.ctx))

    def _build_stats(self, box: QVBoxLayout) -> None:
        box.addWidget(self.text(self.t("stats_title"), "title"))
        for label, value in self.ctx.kiosk.statistics(self.ctx.language):
            line = self.text(f"{label}: {value}")
            box.addWidget(line)

    def _build_config(self, box: QVBoxLayout) -> None:
        for line in self.ctx.kiosk.config_lines():
            box.addWidget(self.text(line, "hint"))

    def _build_logs(self, box: QVBoxLayout) -> None:
        lines = self.ctx.kiosk.log_lines(limit=40)
        if not lines:
            box.addWidget(self.text(self.t("tech_no_logs"), "hint"))
        for line in lines:
            box.addWidget(self.text(line, "hint"))

"""Technician mode's reprint tab: recent submissions of this kiosk, each with a reprint button, and the "needs
help" slips still waiting for the printer (kiosk.receipts.recovery).

Rows show only references — the queue number, service code, portal file code and queue state — never a name or
ID number: technician mode is reached from the welcome screen, and the receipt it prints goes to the counter.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.journey.staff import recent_submissions, reprint_at_kiosk
from ui.widgets.buttons import BigButton

SHORT_ID = 8  # enough of the 32-hex queue ID to tell rows apart on screen and in `kiosk print receipt`


class ReprintPanel(QWidget):
    """One widget the technician screen puts under its "reprint" tab."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("reprint_panel")
        self.results: dict[str, tuple[bool, str]] = {}
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(12)
        self.refresh()

    def refresh(self) -> None:
        while self._box.count():
            item = self._box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._build_pending()
        self._build_recent()
        self._box.addStretch(1)

    # ---- parts -------------------------------------------------------------------------------------------
    def _build_pending(self) -> None:
        ctx = self.ctx
        self._box.addWidget(_label(ctx.t("reprint_pending_title"), "title"))
        recovery = ctx.printer_recovery
        entries = recovery.pending() if recovery is not None else []
        if recovery is not None and not recovery.enabled:
            self._box.addWidget(_label(ctx.t("reprint_pending_off"), "hint"))
        if not entries:
            self._box.addWidget(_label(ctx.t("reprint_pending_none"), "hint"))
        for entry in entries:
            row = _label(ctx.t("reprint_pending_row", time=entry.failed_at.replace("T", " "),
                               service=entry.service_code or "-", code=entry.reference,
                               reason=ctx.kiosk.translate(entry.reason_key, ctx.language)), "hint")
            row.setObjectName(f"pending_{entry.submission_id[:SHORT_ID]}")
            self._box.addWidget(row)

    def _build_recent(self) -> None:
        ctx = self.ctx
        self._box.addWidget(_label(ctx.t("reprint_recent_title"), "title"))
        records = recent_submissions(ctx.kiosk)
        if not records:
            self._box.addWidget(_label(ctx.t("reprint_none"), "hint"))
        for record in records:
            self._box.addWidget(self._row(record))

    def _row(self, record: Any) -> QWidget:
        ctx = self.ctx
        frame = QFrame()
        frame.setProperty("role", "card")
        line = QHBoxLayout(frame)
        line.setContentsMargins(16, 10, 16, 10)
        info = QVBoxLayout()
        sid = str(record.submission_id)
        info.addWidget(_label(ctx.t("reprint_row", service=record.service_code,
                                    code=record.file_code or ctx.t("reprint_no_code"),
                                    submission=sid[:SHORT_ID], state=record.state.value)))
        outcome = self.results.get(sid)
        if outcome is not None:
            result = _label(outcome[1], "ok" if outcome[0] else "error")
            result.setObjectName(f"reprint_result_{sid[:SHORT_ID]}")
            info.addWidget(result)
        line.addLayout(info, 1)
        again = BigButton(ctx.t("reprint_button"), "printer", role="secondary", min_height=88, text_px=24)
        again.setObjectName(f"reprint_{sid[:SHORT_ID]}")
        again.clicked.connect(lambda _=False, s=sid, c=record.file_code or sid: self._reprint(s, c))
        line.addWidget(again)
        return frame

    # ---- actions -----------------------------------------------------------------------------------------
    def _reprint(self, submission_id: str, code: str) -> None:
        ctx = self.ctx
        language = ctx.language

        def done(_result: Any) -> None:
            self.results[submission_id] = (True, ctx.t("reprint_done", code=code))
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.results[submission_id] = (False, ctx.kiosk.message_for(exc, language))
            self.refresh()

        ctx.tasks.run(lambda: reprint_at_kiosk(ctx.kiosk, submission_id, language), done, failed)


def _label(text: str, role: str = "") -> QLabel:
    label = QLabel(text)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(True)
    return label

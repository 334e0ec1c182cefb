"""Status look-up: scan the receipt's QR code or type the file code and the last four ID digits; withdraw a file
that is still early enough (services.md §6, row 9: "withdraw if status 1"; the portal decides the rest).
A receipt printed while the file waited carries the kiosk's local reference instead of a file code; it finds
the waiting file, and withdrawing it follows the queue's rule (kiosk.operations.withdraw_file), whose message
says whether it was cancelled before sending, withdrawn at the portal, or recorded until the portal answers.

No card is needed, and nothing of earlier visits is listed: the citizen must hold the receipt or know the code.
A file submitted at this kiosk can have its receipt printed again from the queue record (kiosk.receipts), so a
receipt lost to an empty printer, or simply lost, costs the citizen nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from kiosk.receipts import reprint_at_kiosk, reprintable_submission
from ui.screens.base import Screen
from ui.widgets.keyboard import OnScreenKeyboardWidget
from ui.widgets.preview import CameraPreviewWidget


class StatusScreen(Screen):
    name = "status"
    show_back = True

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.mode = "choose"
        self.file_code = ""
        self.id_last4 = ""
        self.outcome: Any = None
        self.withdraw_result: Any = None
        self.preview: CameraPreviewWidget | None = None
        self.local_submission: str | None = None  # the queue ID when the file was submitted at this kiosk
        self.reprint_state = ""  # "", "printing", "printed" or "failed"
        self.reprint_error = ""

    def enter(self) -> None:
        self.mode = "choose"
        self._forget_result()
        super().enter()

    def leave(self) -> None:
        self._stop()
        self._forget_result()
        super().leave()

    def _forget_result(self) -> None:
        self.file_code = self.id_last4 = ""
        self.outcome = self.withdraw_result = None
        self.local_submission = None
        self.reprint_state = self.reprint_error = ""

    def can_go_back(self) -> bool:
        return True

    def back(self) -> bool:
        if self.mode == "choose":
            self.ctx.kiosk.session.finish()
            return True
        self._stop()
        self.mode = "choose"
        self.rebuild()
        return True

    def voice_key(self) -> str:
        return "status_title"

    def build(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("status_title")))
        getattr(self, f"_build_{self.mode}")(layout)

    def _build_choose(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.text(self.t("status_hint"), "hint"))
        scan = self.button("status_scan", "qr", min_height=160)
        scan.setObjectName("status_scan")
        scan.clicked.connect(lambda: self._go("scan"))
        typed = self.button("status_type", "keyboard", role="secondary", min_height=160)
        typed.setObjectName("status_type")
        typed.clicked.connect(lambda: self._go("code"))
        layout.addWidget(scan)
        layout.addWidget(typed)
        layout.addStretch(1)

    def _build_scan(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.text(self.t("status_scan_hint"), "hint"))
        self.preview = CameraPreviewWidget(self.ctx, guide="card", analyse=self.ctx.kiosk.receipt_from_qr)
        self.preview.analysed.connect(self._scanned)
        layout.addWidget(self.preview, 1)
        self.preview.start()

    def _build_code(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.text(self.t("status_code_hint"), "hint"))
        keyboard = OnScreenKeyboardWidget(mode="code", labels=self.t, max_length=40)
        keyboard.setObjectName("keyboard")
        keyboard.set_text(self.file_code)
        keyboard.submitted.connect(self._code_done)
        layout.addWidget(keyboard)
        layout.addStretch(1)

    def _build_last4(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.text(self.t("status_last4_hint"), "hint"))
        pad = OnScreenKeyboardWidget(mode="numeric", labels=self.t, max_length=4, key_px=120)
        pad.setObjectName("id_pad")
        pad.submitted.connect(self._last4_done)
        layout.addWidget(pad)
        layout.addStretch(1)

    def _build_busy(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.text(self.t("status_looking"), "hint"))
        layout.addStretch(1)

    def _build_result(self, layout: QVBoxLayout) -> None:
        kiosk = self.ctx.kiosk
        lang = self.ctx.language
        frame, inner = self.card_frame()
        code = self.text(self.t("status_code_line", code=self.file_code))
        code.setObjectName("status_code")
        inner.addWidget(code)
        message = self.text(kiosk.translate(self.outcome.message_key, lang), "title")
        message.setObjectName("status_message")
        inner.addWidget(message)
        if self.outcome.due_at:
            inner.addWidget(self.text(self.t("due_line", due=kiosk.due_text(self.outcome.due_at, lang))))
        layout.addWidget(frame)
        if self.outcome.kind == "found" and self.local_submission:
            self._build_reprint(layout)
        if self.withdraw_result is not None:
            done = self.text(kiosk.translate(self.withdraw_result.message_key, lang), "ok")
            done.setObjectName("withdraw_message")
            layout.addWidget(done)
        elif kiosk.can_withdraw_outcome(self.outcome):
            withdraw = self.button("status_withdraw", "cross", role="help")
            withdraw.setObjectName("status_withdraw")
            withdraw.clicked.connect(self._withdraw)
            layout.addWidget(withdraw)
        layout.addStretch(1)
        finish = self.button("finish", "check", role="success")
        finish.setObjectName("finish")
        finish.clicked.connect(self.ctx.kiosk.session.finish)
        layout.addWidget(finish)

    def _build_reprint(self, layout: QVBoxLayout) -> None:
        if self.reprint_state == "printing":
            busy = self.text(self.t("status_reprinting"), "hint")
            busy.setObjectName("reprint_message")
            layout.addWidget(busy)
            return
        if self.reprint_state == "printed":
            done = self.text(self.t("receipt_printed"), "ok")
            done.setObjectName("reprint_message")
            layout.addWidget(done)
            return
        if self.reprint_state == "failed":
            failed = self.text(self.reprint_error, "error")
            failed.setObjectName("reprint_message")
            layout.addWidget(failed)
            staff = self.button("print_ask_staff", "help", role="help")
            staff.setObjectName("reprint_ask_staff")
            staff.clicked.connect(lambda: self.ctx.navigate("call_staff"))
            layout.addWidget(staff)
        again = self.button("status_reprint", "printer", min_height=150)
        again.setObjectName("status_reprint")
        again.clicked.connect(self._reprint)
        layout.addWidget(again)

    # ---- actions -----------------------------------------------------------------------------------------
    def _go(self, mode: str) -> None:
        self._stop()
        self.mode = mode
        self.rebuild()

    def _scanned(self, found: Any) -> None:
        if isinstance(found, BaseException):
            self._go("code")
            return
        self._stop()
        self.file_code, self.id_last4 = found
        self._lookup()

    def _code_done(self, text: str) -> None:
        self.file_code = text.strip()
        if self.file_code:
            self._go("last4")

    def _last4_done(self, text: str) -> None:
        if len(text) == 4:
            self.id_last4 = text
            self._lookup()

    def _lookup(self) -> None:
        self._go("busy")
        code, last4 = self.file_code, self.id_last4

        kiosk = self.ctx.kiosk

        def work() -> tuple[Any, str | None]:
            outcome = kiosk.look_up_file(code, last4)
            local = reprintable_submission(kiosk, code, last4) if outcome.kind == "found" else None
            return outcome, local

        def done(found: tuple[Any, str | None]) -> None:
            self.outcome, self.local_submission = found
            self.reprint_state = self.reprint_error = ""
            self._go("result")

        self.ctx.tasks.run(work, done)

    def _reprint(self) -> None:
        kiosk = self.ctx.kiosk
        submission_id = self.local_submission
        if submission_id is None or self.reprint_state == "printing":
            return
        language = self.ctx.language
        self.reprint_state = "printing"
        self.rebuild()

        def done(_result: Any) -> None:
            self.reprint_state = "printed"
            self.rebuild()
            self.ctx.say("receipt_printed")

        def failed(exc: BaseException) -> None:
            self.reprint_state = "failed"
            lines = [kiosk.message_for(exc, language)]
            if not str(getattr(exc, "message_key", "")).startswith("printer."):  # those already say "ask staff"
                lines.append(kiosk.translate("printer.reprint_failed_ask_staff", language))
            self.reprint_error = "\n".join(lines)
            self.rebuild()
            self.ctx.say("print_failed_voice")

        self.ctx.tasks.run(lambda: reprint_at_kiosk(kiosk, submission_id, language, remember_failure=True),
                           done, failed)

    def _withdraw(self) -> None:
        code, last4 = self.file_code, self.id_last4

        def done(result: Any) -> None:
            self.withdraw_result = result
            self.rebuild()

        self.ctx.tasks.run(lambda: self.ctx.kiosk.withdraw_file(code, last4), done)

    def _stop(self) -> None:
        if self.preview is not None:
            self.preview.stop()
            self.preview = None

"""Review (read aloud), submitting and the receipt: the end of a citizen's journey, told honestly.

The review shows the engine's plain sentences and reads them aloud (services.md §5.2). Submitting saves the file
durably first, then tries the portal once (kiosk.submissions): the next screen says either "Đã gửi — mã hồ sơ …"
or "Đã lưu; hồ sơ sẽ được gửi tự động khi có kết nối" — never a success that did not happen. The receipt prints
off the GUI thread, with "Thử lại" and "Gọi cán bộ" when the printer fails.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from ui.screens.base import Screen


class ReviewScreen(Screen):
    name = "review"
    step = 5

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.problem = ""

    def enter(self) -> None:
        self.problem = self.ctx.scratch.pop("submit_problem", "")
        super().enter()

    def sentences(self) -> list[str]:
        form = self.ctx.kiosk.session.form
        if form is None:
            return []
        return list(form.review_sentences(self.ctx.language))

    def build(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("review_title")))
        layout.addWidget(self.text(self.t("review_hint"), "hint"))
        if self.problem:
            err = self.text(self.problem, "error")
            err.setObjectName("submit_problem")
            layout.addWidget(err)
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        frame, inner = self.card_frame()
        for sentence in self.sentences():
            inner.addWidget(self.text(sentence))
        box.addWidget(frame)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        listen = self.button("review_listen", "speaker", role="secondary")
        listen.setObjectName("review_listen")
        listen.clicked.connect(self.speak_intro)
        layout.addWidget(listen)
        send = self.button("review_send", "check", role="success", min_height=150)
        send.setObjectName("review_send")
        send.clicked.connect(self._send)
        layout.addWidget(send)

    def speak_intro(self) -> None:
        self.ctx.kiosk.speak_texts("ui.review_title", self.sentences(), self.ctx.language)

    def back(self) -> bool:
        form = self.ctx.kiosk.session.form
        if form is not None:
            form.back()
        return False

    def _send(self) -> None:
        kiosk = self.ctx.kiosk
        form = kiosk.session.form
        if form is None:
            return
        form.confirm()
        submission_id = kiosk.new_submission_id()
        kiosk.session.submission_started(submission_id)

        def done(outcome: Any) -> None:
            self.ctx.scratch["outcome"] = outcome
            if outcome.kind == "rejected":
                self.ctx.scratch["submit_problem"] = kiosk.problems_text(outcome, self.ctx.language)
                kiosk.session.submission_failed(submission_id, outcome.message_key)
            else:
                kiosk.session.submission_completed(submission_id, outcome.kind, outcome.file_code or "")

        def failed(exc: BaseException) -> None:
            self.ctx.scratch["submit_problem"] = kiosk.message_for(exc, self.ctx.language)
            kiosk.session.submission_failed(submission_id, getattr(exc, "message_key", "common.unexpected_error"))

        self.ctx.tasks.run(lambda: kiosk.submit(form, submission_id), done, failed)


class SubmittingScreen(Screen):
    name = "submitting"
    show_back = False
    show_start_over = False
    step = 5

    def build(self, layout: QVBoxLayout) -> None:
        layout.addStretch(1)
        heading = self.text(self.t("submitting_title"), "huge")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        hint = self.text(self.t("submitting_hint"), "hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        layout.addStretch(2)

    def voice_key(self) -> str:
        return "submitting_title"


class ReceiptScreen(Screen):
    name = "receipt"
    show_back = False
    step = 6

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.print_state = "printing"
        self.print_error = ""

    def enter(self) -> None:
        self.print_state = "printing"
        self.print_error = ""
        super().enter()
        self._print()

    def outcome(self) -> Any:
        return self.ctx.scratch.get("outcome")

    def voice_key(self) -> str:
        route = self.ctx.kiosk.session.route
        return "sent_title" if route == "sent" else "queued_title"

    def voice_params(self) -> dict[str, object]:
        return {"code": self.ctx.kiosk.spoken_code(self.ctx.kiosk.session.file_code)}

    def build(self, layout: QVBoxLayout) -> None:
        session = self.ctx.kiosk.session
        outcome = self.outcome()
        if getattr(session.form, "ticket", None) is not None:
            self._build_ticket(layout, session.form)
        elif session.route == "sent":
            layout.addWidget(self.title(self.t("sent_heading")))
            frame, inner = self.card_frame()
            code = self.text(session.file_code, "title")
            code.setObjectName("file_code")
            code.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(code)
            layout.addWidget(frame)
            if outcome is not None and outcome.due_at:
                layout.addWidget(self.text(self.t("due_line", due=self.ctx.kiosk.due_text(outcome.due_at,
                                                                                           self.ctx.language))))
        else:
            heading = self.title(self.t("queued_heading"))
            heading.setObjectName("queued_heading")
            layout.addWidget(heading)
            layout.addWidget(self.text(self.t("queued_body"), "hint"))
        state = {"printing": ("printing_receipt", "hint"), "printed": ("receipt_printed", "ok"),
                 "failed": ("", "error")}[self.print_state]
        status = self.text(self.t(state[0]) if state[0] else self.print_error, state[1])
        status.setObjectName("print_status")
        layout.addWidget(status)
        layout.addStretch(1)
        if self.print_state == "failed":
            retry = self.button("try_again", "printer", min_height=140)
            retry.setObjectName("print_retry")
            retry.clicked.connect(self._retry)
            layout.addWidget(retry)
            staff = self.button("print_ask_staff", "help", role="help")
            staff.setObjectName("print_ask_staff")
            staff.clicked.connect(lambda: self.ctx.navigate("call_staff"))
            layout.addWidget(staff)
        if self.print_state != "printing":
            go_on = self.button("receipt_continue", "next", role="success", min_height=150)
            go_on.setObjectName("receipt_continue")
            go_on.clicked.connect(self.ctx.kiosk.session.receipt_printed)
            layout.addWidget(go_on)

    def _build_ticket(self, layout: QVBoxLayout, visit: Any) -> None:
        ticket = visit.ticket
        lang = self.ctx.language
        layout.addWidget(self.title(self.t("hospital_ticket_title")))
        frame, inner = self.card_frame()
        number = self.text(ticket.queue_number, "huge")
        number.setObjectName("file_code")
        number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(number)
        inner.addWidget(self.text(f"{ticket.specialty.name.get(lang)} — {ticket.specialty.room}", "title"))
        layout.addWidget(frame)
        message = self.text(self.ctx.kiosk.translate(visit.decision.message_key, lang), "hint")
        message.setObjectName("insurance_message")
        layout.addWidget(message)

    def _retry(self) -> None:
        self.print_state = "printing"
        self.rebuild()
        self._print()

    def _print(self) -> None:
        kiosk = self.ctx.kiosk
        outcome = self.outcome()
        form = kiosk.session.form
        language = self.ctx.language

        def done(result: Any) -> None:
            self.ctx.scratch["printed"] = getattr(result, "output", None)
            self.print_state = "printed"
            self.rebuild()
            self.ctx.say("receipt_printed")

        def failed(exc: BaseException) -> None:
            self.print_state = "failed"
            self.print_error = kiosk.message_for(exc, self.ctx.language)
            self.rebuild()
            self.ctx.say("print_failed_voice")

        self.ctx.tasks.run(lambda: kiosk.print_receipt(form, outcome, language), done, failed)

"""Human help on every screen: "Gọi cán bộ", volunteer sign-in (assisted mode) and the staff PIN pad.

services.md §5.6: a volunteer signs in with a PIN; from then on a banner names them and their ID goes into the
audit trail; they cannot browse history (this screen shows nothing of earlier visits). The technician reaches the
PIN pad only through a hidden gesture on the welcome screen; wrong PINs count towards a lockout (kiosk.staff). The
same pad serves the ward manager: the PIN decides the role, and a manager lands on the statistics screen only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from kiosk.session_events import STAFF_STATES
from kiosk.staff import StaffError
from ui.screens.base import Screen
from ui.widgets.keyboard import OnScreenKeyboardWidget


class CallStaffScreen(Screen):
    name = "call_staff"
    speaks_on_enter = True
    show_start_over = True

    def build(self, layout: QVBoxLayout) -> None:
        self.ctx.kiosk.request_help()
        layout.addWidget(self.title(self.t("call_staff_title")))
        layout.addWidget(self.text(self.t("call_staff_body"), "hint"))
        back = self.button("call_staff_continue", "back", role="secondary")
        back.setObjectName("help_continue")
        back.clicked.connect(self._resume)
        layout.addWidget(back)
        slip = self.button("print_help_slip", "printer", role="secondary")
        slip.setObjectName("help_slip")
        slip.clicked.connect(self._print_slip)
        layout.addWidget(slip)
        if self.ctx.kiosk.session.helper is None and self.ctx.kiosk.session.state not in STAFF_STATES:
            sign_in = self.button("volunteer_sign_in", "person")
            sign_in.setObjectName("volunteer_sign_in")
            sign_in.clicked.connect(lambda: self.ctx.navigate("volunteer"))
            layout.addWidget(sign_in)
        elif self.ctx.kiosk.session.helper is not None:
            sign_out = self.button("volunteer_sign_out", "cross", role="secondary")
            sign_out.setObjectName("volunteer_sign_out")
            sign_out.clicked.connect(self._sign_out)
            layout.addWidget(sign_out)
        self.status = self.text("", "ok")
        layout.addWidget(self.status)
        layout.addStretch(1)

    def voice_key(self) -> str:
        return "call_staff_title"

    def enter(self) -> None:
        if "return_to" not in self.ctx.scratch:
            from ui.screens import STATE_SCREENS
            self.ctx.scratch["return_to"] = STATE_SCREENS.get(self.ctx.kiosk.session.state, "welcome")
        super().enter()

    def _resume(self) -> None:
        from ui.screens import STATE_SCREENS
        target = self.ctx.scratch.pop("return_to", None) or STATE_SCREENS.get(self.ctx.kiosk.session.state, "welcome")
        self.ctx.navigate(target)

    def _print_slip(self) -> None:
        def done(_result: object) -> None:
            self.status.setProperty("role", "ok")
            self.status.setText(self.t("help_slip_printed"))

        def failed(exc: BaseException) -> None:
            self.status.setProperty("role", "error")
            self.status.setText(self.ctx.kiosk.message_for(exc, self.ctx.language))
            self.status.style().polish(self.status)

        self.ctx.tasks.run(self.ctx.kiosk.print_help_slip, done, failed)

    def _sign_out(self) -> None:
        self.ctx.kiosk.session.end_assistance()
        self._resume()


class _PinScreen(Screen):
    title_key = ""

    def build(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t(self.title_key)))
        self.error = self.text("", "error")
        layout.addWidget(self.error)
        self.pad = OnScreenKeyboardWidget(mode="numeric", max_length=12, masked=True, labels=self.t, key_px=120)
        self.pad.setObjectName("pin_pad")
        self.pad.submitted.connect(self._submit)
        layout.addWidget(self.pad)
        layout.addStretch(1)

    def _submit(self, pin: str) -> None:
        try:
            self.accept(pin)
        except StaffError as exc:  # wrong PIN, lock-out (both say how many tries or minutes), not configured
            self.error.setText(self.ctx.kiosk.message_for(exc, self.ctx.language))
            self.pad.set_text("")

    def accept(self, pin: str) -> None:
        raise NotImplementedError


class VolunteerScreen(_PinScreen):
    name = "volunteer"
    title_key = "volunteer_pin_title"

    def accept(self, pin: str) -> None:
        helper = self.ctx.kiosk.staff.authenticate_volunteer(pin)
        self.ctx.kiosk.session.begin_assistance(helper)
        from ui.screens import STATE_SCREENS
        self.ctx.scratch.pop("return_to", None)
        self.ctx.navigate(STATE_SCREENS.get(self.ctx.kiosk.session.state, "welcome"))


class TechnicianPinScreen(_PinScreen):
    name = "technician_pin"
    title_key = "staff.staff_pin_title"
    show_back = False

    def accept(self, pin: str) -> None:
        # The session's staff mode (technician or manager, as the PIN decides) brings the inactivity timer and the
        # wipe on leaving; its state change shows that mode's page.
        self.ctx.kiosk.sign_in_staff(pin)

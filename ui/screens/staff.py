"""The staff PIN pad behind the hidden gesture on the welcome screen (five taps on the ward name).

services.md §5.6: the technician reaches the PIN pad only through a hidden gesture on the welcome screen; wrong
PINs count towards a lockout (kiosk.staff). The same pad serves the ward manager: the PIN decides the role, and a
manager lands on the statistics screen only. Volunteers sign in from the visit's own help screen instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from kiosk.journey.staff import StaffError
from ui.screens.base import Screen
from ui.widgets.keyboard import OnScreenKeyboardWidget


class TechnicianPinScreen(Screen):
    name = "technician_pin"
    show_back = False

    def build(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("staff.staff_pin_title")))
        self.error = self.text("", "error")
        layout.addWidget(self.error)
        self.pad = OnScreenKeyboardWidget(mode="numeric", max_length=12, masked=True, labels=self.t, key_px=120)
        self.pad.setObjectName("pin_pad")
        self.pad.submitted.connect(self._submit)
        layout.addWidget(self.pad)
        layout.addStretch(1)

    def _submit(self, pin: str) -> None:
        try:
            # The session's staff mode (technician or manager, as the PIN decides) brings the inactivity timer and
            # the wipe on leaving; its state change shows that mode's page.
            self.ctx.kiosk.sign_in_staff(pin)
        except StaffError as exc:  # wrong PIN, lock-out (both say how many tries or minutes), not configured
            self.error.setText(self.ctx.kiosk.message_for(exc, self.ctx.language))
            self.pad.set_text("")

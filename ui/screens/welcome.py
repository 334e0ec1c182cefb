"""Welcome / idle screen: one big invitation to start, the status look-up, and the volunteer sign-in.

Nothing personal is ever on this screen; every wipe lands here. Placing the card also starts a session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from ui.screens.base import Screen
from ui.widgets.cardart import CardSlotWidget


class WelcomeScreen(Screen):
    name = "welcome"
    show_back = False
    show_start_over = False

    def build(self, layout: QVBoxLayout) -> None:
        heading = self.text(self.t("welcome_title"), "huge")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        sub = self.text(self.t("welcome_subtitle"), "hint")
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(sub)
        art = CardSlotWidget(self.t("place_card_here"), animate=not self.ctx.kiosk.demo)
        layout.addWidget(art, 1)
        start = self.button("start", "card", min_height=170)
        start.setObjectName("start")
        start.clicked.connect(self._start)
        layout.addWidget(start)
        lookup = self.button("status_lookup", "search", role="secondary")
        lookup.setObjectName("status_lookup")
        lookup.clicked.connect(self._lookup)
        layout.addWidget(lookup)

    def voice_key(self) -> str:
        return "welcome_voice"

    def card_inserted(self) -> None:
        """A card placed on the reader at the welcome screen starts the journey straight away."""
        self._start()
        page = self.ctx.kiosk.session
        if page.state.value == "language":
            self.ctx.scratch["card_waiting"] = True

    def _start(self) -> None:
        self.ctx.kiosk.session.start()

    def _lookup(self) -> None:
        self.ctx.kiosk.session.start_status_lookup()

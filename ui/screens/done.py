"""Goodbye screen: take your card and receipt; the session is wiped when the card leaves or "Xong" is pressed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from ui.screens.base import Screen
from ui.widgets.cardart import CardSlotWidget


class DoneScreen(Screen):
    name = "done"
    show_back = False
    step = 6

    def build(self, layout: QVBoxLayout) -> None:
        heading = self.text(self.t("done_title"), "huge")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        layout.addWidget(self.text(self.t("done_take_card"), "title"))
        art = CardSlotWidget(self.t("done_card_caption"), animate=not self.ctx.kiosk.demo, taking_out=True)
        layout.addWidget(art, 1)
        finish = self.button("finish", "check", role="success", min_height=150)
        finish.setObjectName("finish")
        finish.clicked.connect(self._finish)
        layout.addWidget(finish)
        kiosk = self.ctx.kiosk
        if "card_image" in kiosk.extras and not kiosk.demo and kiosk.session.card_present:
            virtual = self.button("demo_remove_card", "card", role="secondary")
            virtual.setObjectName("demo_remove_card")
            virtual.clicked.connect(kiosk.remove_virtual_card)
            layout.addWidget(virtual)

    def voice_key(self) -> str:
        return "done_take_card"

    def _finish(self) -> None:
        self.ctx.kiosk.session.finish()

"""Overlays drawn over the whole window: the inactivity warning and short messages.

The warning follows WCAG 2.2 SC 2.2.1 (Timing Adjustable): it says how long is left, and one big button gives more
time; the session decides how many times.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui.theme import SIZES
from ui.widgets.buttons import BigButton

Texts = Callable[..., str]   # a message key (and its parameters) to the text in the visit's language


class _Overlay(QWidget):
    def __init__(self, window: QWidget, t: Texts) -> None:
        super().__init__(window)
        self.window_ = window
        self.t = t
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setGeometry(window.rect())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(80, 0, 80, 0)
        outer.addStretch(1)
        self.card = QFrame()
        self.card.setObjectName("overlayCard")
        self.body = QVBoxLayout(self.card)
        self.body.setContentsMargins(48, 48, 48, 48)
        self.body.setSpacing(SIZES.spacing_px)
        outer.addWidget(self.card)
        outer.addStretch(1)
        self.hide()

    def _label(self, role: str) -> QLabel:
        label = QLabel()
        label.setProperty("role", role)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _present(self) -> None:
        self.setGeometry(self.window_.rect())
        self.raise_()
        self.show()

    def dismiss(self) -> None:
        self.hide()


class InactivityOverlay(_Overlay):
    extend_clicked = Signal()

    def __init__(self, window: QWidget, t: Texts) -> None:
        super().__init__(window, t)
        self.heading = self._label("title")
        self.countdown = self._label("huge")
        self.extend = BigButton("", "clock", role="primary", min_height=160)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.countdown)
        self.body.addWidget(self.extend)
        self.extend.clicked.connect(self.extend_clicked)
        self._seconds = 0.0
        self._can_extend = True

    def warn(self, can_extend: bool) -> None:
        self._can_extend = can_extend
        self.retranslate()
        self._present()

    def set_seconds(self, seconds: float) -> None:
        self._seconds = seconds
        self.countdown.setText(self.t("inactivity_seconds", seconds=math.ceil(seconds)))

    def retranslate(self) -> None:
        t = self.t
        self.heading.setText(t("inactivity_warning"))
        self.extend.setText(t("more_time"))
        self.extend.setVisible(self._can_extend)
        self.set_seconds(self._seconds)


class MessageOverlay(_Overlay):
    def __init__(self, window: QWidget, t: Texts) -> None:
        super().__init__(window, t)
        self.heading = self._label("title")
        self.detail = self._label("")
        self.ok = BigButton("", "check", role="primary")
        self.body.addWidget(self.heading)
        self.body.addWidget(self.detail)
        self.body.addWidget(self.ok)
        self.ok.clicked.connect(self.dismiss)

    def show_message(self, heading: str, detail: str, ok: str) -> None:
        self.heading.setText(heading)
        self.detail.setText(detail)
        self.ok.setText(ok)
        self._present()

    def retranslate(self) -> None:
        pass

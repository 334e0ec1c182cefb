"""What the staff pages share (the PIN pad, technician mode, the manager's statistics): texts from the message
catalogue, content rebuilt on entry and on a language switch, and emptied when left, so no widget keeps what it
showed. A citizen's screens are not `Screen`s: one page draws the visit's views (ui.screens.journey).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QLayout, QVBoxLayout, QWidget

from ui.theme import SIZES
from ui.widgets.buttons import BigButton
from ui.widgets.scroll import TouchScrollArea

if TYPE_CHECKING:
    from ui.context import UiContext


class Screen(QWidget):
    """A full page. Subclasses fill `build()`; `voice_key` is spoken when the page appears."""

    name: ClassVar[str] = ""
    show_back: ClassVar[bool] = True
    show_start_over: ClassVar[bool] = True
    step: ClassVar[int] = 0  # position in the citizen's journey (0: not a journey step)
    # Pages of a session state are announced by the voice guide following the session; side pages speak here.
    speaks_on_enter: ClassVar[bool] = False

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(f"screen_{self.name}")
        self._layout = QVBoxLayout(self)
        m = SIZES.margin_px
        self._layout.setContentsMargins(m, m // 2, m, m // 2)
        self._layout.setSpacing(SIZES.spacing_px)

    # ---- life cycle ----------------------------------------------------------------------------------------
    def enter(self) -> None:
        self.rebuild()
        if self.speaks_on_enter:
            self.speak_intro()

    def leave(self) -> None:
        """Drop every widget (and so every text) this page showed."""
        self.clear()

    def rebuild(self) -> None:
        self.clear()
        self.build(self._layout)

    def build(self, layout: QVBoxLayout) -> None:
        raise NotImplementedError

    def voice_key(self) -> str | None:
        return None

    def voice_params(self) -> dict[str, object]:
        return {}

    def speak_intro(self) -> None:
        key = self.voice_key()
        if key:
            self.ctx.say(key, **self.voice_params())

    def back(self) -> bool:
        """Handle "Quay lại" inside the page (e.g. a previous form step); False lets the session go back."""
        return False

    def can_go_back(self) -> bool:
        return self.show_back

    def clear(self) -> None:
        clear_layout(self._layout)

    # ---- helpers for subclasses ----------------------------------------------------------------------------
    def t(self, key: str, /, **params: object) -> str:
        return self.ctx.t(key, **params)

    def title(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "title")
        label.setWordWrap(True)
        return label

    def text(self, text: str, role: str = "") -> QLabel:
        label = QLabel(text)
        if role:
            label.setProperty("role", role)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        return label

    def button(self, key_or_text: str, icon: str, role: str = "primary", *, tile: bool = False,
               min_height: int | None = None, translate: bool = True) -> BigButton:
        text = self.t(key_or_text) if translate else key_or_text
        return BigButton(text, icon, role=role, tile=tile, min_height=min_height)

    def card_frame(self) -> tuple[QFrame, QVBoxLayout]:
        frame = QFrame()
        frame.setProperty("role", "card")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(14)
        return frame, inner

    def choice_grid(self, buttons: list[BigButton], columns: int = 2) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(SIZES.spacing_px)
        for i, b in enumerate(buttons):
            grid.addWidget(b, i // columns, i % columns)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        return holder

    def scrolling_body_and_leave(self, layout: QVBoxLayout, fill: Callable[[QVBoxLayout], None], *, spacing: int,
                                 leave_key: str, leave_name: str, on_leave: Callable[[], None]) -> None:
        """The staff pages' shape: a body that scrolls (filled by `fill`) above one fixed "leave" button, so the
        way out of a staff mode stays on screen however long the body grows."""
        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(spacing)
        fill(box)
        box.addStretch(1)
        scroll = TouchScrollArea(cue_text=self.ctx.t("more_below"))
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        leave = self.button(leave_key, "lock", role="help")
        leave.setObjectName(leave_name)
        leave.clicked.connect(on_leave)
        layout.addWidget(leave)


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
            continue
        child = item.layout()
        if child is not None:
            clear_layout(child)
            child.deleteLater()

"""The on-screen keyboard: Vietnamese letters through Telex, VNI or a simple tone-key row, and a numeric pad.

services.md §5.5: an in-app keyboard (no system IME on a kiosk) with Telex and VNI modes, an elderly "simple" mode
where tone and vowel-mark keys apply to the last syllable, Title Case for names and a 12-key numeric pad for ID and
phone numbers. The typing rules live in the Qt-free `kiosk.vietnamese_input`; this widget only shows keys and the
text, and feeds key presses to it. Keys are large (≥ 15 mm) and there is no long-press or swipe anywhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui.theme import PALETTE, SIZES, pressed_fill
from ui.widgets.icons import paint_icon
from ui.widgets.vietnamese import TypingEngine

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
CODE_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM.-<")
SHIFT = "shift"
NUMERIC_ROWS = ("123", "456", "789")
TONE_KEYS = (("sắc", "tone:s"), ("huyền", "tone:f"), ("hỏi", "tone:r"), ("ngã", "tone:x"), ("nặng", "tone:j"))
MARK_KEYS = (("ă", "ă"), ("â", "â"), ("ê", "ê"), ("ô", "ô"), ("ơ", "ơ"), ("ư", "ư"), ("đ", "đ"))


class KeyButton(QPushButton):
    """One key: a character or a short word, drawn as a big light key (or dark, for actions)."""

    def __init__(self, label: str, value: str, size: int, dark: bool = False, icon: str = "") -> None:
        super().__init__(label)
        self.value = value
        self.dark = dark
        self.icon_name = icon
        # One or two characters get the button size; words ("huyền", "Xong") the theme's smallest, so they fit
        # a key (style sheet, ui.theme).
        self.setProperty("keyLabel", "short" if len(label) <= 2 else "long")
        self.setMinimumSize(size, size)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(size)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(label or value)

    @property
    def text_px(self) -> int:
        """The pixel size the label is drawn at now."""
        self.ensurePolished()
        return self.font().pixelSize()

    def colors(self) -> tuple[str, str]:
        return (PALETTE.primary, PALETTE.primary_text) if self.dark else (PALETTE.surface, PALETTE.text)

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        bg, fg = self.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = pressed_fill(bg) if self.isDown() else QColor(bg)
        p.setPen(QPen(QColor(PALETTE.border), 3))
        p.setBrush(fill)
        r = self.rect().adjusted(2, 2, -2, -2)
        p.drawRoundedRect(r, 12, 12)
        p.setPen(QColor(fg))
        p.setFont(self.font())
        if self.icon_name:
            side = min(r.height() * 0.5, 48)
            from PySide6.QtCore import QRectF
            icon_rect = QRectF(r.left() + 14, r.center().y() - side / 2, side, side)
            paint_icon(p, self.icon_name, icon_rect, fg)
            text_rect = r.adjusted(int(side) + 22, 0, -8, 0)
            p.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), self.text())
        else:
            p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), self.text())
        p.end()


class OnScreenKeyboardWidget(QWidget):
    """Text display + keys. `mode` is "telex", "vni", "simple" (tone keys) or "numeric"."""

    text_changed = Signal(str)
    submitted = Signal(str)

    def __init__(self, mode: str = "simple", *, title_case: bool = False, max_length: int = 80,
                 key_px: int = SIZES.key_px, labels: Callable[[str], str] | None = None,
                 masked: bool = False, compact: bool = False) -> None:
        super().__init__()
        self.compact = compact  # letters only (a filter for a list): no digit row
        self.mode = mode
        self.masked = masked
        self.shift = False
        self.title_case = title_case
        self.max_length = max_length
        self.key_px = key_px
        self._labels = labels or (lambda k: k)
        self.engine = TypingEngine(mode)
        self.display = QLabel()
        self.display.setProperty("role", "field")
        self.display.setMinimumHeight(key_px + 10)
        self.display.setObjectName("keyboard_display")
        self.keys: dict[str, KeyButton] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._layout.addWidget(self.display)
        self._keys_holder = QWidget()
        self._layout.addWidget(self._keys_holder)
        self._build_keys()
        self._show()

    # ---- public ------------------------------------------------------------------------------------------
    def text(self) -> str:
        text = unicodedata.normalize("NFC", self.engine.text)
        return _title(text) if self.title_case else text

    def set_text(self, text: str) -> None:
        self.engine.set_text(text)
        self._show()

    def press(self, value: str) -> None:
        """Feed one key as if tapped (the tests tap the buttons; this is what a tap does)."""
        if value == SHIFT:
            self.shift = not self.shift
            self._build_keys()
            return
        if value == "\b":
            self.engine.backspace()
        elif value == "\n":
            self.submitted.emit(self.text())
            return
        elif len(self.engine.text) < self.max_length:
            if self.mode in ("numeric", "pin") and not value.isdigit():
                return
            if self.shift and len(value) == 1:
                value = value.upper()
                self.shift = False  # one capital, as on a phone
                self._build_keys()
            self.engine.key(value)
        self._show()

    def set_mode(self, mode: str) -> None:
        text = self.engine.text
        self.mode = mode
        self.engine = TypingEngine(mode)
        self.engine.set_text(text)
        self._build_keys()
        self._show()

    # ---- inside ------------------------------------------------------------------------------------------
    def _show(self) -> None:
        shown = self.text()
        self.display.setText(("●" * len(shown) if self.masked else shown) + "▏")
        self.text_changed.emit(shown)

    def _key(self, label: str, value: str, dark: bool = False, icon: str = "") -> KeyButton:
        key = KeyButton(label, value, self.key_px, dark=dark, icon=icon)
        key.clicked.connect(lambda _=False, v=value: self.press(v))
        self.keys[value if value not in self.keys else f"{value}#{len(self.keys)}"] = key
        return key

    def _build_keys(self) -> None:
        old = self._keys_holder
        self._keys_holder = QWidget()
        self._layout.replaceWidget(old, self._keys_holder)
        old.setParent(None)
        old.deleteLater()
        self.keys = {}
        rows = QVBoxLayout(self._keys_holder)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(6)
        if self.mode == "numeric":
            grid = QGridLayout()
            grid.setSpacing(8)
            for r, row in enumerate(NUMERIC_ROWS):
                for c, ch in enumerate(row):
                    grid.addWidget(self._key(ch, ch), r, c)
            grid.addWidget(self._key(self._labels("key_erase"), "\b", dark=True, icon="erase"), 3, 0)
            grid.addWidget(self._key("0", "0"), 3, 1)
            grid.addWidget(self._key(self._labels("key_done"), "\n", dark=True, icon="check"), 3, 2)
            rows.addLayout(grid)
            return
        if self.mode == "simple":
            rows.addLayout(self._row([(lbl, v) for lbl, v in TONE_KEYS], dark=True))
            rows.addLayout(self._row(list(MARK_KEYS)))
        if not self.compact:
            rows.addLayout(self._row([(ch, ch) for ch in "1234567890"]))
        if self.mode == "code":
            for letters in CODE_ROWS:
                rows.addLayout(self._row([(ch, ch) for ch in letters]))
        else:
            first, second, third = LETTER_ROWS
            rows.addLayout(self._row([(ch, ch) for ch in first]))
            rows.addLayout(self._row([(ch, ch) for ch in second + "/"]))
            third_row = self._row([(ch, ch) for ch in third + ",-"])
            shift = self._key("⇧", SHIFT, dark=self.shift)
            shift.setAccessibleName(self._labels("key_shift"))
            third_row.insertWidget(0, shift)
            rows.addLayout(third_row)
        last = QHBoxLayout()
        last.setSpacing(8)
        last.addWidget(self._key(self._labels("key_erase"), "\b", dark=True, icon="erase"), 2)
        last.addWidget(self._key(self._labels("key_space"), " "), 4)
        last.addWidget(self._key(self._labels("key_done"), "\n", dark=True, icon="check"), 2)
        rows.addLayout(last)

    def _row(self, keys: list[tuple[str, str]], dark: bool = False) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)  # ten keys of >= 15 mm fit a 1080 px portrait screen only with narrow gaps
        for label, value in keys:
            row.addWidget(self._key(label, value, dark=dark))
        return row


def _title(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))

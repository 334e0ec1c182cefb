"""Pickers instead of typing (services.md §5.2): dates with big +/− buttons, and choice lists of at most six
big buttons per page, with an optional letter filter for long lists (provinces, wards).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.theme import SIZES, font
from ui.widgets.buttons import BigButton
from ui.widgets.keyboard import OnScreenKeyboardWidget

MAX_CHOICES = 6


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


class DatePickerWidget(QWidget):
    """Day, month and year, each with − and + buttons; "Xong" confirms."""

    picked = Signal(object)

    def __init__(self, value: date | None, today: date, labels: Callable[[str], str],
                 parts: tuple[str, ...] = ("day", "month", "year")) -> None:
        super().__init__()
        self.value = value or date(today.year - 30, 1, 1)
        self.labels = labels
        grid = QGridLayout(self)
        grid.setSpacing(SIZES.spacing_px)
        self.shown: dict[str, QLabel] = {}
        for row, part in enumerate(parts):
            name = QLabel(labels(f"date_{part}"))
            name.setFont(font(SIZES.text_px, bold=True))
            minus = BigButton(labels("minus"), "back", role="secondary")
            minus.setObjectName(f"{part}_minus")
            plus = BigButton(labels("plus"), "plus", role="secondary")
            plus.setObjectName(f"{part}_plus")
            shown = QLabel()
            shown.setProperty("role", "field")
            shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
            shown.setFont(font(SIZES.title_px, bold=True))
            self.shown[part] = shown
            minus.clicked.connect(lambda _=False, p=part: self._step(p, -1))
            plus.clicked.connect(lambda _=False, p=part: self._step(p, 1))
            grid.addWidget(name, row, 0)
            grid.addWidget(minus, row, 1)
            grid.addWidget(shown, row, 2)
            grid.addWidget(plus, row, 3)
        # Ten years at a tap, so a birth year far from the start is a few taps, not dozens.
        decade_minus = BigButton(labels("minus_ten_years"), "back", role="secondary")
        decade_minus.setObjectName("year_minus10")
        decade_minus.clicked.connect(lambda: self._step("year", -10))
        decade_plus = BigButton(labels("plus_ten_years"), "plus", role="secondary")
        decade_plus.setObjectName("year_plus10")
        decade_plus.clicked.connect(lambda: self._step("year", 10))
        grid.addWidget(decade_minus, len(parts), 1)
        grid.addWidget(decade_plus, len(parts), 3)
        ok = BigButton(labels("key_done"), "check", role="primary")
        ok.setObjectName("date_done")
        ok.clicked.connect(lambda: self.picked.emit(self.value))
        grid.addWidget(ok, len(parts) + 1, 0, 1, 4)
        self._show()

    def set_value(self, value: date) -> None:
        self.value = value
        self._show()

    def _step(self, part: str, delta: int) -> None:
        d = self.value
        if part == "day":
            self.value = date.fromordinal(d.toordinal() + delta)
        elif part == "month":
            month = (d.month - 1 + delta) % 12 + 1
            year = d.year + (d.month - 1 + delta) // 12
            self.value = _safe(year, month, d.day)
        else:
            self.value = _safe(d.year + delta, d.month, d.day)
        self._show()

    def _show(self) -> None:
        texts = {"day": f"{self.value.day:02d}", "month": f"{self.value.month:02d}", "year": str(self.value.year)}
        for part, label in self.shown.items():
            label.setText(texts[part])


def _safe(year: int, month: int, day: int) -> date:
    while day > 28:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
    return date(year, month, day)


class ChoiceListWidget(QWidget):
    """Big choice buttons, six to a page; long lists get a letter filter and page buttons."""

    chosen = Signal(str)

    def __init__(self, choices: Sequence[tuple[str, str]], labels: Callable[[str], str], icon: str = "check",
                 filterable: bool = False, columns: int = 2) -> None:
        super().__init__()
        self.choices = list(choices)
        self.labels = labels
        self.icon = icon
        self.columns = columns
        self.page = 0
        self.filter = ""
        # With the letter filter on screen there is room for four choices at a time.
        self.per_page = 4 if filterable and len(self.choices) > MAX_CHOICES else MAX_CHOICES
        self.buttons: list[BigButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SIZES.spacing_px)
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(SIZES.spacing_px)
        layout.addWidget(self.grid_holder)
        paging = QHBoxLayout()
        self.prev = BigButton(labels("page_prev"), "back", role="secondary")
        self.prev.setObjectName("page_prev")
        self.next = BigButton(labels("page_next"), "next", role="secondary")
        self.next.setObjectName("page_next")
        self.prev.clicked.connect(lambda: self._turn(-1))
        self.next.clicked.connect(lambda: self._turn(1))
        paging.addWidget(self.prev)
        paging.addWidget(self.next)
        layout.addLayout(paging)
        self.keyboard: OnScreenKeyboardWidget | None = None
        if filterable and len(self.choices) > MAX_CHOICES:
            self.keyboard = OnScreenKeyboardWidget(mode="telex", labels=labels, key_px=94, compact=True)
            self.keyboard.setObjectName("choice_filter")
            self.keyboard.text_changed.connect(self._filter)
            layout.addWidget(self.keyboard)
        self._show()

    def visible(self) -> list[tuple[str, str]]:
        wanted = _plain(self.filter)
        return [c for c in self.choices if wanted in _plain(c[1])] if wanted else self.choices

    def _filter(self, text: str) -> None:
        self.filter = text
        self.page = 0
        self._show()

    def _turn(self, delta: int) -> None:
        self.page += delta
        self._show()

    def _show(self) -> None:
        for b in self.buttons:
            b.setParent(None)
            b.deleteLater()
        self.buttons = []
        items = self.visible()
        pages = max(1, -(-len(items) // self.per_page))
        self.page = max(0, min(self.page, pages - 1))
        for i, (value, label) in enumerate(items[self.page * self.per_page:(self.page + 1) * self.per_page]):
            b = BigButton(label, self.icon, role="secondary")
            b.setObjectName(f"choice_{value}")
            b.clicked.connect(lambda _=False, v=value: self.chosen.emit(v))
            self.grid.addWidget(b, i // self.columns, i % self.columns)
            self.buttons.append(b)
        self.prev.setVisible(pages > 1)
        self.next.setVisible(pages > 1)
        self.prev.setEnabled(self.page > 0)
        self.next.setEnabled(self.page < pages - 1)

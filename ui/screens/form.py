"""Form steps, drawn from the Qt-free form engine (`kiosk.forms.FormSession`): one step per screen.

The engine decides which fields a step has, which are prefilled from the chip, what an error says; this screen
shows each field as a big card (label, value, "from your card" mark, error) and opens the right editor for the one
being answered: a picker for dates, choices and addresses, the Vietnamese keyboard for names and text, the numeric
pad for numbers. "Tiếp tục" asks the engine to move on; after the last step the session goes to the review.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.forms import address
from kiosk.forms.views import FieldView, StepView
from ui.screens.base import Screen
from ui.widgets.buttons import BigButton
from ui.widgets.keyboard import OnScreenKeyboardWidget
from ui.widgets.pickers import ChoiceListWidget, DatePickerWidget

NUMERIC_TYPES = frozenset({"id_number", "old_id_number", "phone", "number", "id_last4"})
TEXT_TYPES = frozenset({"text", "name", "email", "plate", "insurance_card", "file_code"})


class FormScreen(Screen):
    name = "form"
    step = 4

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.editing: str | None = None
        self.address_draft: dict[str, object] = {}
        self.group_draft: dict[str, object] = {}
        self.field_cards: dict[str, BigButton] = {}

    @property
    def form(self) -> Any:
        return self.ctx.kiosk.session.form

    def enter(self) -> None:
        form = self.form
        self.editing = self._first_open(form.current_step()) if form is not None else None
        super().enter()

    def leave(self) -> None:
        self.editing = None
        self.address_draft = {}
        self.group_draft = {}
        super().leave()

    def build(self, layout: QVBoxLayout) -> None:
        form = self.form
        if form is None:
            return
        form.set_language(self.ctx.language)
        view: StepView = form.current_step()
        if view.part_name:
            layout.addWidget(self.text(view.part_name, "hint"))
        layout.addWidget(self.title(view.title))
        layout.addWidget(self.text(self.t("form_progress", index=view.index, count=view.count), "hint"))
        self.field_cards = {}
        cards = QWidget()
        card_box = QVBoxLayout(cards)
        card_box.setContentsMargins(0, 0, 0, 0)
        card_box.setSpacing(12)
        # While one answer is being given, only its card stays above the keyboard or picker: one task per screen.
        open_key = self._open_key()
        for field in view.fields:
            if open_key is None or field.key == open_key:
                card_box.addWidget(self._field_card(field))
        card_box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(cards)
        editor = self._editor(view)
        layout.addWidget(scroll, 1)
        if editor is not None:
            layout.addWidget(editor)
        next_button = self.button("form_next" if not view.is_last else "form_to_review", "next",
                                  role="success", min_height=120)
        next_button.setObjectName("form_next")
        next_button.clicked.connect(self._next)
        layout.addWidget(next_button)

    def voice_key(self) -> str:
        return "form_voice"

    def voice_params(self) -> dict[str, object]:
        form = self.form
        return {"title": form.current_step().title if form is not None else ""}

    def back(self) -> bool:
        form = self.form
        if form is None:
            return False
        if self.editing is not None and self.editing.startswith("address:"):
            self.editing = self.editing.split(":", 2)[1]
            self.rebuild()
            return True
        if form.back():
            self.editing = None  # back on an answered step: show all its answers
            self.rebuild()
            self.speak_intro()
            return True
        return False

    # ---- fields ------------------------------------------------------------------------------------------
    def _first_open(self, view: StepView) -> str | None:
        for field in view.fields:
            if field.readonly:
                continue
            if field.error is not None or (field.required and field.display == "" and not field.prefilled):
                return field.key
        return None

    def _field_card(self, field: FieldView) -> QWidget:
        box = QFrame()
        box.setProperty("role", "card")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(20, 14, 20, 14)
        inner.setSpacing(6)
        head = QHBoxLayout()
        label = QLabel(field.label + ("" if field.required else f" ({self.t('optional')})"))
        label.setWordWrap(True)
        head.addWidget(label, 1)
        if field.prefilled:
            mark = QLabel(self.t("from_card"))
            mark.setProperty("role", "ok")
            head.addWidget(mark)
        inner.addLayout(head)
        shown = field.display or self.t("not_answered")
        value = BigButton(shown, "check" if field.display else "keyboard",
                          role="primary" if self.editing == field.key else "secondary", min_height=96)
        value.setObjectName(f"field_{field.key}")
        value.setEnabled(not field.readonly)
        value.clicked.connect(lambda _=False, k=field.key: self._edit(k))
        self.field_cards[field.key] = value
        inner.addWidget(value)
        if field.help:
            inner.addWidget(self.text(field.help, "hint"))
        if field.error is not None:
            err = self.text(field.error.text, "error")
            err.setObjectName(f"error_{field.key}")
            inner.addWidget(err)
        return box

    def _open_key(self) -> str | None:
        """The field whose editor is open ("address:KEY:stage" and "group:KEY:n" belong to KEY)."""
        if self.editing is None:
            return None
        return self.editing.split(":")[1] if ":" in self.editing else self.editing

    def _edit(self, key: str) -> None:
        # Tapping the open field again puts its editor away and shows every field of the step.
        self.editing = None if self._open_key() == key else key
        self.address_draft = {}
        self.group_draft = {}
        self.rebuild()

    def _editor(self, view: StepView) -> QWidget | None:
        key = self.editing
        if key is None:
            return None
        if key.startswith("group:"):
            return self._group_item_editor(view, key)
        address_stage = ""
        if key.startswith("address:"):
            _, key, address_stage = key.split(":", 2)
        field = next((f for f in view.fields if f.key == key), None)
        if field is None or field.readonly:
            return None
        if field.type == "address":
            return self._address_editor(field, address_stage)
        if field.type == "group":
            return self._group_panel(field)
        field_key = key

        def done(value: object) -> None:
            self._set(field_key, value)

        return self._value_editor(field, done)

    def _value_editor(self, field: FieldView, done: Callable[[object], None]) -> QWidget:
        """The right picker or keyboard for one value; `done` receives what the citizen chose or typed."""
        today: date = self.ctx.kiosk.now().date()
        if field.type in ("date", "month"):
            month = field.type == "month"
            picker = DatePickerWidget(field.value if isinstance(field.value, date) else None, today, self.t,
                                      parts=("month", "year") if month else ("day", "month", "year"))
            picker.setObjectName("date_picker")
            if month:
                picker.picked.connect(lambda v: done(f"{v.month:02d}/{v.year}"))
            else:
                picker.picked.connect(done)
            return picker
        if field.type in ("choice", "yes_no") or field.choices:
            options = [(c.value, c.label) for c in field.choices] or [("yes", self.t("yes")), ("no", self.t("no"))]
            chooser = ChoiceListWidget(options, self.t)
            chooser.setObjectName("choice_list")
            if field.type == "yes_no":
                chooser.chosen.connect(lambda v: done(v == "yes"))
            else:
                chooser.chosen.connect(done)
            return chooser
        if field.type == "attachment":
            scan = self.button("scan_document", "document", role="primary")
            scan.setObjectName("scan_document")
            scan.clicked.connect(lambda _=False: self._scan(done))
            return scan
        mode = "numeric" if field.type in NUMERIC_TYPES else self.ctx.scratch.get("keyboard_mode", "simple")
        keyboard = OnScreenKeyboardWidget(mode=mode, title_case=field.type == "name", labels=self.t)
        keyboard.setObjectName("keyboard")
        keyboard.set_text(field.display if not isinstance(field.value, dict | list) else "")
        keyboard.submitted.connect(done)
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        if mode != "numeric":
            col.addWidget(self._mode_row(mode))
        col.addWidget(keyboard)
        return holder

    # ---- groups (several people or periods in one answer) -------------------------------------------------
    def _group_panel(self, field: FieldView) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(10)
        items = field.value if isinstance(field.value, list) else []
        for i, item in enumerate(items):
            summary = ", ".join(str(v) for v in item.values() if v not in (None, "")) if isinstance(item, dict) else ""
            remove = BigButton(self.t("group_remove", item=summary or str(i + 1)), "erase", role="secondary",
                               min_height=96)
            remove.setObjectName(f"group_remove_{i}")
            remove.clicked.connect(lambda _=False, n=i, k=field.key: self._group_remove(k, n))
            col.addWidget(remove)
        add = self.button("group_add", "plus", role="primary")
        add.setObjectName("group_add")
        add.clicked.connect(lambda _=False, k=field.key: self._group_start(k))
        col.addWidget(add)
        return holder

    def _group_start(self, key: str) -> None:
        self.group_draft = {}
        self.editing = f"group:{key}:0"
        self.rebuild()

    def _group_remove(self, key: str, index: int) -> None:
        form = self.form
        items = list(form.value(key) or []) if form is not None else []
        if 0 <= index < len(items):
            del items[index]
        self._set(key, items)
        self.editing = key
        self.rebuild()

    def _group_item_editor(self, view: StepView, editing: str) -> QWidget | None:
        _, key, index_text = editing.split(":", 2)
        field = next((f for f in view.fields if f.key == key), None)
        index = int(index_text)
        if field is None or index >= len(field.sub_fields):
            return None
        sub = field.sub_fields[index]
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        ask = self.text(self.t("group_question", label=sub.label, index=index + 1, count=len(field.sub_fields)),
                        "title")
        ask.setObjectName("group_question")
        col.addWidget(ask)
        col.addWidget(self._value_editor(sub, lambda value: self._group_next(key, index, sub.key, value)))
        if not sub.required:
            skip = self.button("group_skip", "next", role="secondary")
            skip.setObjectName("group_skip")
            skip.clicked.connect(lambda _=False: self._group_next(key, index, sub.key, None))
            col.addWidget(skip)
        return holder

    def _group_next(self, key: str, index: int, sub_key: str, value: object) -> None:
        if value not in (None, ""):
            self.group_draft[sub_key] = value
        form = self.form
        view = form.current_step() if form is not None else None
        field = next((f for f in view.fields if f.key == key), None) if view is not None else None
        if field is not None and index + 1 < len(field.sub_fields):
            self.editing = f"group:{key}:{index + 1}"
            self.rebuild()
            return
        items = list(form.value(key) or []) if form is not None else []
        items.append(dict(self.group_draft))
        self.group_draft = {}
        self._set(key, items)

    def _mode_row(self, current: str) -> QWidget:
        row_w = QWidget()
        row = QHBoxLayout(row_w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for mode in ("simple", "telex", "vni"):
            b = BigButton(self.t(f"keyboard_{mode}"), "keyboard", role="primary" if mode == current else "secondary",
                          min_height=96, text_px=26)
            b.setObjectName(f"keyboard_mode_{mode}")
            b.clicked.connect(lambda _=False, m=mode: self._set_mode(m))
            row.addWidget(b)
        return row_w

    def _set_mode(self, mode: str) -> None:
        self.ctx.scratch["keyboard_mode"] = mode
        self.rebuild()

    def _address_editor(self, field: FieldView, stage: str) -> QWidget:
        current = field.value if isinstance(field.value, dict) else {}
        draft = self.address_draft or dict(current)
        self.address_draft = draft
        key = field.key
        if stage in ("", "province"):
            options = [(str(u.code), u.name) for u in address.provinces()]
            chooser = ChoiceListWidget(options, self.t, icon="home", filterable=True)
            chooser.setObjectName("province_list")
            chooser.chosen.connect(lambda v: self._address_pick(key, "province_code", int(v), "ward"))
            return self._with_hint("address_province", chooser)
        if stage == "ward":
            province = int(str(draft.get("province_code") or 0))
            options = [(str(u.code), u.name) for u in address.wards(province)]
            chooser = ChoiceListWidget(options, self.t, icon="home", filterable=True)
            chooser.setObjectName("ward_list")
            chooser.chosen.connect(lambda v: self._address_pick(key, "ward_code", int(v), "street"))
            return self._with_hint("address_ward", chooser)
        keyboard = OnScreenKeyboardWidget(mode=self.ctx.scratch.get("keyboard_mode", "simple"), labels=self.t)
        keyboard.setObjectName("keyboard")
        keyboard.set_text(str(draft.get("street") or ""))
        keyboard.submitted.connect(lambda text: self._address_done(key, text))
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.text(self.t("address_street"), "hint"))
        col.addWidget(keyboard)
        return holder

    def _with_hint(self, key: str, widget: QWidget) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        col.addWidget(self.text(self.t(key), "hint"))
        col.addWidget(widget)
        return holder

    def _address_pick(self, key: str, part: str, value: int, next_stage: str) -> None:
        self.address_draft[part] = value
        if part == "province_code":
            self.address_draft.pop("ward_code", None)
        self.editing = f"address:{key}:{next_stage}"
        self.rebuild()

    def _address_done(self, key: str, street: str) -> None:
        draft = dict(self.address_draft)
        draft["street"] = street
        self.address_draft = {}
        self._set(key, draft)

    def _scan(self, finished: Callable[[object], None]) -> None:
        def done(pages: list[Any]) -> None:
            for page in pages:
                self.ctx.kiosk.session.add_scan(_Forgettable(page))
            finished(pages)

        self.ctx.tasks.run(self.ctx.kiosk.scan_document, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.ctx.navigate_message(self.ctx.kiosk.message_for(exc, self.ctx.language))

    def _set(self, key: str, value: object) -> None:
        form = self.form
        if form is None:
            return
        error = form.set_value(key, value)
        view = form.current_step()
        field = next((f for f in view.fields if f.key == key), None)
        keep = error is not None or (field is not None and field.type == "group")  # show the list after an item
        self.editing = key if keep else self._first_open(view)
        self.address_draft = {}
        self.rebuild()

    def _next(self) -> None:
        form = self.form
        if form is None:
            return
        errors = form.next()
        if errors:
            self.editing = errors[0].field.split("[", 1)[0]
            self.rebuild()
            self.ctx.say("form_fix_errors")
            return
        if form.at_review:
            self.ctx.kiosk.session.steps_completed()
            return
        self.editing = self._first_open(form.current_step())  # the next step opens at its first question
        self.rebuild()
        self.speak_intro()


class _Forgettable:
    """A scanned page registered with the session so its bytes are dropped on wipe."""

    def __init__(self, page: object) -> None:
        self.page: object | None = page

    def wipe(self) -> None:
        self.page = None
